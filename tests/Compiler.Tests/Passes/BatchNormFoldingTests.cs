using System.Linq;
using Bitsmith.Compiler.Export;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Passes;
using Xunit;
using static Bitsmith.Compiler.Tests.Passes.PassTestKit;

namespace Bitsmith.Compiler.Tests.Passes
{
    public class BatchNormFoldingTests
    {
        private const int C = 4;

        private static void BatchNorm(OnnxModelBuilder b, string x, string output, int seed)
        {
            RandomInitializer(b, "gamma", new[] { C }, seed, 0.5f, 1.5f);
            RandomInitializer(b, "beta", new[] { C }, seed + 1);
            RandomInitializer(b, "mean", new[] { C }, seed + 2);
            RandomInitializer(b, "var", new[] { C }, seed + 3, 0.1f, 2f);
            b.NodeWithOutputs("BatchNormalization", new[] { x, "gamma", "beta", "mean", "var" }, new[] { output }, "bn", "", ("epsilon", 1e-3f));
        }

        [Theory]
        [InlineData(true, 1)]
        [InlineData(false, 1)]
        [InlineData(true, 2)]
        public void ConvAndBatchNormBecomeOneConvThatKeepsTheOutputName(bool bias, int group)
        {
            var b = new OnnxModelBuilder("conv_bn");
            b.Input("x", ElementType.Float32, 1, 2, 5, 5);
            RandomInitializer(b, "w", new[] { C, 2 / group, 3, 3 }, seed: 1);
            var inputs = bias ? new[] { "x", "w", RandomInitializer(b, "b", new[] { C }, seed: 2) } : new[] { "x", "w" };
            b.NodeWithOutputs("Conv", inputs, new[] { "conv" }, "conv", "", ("group", group));
            BatchNorm(b, "conv", "y", seed: 10);
            b.Output("y", ElementType.Float32, 1, C, 3, 3);

            var (before, after) = BeforeAndAfter(b, new BatchNormFolding());
            var conv = Single(after, "Conv");
            Assert.Equal(new[] { "Conv" }, OpTypes(after));
            Assert.Equal("y", conv.Outputs[0].Name);
            Assert.Equal(new[] { C }, conv.Inputs[2]!.Shape);
            AssertSameFloats(before, after, ("x", RandomFloats(new[] { 1, 2, 5, 5 }, seed: 3)));
        }

        [Theory]
        [InlineData(false, null)]
        [InlineData(true, null)]
        [InlineData(true, new[] { C })]
        [InlineData(false, new[] { 1, C })]
        [InlineData(true, new[] { 3, 1 })]
        [InlineData(false, new[] { 3, C })]
        public void GemmAndBatchNormBecomeOneGemm(bool transB, int[]? cShape)
        {
            var b = new OnnxModelBuilder("gemm_bn");
            b.Input("x", ElementType.Float32, 3, 5);
            RandomInitializer(b, "w", transB ? new[] { C, 5 } : new[] { 5, C }, seed: 1);
            var inputs = cShape == null ? new[] { "x", "w" } : new[] { "x", "w", RandomInitializer(b, "c", cShape, seed: 2) };
            b.NodeWithOutputs("Gemm", inputs, new[] { "gemm" }, "gemm", "", ("transB", transB ? 1 : 0), ("alpha", 0.5f), ("beta", 2f));
            BatchNorm(b, "gemm", "y", seed: 20);
            b.Output("y", ElementType.Float32, 3, C);

            var (before, after) = BeforeAndAfter(b, new BatchNormFolding());
            var gemm = Single(after, "Gemm");
            Assert.Equal(new[] { "Gemm" }, OpTypes(after));
            Assert.Equal(1f, gemm.GetFloat("beta", 0));
            AssertSameFloats(before, after, ("x", RandomFloats(new[] { 3, 5 }, seed: 3)));
        }

        [Fact]
        public void ConvWhoseOutputIsAlsoReadElsewhereKeepsItsBatchNorm()
        {
            var b = new OnnxModelBuilder("shared");
            b.Input("x", ElementType.Float32, 1, 2, 3, 3);
            RandomInitializer(b, "w", new[] { C, 2, 1, 1 }, seed: 1);
            b.NodeWithOutputs("Conv", new[] { "x", "w" }, new[] { "conv" }, "conv", "");
            BatchNorm(b, "conv", "y", seed: 30);
            b.NodeWithOutputs("Relu", new[] { "conv" }, new[] { "r" }, "relu", "");
            b.Output("y", ElementType.Float32, 1, C, 3, 3);
            b.Output("r", ElementType.Float32, 1, C, 3, 3);

            var g = Apply(ImportModel(b), new BatchNormFolding());
            Assert.Equal(new[] { "Conv", "BatchNormalization", "Relu" }, OpTypes(g));
        }

        [Fact]
        public void SharedWeightsAreNotChangedForTheOtherReader()
        {
            var b = new OnnxModelBuilder("shared_weight");
            b.Input("x", ElementType.Float32, 1, 2, 3, 3);
            RandomInitializer(b, "w", new[] { C, 2, 1, 1 }, seed: 1);
            b.NodeWithOutputs("Conv", new[] { "x", "w" }, new[] { "conv" }, "conv", "");
            BatchNorm(b, "conv", "y", seed: 40);
            b.NodeWithOutputs("Conv", new[] { "x", "w" }, new[] { "z" }, "conv2", "");
            b.Output("y", ElementType.Float32, 1, C, 3, 3);
            b.Output("z", ElementType.Float32, 1, C, 3, 3);

            var (before, after) = BeforeAndAfter(b, new BatchNormFolding());
            Assert.Equal(new[] { "Conv", "Conv" }, OpTypes(after));
            Assert.Equal("w", after.Nodes[1].Inputs[1]!.Name);
            Assert.NotEqual("w", after.Nodes[0].Inputs[1]!.Name);
            AssertSameFloats(before, after, ("x", RandomFloats(new[] { 1, 2, 3, 3 }, seed: 3)));
        }

        [Fact]
        public void QuantisedWeightsAreLeftAlone()
        {
            var b = new OnnxModelBuilder("dq_weight");
            b.Input("x", ElementType.Float32, 1, 2, 3, 3);
            b.Initializer("w_q", RandomInts(ElementType.Int8, new[] { C, 2, 1, 1 }, seed: 1, -100, 100));
            string w = Dequantize(b, "w_q", new[] { 0.01f }, Scalar(ElementType.Int8, 0));
            b.NodeWithOutputs("Conv", new[] { "x", w }, new[] { "conv" }, "conv", "");
            BatchNorm(b, "conv", "y", seed: 50);
            b.Output("y", ElementType.Float32, 1, C, 3, 3);

            var g = Apply(ImportModel(b), new BatchNormFolding());
            Assert.Contains("BatchNormalization", OpTypes(g));
        }
    }
}
