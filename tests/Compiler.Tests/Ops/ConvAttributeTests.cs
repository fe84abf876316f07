using Bitsmith.Compiler.Ir;
using Xunit;
using static Bitsmith.Compiler.Tests.Ops.ConvPoolTestKit;

namespace Bitsmith.Compiler.Tests.Ops
{
    /// <summary>Conv's type rule rejects inconsistent shapes and attributes with a message naming the problem.</summary>
    public class ConvAttributeTests
    {
        private static ModelException Reject(int[] wShape, string message, params (string, object)[] attributes)
        {
            var x = In("x", Tensor.Zeros(ElementType.Float32, new[] { 1, 4, 5, 5 }));
            var w = Const("w", Tensor.Zeros(ElementType.Float32, wShape));
            var e = Assert.Throws<ModelException>(() => Infer(Node("Conv", 11, new Value?[] { x, w }, attributes)));
            Assert.Contains(message, e.Message);
            return e;
        }

        [Fact]
        public void ChannelsMustMatchTheGroups() => Reject(new[] { 4, 4, 3, 3 }, "expects 8", ("group", 2));

        [Fact]
        public void OutputChannelsMustDivideByTheGroups() => Reject(new[] { 3, 2, 3, 3 }, "not divisible by group 2", ("group", 2));

        [Fact]
        public void GroupMustBePositive() => Reject(new[] { 4, 4, 3, 3 }, "attribute 'group'", ("group", 0));

        [Fact]
        public void KernelShapeMustMatchTheWeight() => Reject(new[] { 4, 4, 3, 3 }, "does not match", ("kernel_shape", new long[] { 3, 2 }));

        [Fact]
        public void WeightRankMustMatchTheInput() => Reject(new[] { 4, 4, 3 }, "must have the input's rank 4");

        [Fact]
        public void DilationsNeedOneValuePerSpatialAxis() => Reject(new[] { 4, 4, 3, 3 }, "attribute 'dilations' needs 2 values", ("dilations", new long[] { 1 }));

        [Fact]
        public void PadsAndAutoPadExcludeEachOther() =>
            Reject(new[] { 4, 4, 3, 3 }, "cannot be combined", ("auto_pad", "SAME_UPPER"), ("pads", new long[] { 1, 1, 1, 1 }));

        [Fact]
        public void BiasNeedsOneValuePerOutputChannel()
        {
            var x = In("x", Tensor.Zeros(ElementType.Float32, new[] { 1, 4, 5, 5 }));
            var w = Const("w", Tensor.Zeros(ElementType.Float32, new[] { 2, 4, 3, 3 }));
            var b = Const("b", Tensor.Zeros(ElementType.Float32, new[] { 4 }));
            Assert.Contains("must have shape [2]", Assert.Throws<ModelException>(() => Infer(Node("Conv", 11, new Value?[] { x, w, b }))).Message);
        }

        [Fact]
        public void SameUpperPutsTheOddPadAtTheEnd()
        {
            // Input 4, kernel 2, stride 1: one pad, at the end for SAME_UPPER (the beginning for SAME_LOWER).
            var xt = F32(new[] { 1, 1, 4 }, 1, 2, 3, 4);
            var wt = F32(new[] { 1, 1, 2 }, 1, 10);
            var upper = Node("Conv", 11, new Value?[] { In("x", xt), Const("w", wt) }, ("auto_pad", "SAME_UPPER"));
            var lower = Node("Conv", 11, new Value?[] { In("x", xt), Const("w", wt) }, ("auto_pad", "SAME_LOWER"));
            Assert.Equal(new float[] { 21, 32, 43, 4 }, Run(upper, xt, wt)[0].Floats);
            Assert.Equal(new float[] { 10, 21, 32, 43 }, Run(lower, xt, wt)[0].Floats);
        }
    }
}
