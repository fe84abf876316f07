using System;
using Bitsmith.Compiler.Export;
using Bitsmith.Compiler.Ir;
using Xunit;
using static Bitsmith.Compiler.Tests.Ops.OpTestKit;

namespace Bitsmith.Compiler.Tests.Ops
{
    /// <summary>Gemm's older opsets (C required, the broadcast attribute), a fused activation, and errors.</summary>
    public class GemmTests
    {
        private static OnnxModelBuilder Model(int opset, int[] cShape, params (string, object)[] attributes)
        {
            var b = new OnnxModelBuilder("gemm", opset);
            b.Input("a", ElementType.Float32, 2, 3);
            b.Initializer("b", F32(new[] { 3, 2 }, 1, 2, 3, 4, 5, 6));
            if (cShape.Length > 0 || opset < 11)
                b.Initializer("c", F32(cShape, Random(Shape.Size(cShape), 3, 1f)));
            var inputs = cShape.Length > 0 || opset < 11 ? new[] { "a", "b", "c" } : new[] { "a", "b" };
            b.NodeWithOutputs("Gemm", inputs, new[] { "y" }, "gemm", "", attributes);
            b.Output("y", ElementType.Float32, 2, 2);
            return b;
        }

        private static readonly Tensor A = F32(new[] { 2, 3 }, 1, 0, -1, 2, 1, 0);

        [Fact]
        public void BroadcastAttributeLetsAVectorBiasThroughBeforeOpset7()
        {
            var y = Run(Model(6, new[] { 2 }, ("broadcast", 1), ("beta", 2f)), ("a", A))["y"];
            float[] c = Random(2, 3, 1f);
            Assert.Equal(new[] { -4 + 2 * c[0], -4 + 2 * c[1], 5 + 2 * c[0], 8 + 2 * c[1] }, y.Floats);
        }

        [Fact]
        public void WithoutBroadcastAttributeCMustHaveTheOutputShapeBeforeOpset7()
        {
            var e = Assert.Throws<ModelException>(() => Load(Model(6, new[] { 2 })));
            Assert.Contains("does not match the output [2,2]", e.Problem);
            var y = Run(Model(6, new[] { 2, 2 }, ("alpha", 0.5f)), ("a", A))["y"];
            float[] c = Random(4, 3, 1f);
            Assert.Equal(new[] { -2 + c[0], -2 + c[1], 2.5f + c[2], 4 + c[3] }, y.Floats);
        }

        [Fact]
        public void CIsRequiredBeforeOpset11AndOptionalFrom11()
        {
            var b = new OnnxModelBuilder("gemm", 9);
            b.Input("a", ElementType.Float32, 2, 3);
            b.Initializer("b", F32(new[] { 3, 2 }, 1, 2, 3, 4, 5, 6));
            b.NodeWithOutputs("Gemm", new[] { "a", "b" }, new[] { "y" }, "gemm", "");
            b.Output("y", ElementType.Float32, 2, 2);
            Assert.Contains("input 2 is required", Assert.Throws<ModelException>(() => Load(b)).Problem);

            var y = Run(Model(11, Array.Empty<int>()), ("a", A))["y"];
            Assert.Equal(new float[] { -4, -4, 5, 8 }, y.Floats);
        }

        [Fact]
        public void CThatDoesNotBroadcastIsRejected()
        {
            var e = Assert.Throws<ModelException>(() => Load(Model(13, new[] { 3 })));
            Assert.Equal("gemm", e.NodeName);
            Assert.Contains("does not broadcast to the output [2,2]", e.Problem);
        }

        [Fact]
        public void InnerDimensionsMustAgree()
        {
            var e = Assert.Throws<ModelException>(() => Load(Model(13, new[] { 2 }, ("transA", 1))));
            Assert.Contains("inner dimensions differ", e.Problem);
        }

        [Fact]
        public void FusedReluAppliesToTheFloatResult()
        {
            var node = Node("Gemm", 13, new[] { Constant("a", A), Constant("b", F32(new[] { 3, 2 }, 1, 2, 3, 4, 5, 6)) }, new Value("y", ElementType.Float32, Array.Empty<int>()));
            node.Activation = new FusedActivation(ActivationKind.Relu);
            Assert.Equal(new float[] { 0, 0, 5, 8 }, Evaluate(node).Floats);
        }

        [Fact]
        public void IntegerGemmIsNotSupported()
        {
            var node = Node("Gemm", 13, new[] { Constant("a", Tensor.Zeros(ElementType.Int32, new[] { 1, 1 })), Constant("b", Tensor.Zeros(ElementType.Int32, new[] { 1, 1 })) }, new Value("y", ElementType.Float32, Array.Empty<int>()));
            Assert.Contains("is not supported", Assert.Throws<UnsupportedModelException>(() => Evaluate(node)).Problem);
        }
    }
}
