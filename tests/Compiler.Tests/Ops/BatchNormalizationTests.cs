using Bitsmith.Compiler.Ir;
using Xunit;
using static Bitsmith.Compiler.Tests.Ops.ConvPoolTestKit;

namespace Bitsmith.Compiler.Tests.Ops
{
    /// <summary>BatchNormalization's opset-7 spatial = 0 form and the rejection of training mode.</summary>
    public class BatchNormalizationTests
    {
        private static Node Make(int opset, Tensor x, Tensor param, int outputs, params (string, object)[] attributes) =>
            Node("BatchNormalization", opset, new Value?[] { In("x", x), Const("s", param), Const("b", param), Const("m", param), Const("v", param) }, outputs, attributes);

        [Fact]
        public void NonSpatialStatisticsAreOnePerElementOfASample()
        {
            // Per-element parameters over C x W = 1 x 2: y = (x - p) / sqrt(p + eps) * p + p with p = [1, 4], eps = 0.
            var x = F32(new[] { 2, 1, 2 }, 2, 8, 3, 4);
            var p = F32(new[] { 1, 2 }, 1, 4);
            var node = Make(7, x, p, 1, ("spatial", 0), ("epsilon", 0f));
            Assert.Equal(new float[] { 2, 12, 3, 4 }, Run(node, x, p, p, p, p)[0].Floats);
        }

        [Fact]
        public void ParametersMustMatchTheChannels()
        {
            var x = F32(new[] { 1, 2, 1 }, 1, 2);
            var node = Make(15, x, F32(new[] { 3 }, 1, 1, 1), 1);
            Assert.Contains("must have shape [2]", Assert.Throws<ModelException>(() => Infer(node)).Message);
        }

        [Theory]
        [InlineData(15, 1, "training_mode", 1L)]
        [InlineData(6, 1, "is_test", 0L)]
        [InlineData(9, 3, "momentum", 0.9f)]
        public void TrainingModeIsNotSupported(int opset, int outputs, string attribute, object value)
        {
            var x = F32(new[] { 1, 1, 1 }, 1);
            var node = Make(opset, x, F32(new[] { 1 }, 1), outputs, (attribute, value));
            Assert.Contains("is not supported", Assert.Throws<UnsupportedModelException>(() => Infer(node)).Message);
        }
    }
}
