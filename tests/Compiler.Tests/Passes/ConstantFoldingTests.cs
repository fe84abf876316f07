using System;
using System.Linq;
using Bitsmith.Compiler.Export;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Passes;
using Xunit;
using static Bitsmith.Compiler.Tests.Passes.PassTestKit;

namespace Bitsmith.Compiler.Tests.Passes
{
    public class ConstantFoldingTests
    {
        [Fact]
        public void FoldsAConstantChainIntoOneConstant()
        {
            var b = new OnnxModelBuilder("fold");
            b.Input("x", ElementType.Float32, 2, 3);
            RandomInitializer(b, "a", new[] { 2, 3 }, seed: 1);
            b.NodeWithOutputs("Constant", new string[0], new[] { "k" }, "k", "", ("value", Tensor.FromFloats(new[] { 3 }, new[] { 1f, 2f, 3f })));
            string sum = b.Node("Add", new[] { "a", "k" });
            string scaled = b.Node("Mul", new[] { sum, sum });
            b.NodeWithOutputs("Add", new[] { "x", scaled }, new[] { "y" }, "y", "");
            b.Output("y", ElementType.Float32, 2, 3);

            var (before, after) = BeforeAndAfter(b, new ConstantFolding());
            Assert.Equal(new[] { "Add" }, OpTypes(after));
            var folded = after.Nodes[0].Inputs[1]!;
            Assert.NotNull(folded.Constant);
            Assert.Equal(new[] { 2, 3 }, folded.Shape);
            AssertSameFloats(before, after, ("x", RandomFloats(new[] { 2, 3 }, seed: 2)));
        }

        [Fact]
        public void AFoldedGraphOutputBecomesAConstantOutput()
        {
            var b = new OnnxModelBuilder("const_out");
            b.Input("x", ElementType.Float32, 2);
            b.Initializer("a", new[] { 2 }, new[] { 1f, -2f });
            b.NodeWithOutputs("Relu", new[] { "a" }, new[] { "c" }, "c", "");
            b.NodeWithOutputs("Relu", new[] { "x" }, new[] { "y" }, "y", "");
            b.Output("c", ElementType.Float32, 2);
            b.Output("y", ElementType.Float32, 2);

            var (before, after) = BeforeAndAfter(b, new ConstantFolding());
            Assert.Equal(new[] { "Relu" }, OpTypes(after));
            Assert.Equal(new[] { 1f, 0f }, after.Outputs.Single(o => o.Name == "c").Constant!.Floats);
            AssertSameFloats(before, after, ("x", Tensor.FromFloats(new[] { 2 }, new[] { -1f, 1f })));
        }

        [Fact]
        public void FakeQuantisedWeightFoldsToIntegersButItsDequantizeStays()
        {
            // PyTorch's export of a fake-quantised weight: Q(w) then DQ, with w a float initializer.
            var b = new OnnxModelBuilder("fake_quant");
            b.Input("x", ElementType.Float32, 1, 2, 4, 4);
            RandomInitializer(b, "w", new[] { 3, 2, 3, 3 }, seed: 3, -0.5f, 0.5f);
            string wq = Quantize(b, "w", 0.01f, ElementType.Int8);
            string w = Dequantize(b, wq, new[] { 0.01f }, Scalar(ElementType.Int8, 0));
            b.NodeWithOutputs("Conv", new[] { "x", w }, new[] { "y" }, "conv", "");
            b.Output("y", ElementType.Float32);

            var (before, after) = BeforeAndAfter(b, new ConstantFolding());
            Assert.Equal(new[] { "DequantizeLinear", "Conv" }, OpTypes(after));
            var integers = after.Nodes[0].Inputs[0]!;
            Assert.Equal(ElementType.Int8, integers.Type);
            Assert.NotNull(integers.Constant);
            AssertSameFloats(before, after, ("x", RandomFloats(new[] { 1, 2, 4, 4 }, seed: 4)));
        }

