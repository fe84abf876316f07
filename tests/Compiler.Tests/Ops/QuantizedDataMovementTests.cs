using System;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Ops;
using Xunit;

namespace Bitsmith.Compiler.Tests.Ops
{
    /// <summary>
    /// After the QDQ pass, data-movement ops read quantised values directly: the integers
    /// move unchanged and the output keeps the input's per-tensor scale and zero point.
    /// </summary>
    public class QuantizedDataMovementTests
    {
        private static readonly QuantParams PerTensor = new QuantParams(new[] { 0.5f }, new[] { 3 }, 0, 0, 8);

        private static Value Quantized(string name, QuantParams q, params int[] shape) =>
            new Value(name, ElementType.Int8, shape) { Quant = q };

        private static Node NodeOf(string opType, int opset, params Value?[] inputs)
        {
            var node = new Node("n", opType, "", opset);
            node.Inputs.AddRange(inputs);
            node.Outputs.Add(new Value("y", ElementType.Float32, Array.Empty<int>()));
            return node;
        }

        private static Value Axes(params long[] axes) =>
            Value.FromConstant("axes", Tensor.FromInt64s(new[] { axes.Length }, axes));

        public static TheoryData<string> ViewOps => new TheoryData<string> { "Reshape", "Flatten", "Squeeze", "Unsqueeze", "Transpose", "Identity" };

        private static Node ViewNode(string opType, Value x) => opType switch
        {
            "Reshape" => NodeOf(opType, 14, x, Value.FromConstant("shape", Tensor.FromInt64s(new[] { 1 }, new long[] { -1 }))),
            "Squeeze" => NodeOf(opType, 13, x, Axes(0)),
            "Unsqueeze" => NodeOf(opType, 13, x, Axes(0)),
            _ => NodeOf(opType, 13, x),
        };

        [Theory]
        [MemberData(nameof(ViewOps))]
        public void ViewOpsPassPerTensorQuantisationThrough(string opType)
        {
            var node = ViewNode(opType, Quantized("x", PerTensor, 1, 2, 3));
            OperatorRegistry.For(node).Infer(node);
            var y = node.Outputs[0];
            Assert.Equal(ElementType.Int8, y.Type);
            Assert.Same(PerTensor, y.Quant);

            var x = new Tensor(ElementType.Int8, new[] { 1, 2, 3 }, new sbyte[] { -128, -1, 0, 1, 2, 127 });
            var result = OperatorRegistry.For(node).Evaluate(node, new[] { x, node.Input(1)?.Constant });
            Assert.Equal(ElementType.Int8, result[0].Type);
            Assert.Equal(y.Shape, result[0].Shape);
            Array.Sort(result[0].SBytes);
            Assert.Equal(x.SBytes, result[0].SBytes); // the same integers, perhaps reordered
        }

        [Theory]
        [MemberData(nameof(ViewOps))]
        public void ViewOpsRejectPerAxisQuantisation(string opType)
        {
            var perAxis = new QuantParams(new[] { 0.5f, 0.25f }, new[] { 0, 0 }, 1, 0, 8);
            var node = ViewNode(opType, Quantized("x", perAxis, 1, 2, 3));
            var e = Assert.Throws<ModelException>(() => OperatorRegistry.For(node).Infer(node));
            Assert.Contains("per axis", e.Message);
            Assert.Equal(opType, e.OpType);
        }

        [Fact]
        public void TransposeMovesQuantisedIntegers()
        {
            var node = NodeOf("Transpose", 13, Quantized("x", PerTensor, 2, 3));
            OperatorRegistry.For(node).Infer(node);
            var x = new Tensor(ElementType.Int8, new[] { 2, 3 }, new sbyte[] { 1, 2, 3, 4, 5, 6 });
            var y = OperatorRegistry.For(node).Evaluate(node, new Tensor?[] { x })[0];
            Assert.Equal(new sbyte[] { 1, 4, 2, 5, 3, 6 }, y.SBytes);
        }

        [Fact]
        public void AnOutputQuantisedDifferentlyFromItsInputIsAnError()
        {
            var node = NodeOf("Reshape", 14, Quantized("x", PerTensor, 2, 3), Value.FromConstant("shape", Tensor.FromInt64s(new[] { 1 }, new long[] { 6 })));
            node.Outputs[0].Quant = new QuantParams(new[] { 0.25f }, new[] { 3 }, 0, 0, 8);
            node.Outputs[0].Type = ElementType.Int8;
            var e = Assert.Throws<ModelException>(() => OperatorRegistry.For(node).Infer(node));
            Assert.Contains("keeps its input's", e.Message);
        }

        [Fact]
        public void AFusedActivationIsRejected()
        {
            var node = NodeOf("Identity", 13, new Value("x", ElementType.Float32, new[] { 2 }));
            node.Activation = new FusedActivation(ActivationKind.Relu);
            var e = Assert.Throws<ModelException>(() => OperatorRegistry.For(node).Infer(node));
            Assert.Contains("fused Relu", e.Message);
        }

        [Fact]
        public void ConcatOfInputsSharingParametersStaysQuantised()
        {
            var same = new QuantParams(new[] { 0.5f }, new[] { 3 }, 0, 0, 8);
            var node = NodeOf("Concat", 13, Quantized("a", PerTensor, 1, 2), Quantized("b", same, 1, 3));
            node.Attributes["axis"] = Ir.Attribute.Int(1);
            OperatorRegistry.For(node).Infer(node);
            Assert.Equal(ElementType.Int8, node.Outputs[0].Type);
            Assert.Equal(new[] { 1, 5 }, node.Outputs[0].Shape);
            Assert.Same(PerTensor, node.Outputs[0].Quant);

            var a = new Tensor(ElementType.Int8, new[] { 1, 2 }, new sbyte[] { -5, 7 });
            var b = new Tensor(ElementType.Int8, new[] { 1, 3 }, new sbyte[] { 1, 2, 3 });
            Assert.Equal(new sbyte[] { -5, 7, 1, 2, 3 }, OperatorRegistry.For(node).Evaluate(node, new Tensor?[] { a, b })[0].SBytes);
        }

        [Fact]
        public void ConcatOfDifferentlyQuantisedInputsIsAnError()
        {
            var other = new QuantParams(new[] { 0.5f }, new[] { 4 }, 0, 0, 8);
            var node = NodeOf("Concat", 13, Quantized("a", PerTensor, 1, 2), Quantized("b", other, 1, 3));
            node.Attributes["axis"] = Ir.Attribute.Int(1);
            var e = Assert.Throws<ModelException>(() => OperatorRegistry.For(node).Infer(node));
            Assert.Contains("must share one per-tensor scale and zero point", e.Message);
        }

        [Fact]
        public void ConcatOfQuantisedAndPlainInputsIsAnError()
        {
            var node = NodeOf("Concat", 13, new Value("a", ElementType.Int8, new[] { 1, 2 }), Quantized("b", PerTensor, 1, 3));
            node.Attributes["axis"] = Ir.Attribute.Int(1);
            var e = Assert.Throws<ModelException>(() => OperatorRegistry.For(node).Infer(node));
            Assert.Contains("has quantisation q(", e.Message);
        }

        [Fact]
        public void GatherHasNoQuantisedForm()
        {
            var node = NodeOf("Gather", 13, Quantized("x", PerTensor, 3), Value.FromConstant("i", Tensor.FromInt64s(new[] { 1 }, new long[] { 0 })));
            var e = Assert.Throws<ModelException>(() => OperatorRegistry.For(node).Infer(node));
            Assert.Contains("has no quantised form", e.Message);
        }
    }
}