        [Fact]
        public void OutputsOverTheSizeCapAreComputedAtRunTime()
        {
            var b = new OnnxModelBuilder("big", opset: 13);
            b.Input("x", ElementType.Float32, 1);
            b.Initializer("one", new[] { 1 }, new[] { 1f });
            b.Initializer("pads", Tensor.FromInt64s(new[] { 2 }, new long[] { 0, ConstantFolding.MaxElements }));
            string padded = b.Node("Pad", new[] { "one", "pads" });
            string small = b.Node("Pad", new[] { "one", b.Initializer("pads_small", Tensor.FromInt64s(new[] { 2 }, new long[] { 0, 2 })) });
            b.NodeWithOutputs("Add", new[] { "x", small }, new[] { "y" }, "y", "");
            b.NodeWithOutputs("Relu", new[] { padded }, new[] { "big" }, "big", "");
            b.Output("y", ElementType.Float32, 3);
            b.Output("big", ElementType.Float32);

            var g = Apply(ImportModel(b), new ConstantFolding());
            // The small Pad folds; the one whose output has 2^24 + 1 elements stays, and so does its reader.
            Assert.Equal(new[] { "Pad", "Add", "Relu" }, OpTypes(g));
            Assert.Equal(ConstantFolding.MaxElements + 1, g.Nodes[0].Outputs[0].Shape.Single());
        }

        /// <summary>
        /// A fake-quantised weight over the cap (4097 x 4096 > 2^24 elements): Q(w) writes no more
        /// elements than it reads, so it folds to integers; left float, it took 4x the weight bytes
        /// and was quantised again on every Run.
        /// </summary>
        [Fact]
        public void FakeQuantisedWeightOverTheCapStillFolds()
        {
            var b = new OnnxModelBuilder("big_fake_quant", opset: 13);
            b.Input("x", ElementType.Float32, 1, 4097);
            var weight = Tensor.Zeros(ElementType.Float32, new[] { 4097, 4096 });
            for (int i = 0; i < weight.Length; i += 4099)
                weight.Floats[i] = (i % 251 - 125) * 0.01f;
            b.Initializer("w", weight);
            string wq = Quantize(b, "w", 0.01f, ElementType.Int8);
            string w = Dequantize(b, wq, new[] { 0.01f }, Scalar(ElementType.Int8, 0));
            b.NodeWithOutputs("MatMul", new[] { "x", w }, new[] { "y" }, "mm", "");
            b.Output("y", ElementType.Float32, 1, 4096);

            var g = Apply(ImportModel(b), new ConstantFolding());
            Assert.Equal(new[] { "DequantizeLinear", "MatMul" }, OpTypes(g));
            var integers = g.Nodes[0].Inputs[0]!;
            Assert.True(Shape.Size(integers.Shape) > ConstantFolding.MaxElements);
            Assert.Equal(ElementType.Int8, integers.Type);
            Assert.Equal((sbyte)((4099 * 3 % 251) - 125), integers.Constant!.SBytes[4099 * 3]);
        }

        [Fact]
        public void ANodeReadingACodebookWeightIsNotFolded()
        {
            var b = new OnnxModelBuilder("codebook_const");
            b.Input("x", ElementType.Float32, 2, 4);
            RandomInitializer(b, "a", new[] { 2, 4 }, seed: 5);
            RandomInitializer(b, "book", new[] { 4, 2 }, seed: 6);
            b.Initializer("codes", Tensor.FromInt64s(new[] { 4, 2 }, new long[] { 0, 1, 2, 3, 3, 2, 1, 0 }));
            b.Initializer("shape", Tensor.FromInt64s(new[] { 2 }, new long[] { 4, 4 }));
            string gathered = b.Node("Gather", new[] { "book", "codes" });
            string w = b.Node("Reshape", new[] { gathered, "shape" });
            string product = b.Node("MatMul", new[] { "a", w });
            b.NodeWithOutputs("Add", new[] { "x", product }, new[] { "y" }, "y", "");
            b.Output("y", ElementType.Float32, 2, 4);

            var (before, after) = BeforeAndAfter(b, new CodebookRecognition(), new ConstantFolding());
            Assert.Equal(new[] { "MatMul", "Add" }, OpTypes(after));
            Assert.NotNull(after.Nodes[0].Inputs[1]!.Codebook);
            AssertSameFloats(before, after, ("x", RandomFloats(new[] { 2, 4 }, seed: 7)));
        }
    }
}
