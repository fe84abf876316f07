using System;
using System.Linq;
using System.Runtime.InteropServices;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Ops;
using Xunit;
using static Bitsmith.Compiler.Tests.Ops.ConvPoolTestKit;

namespace Bitsmith.Compiler.Tests.Ops
{
    /// <summary>
    /// MaxPool on f32 inputs holding NaN, compared bit for bit with what ONNX's reference
    /// implementation computes (<see cref="MaxPoolNaN"/>): with unit strides and dilations NaN
    /// never wins; otherwise the first tap inside the input starts the window whatever it holds.
    /// The expected values were checked against onnx/reference/ops/op_max_pool.py; the NaNs carry
    /// payloads (and one is signalling) so a NaN made anew, or quieted, would show.
    /// </summary>
    public class MaxPoolNaNTests
    {
        private static readonly float Q = FromBits(0x7FC01234);
        private static readonly float N = FromBits(unchecked((int)0xFFC00000));
        private static readonly float S = FromBits(0x7F800001);

        /// <summary>
        /// The float with these bits, read from memory: the JIT folds <c>Int32BitsToSingle</c> of a
        /// constant through double, which quiets a signalling NaN.
        /// </summary>
        private static float FromBits(int bits) => MemoryMarshal.Cast<int, float>(new[] { bits })[0];

        [Fact]
        public void TheSignallingNaNIsStillSignalling() => Assert.Equal(0x7F800001, BitConverter.SingleToInt32Bits(S));

        /// <summary>Row 0 [Q 1 | 2 N | 3 4], row 1 [4 5 | 6 7 | 8 S]: three 2x2 windows with a NaN first, in the middle and last.</summary>
        private static Tensor FirstMiddleLast() => F32(new[] { 1, 1, 2, 6 }, Q, 1, 2, N, 3, 4, 4, 5, 6, 7, 8, S);

        [Fact]
        public void StridedWindowKeepsANaNFirstTapAndIgnoresLaterOnes()
        {
            var y = Pool(FirstMiddleLast(), ("kernel_shape", new long[] { 2, 2 }), ("strides", new long[] { 2, 2 }));
            AssertBits(new[] { Q, 7, 8 }, y);
        }

        [Fact]
        public void UnitStrideWindowIgnoresNaNAnywhere()
        {
            // Windows [Q 1 4 5], [1 2 5 6], [2 N 6 7], [N 3 7 8], [3 4 8 S].
            var y = Pool(FirstMiddleLast(), ("kernel_shape", new long[] { 2, 2 }));
            AssertBits(new float[] { 5, 6, 7, 8, 8 }, y);
        }

        [Fact]
        public void DilatedWindowKeepsANaNFirstTap()
        {
            // Windows [Q 2 4 6], [1 N 5 7], [2 3 6 8], [N 4 7 S] (columns c and c + 2 of both rows).
            var y = Pool(FirstMiddleLast(), ("kernel_shape", new long[] { 2, 2 }), ("dilations", new long[] { 1, 2 }));
            AssertBits(new[] { Q, 7, 8, N }, y);
        }

        [Theory]
        [InlineData(2)]
        [InlineData(1)]
        public void AWindowOfOnlyNaNGivesItsFirstTap(int stride)
        {
            // [N Q 1; S Q 2]: the first window is all NaN on either loop (the reference's unit-stride loop raises there).
            var x = F32(new[] { 1, 1, 2, 3 }, N, Q, 1, S, Q, 2);
            var y = Pool(x, ("kernel_shape", new long[] { 2, 2 }), ("strides", new long[] { 1, stride }));
            Assert.Equal(BitConverter.SingleToInt32Bits(N), BitConverter.SingleToInt32Bits(y.Floats[0]));
        }

        /// <summary>[1 Q 3; N 2 5; 7 S 6] padded by one on every side.</summary>
        private static Tensor Padded() => F32(new[] { 1, 1, 3, 3 }, 1, Q, 3, N, 2, 5, 7, S, 6);

        [Fact]
        public void UnitStrideWindowsPartlyInThePaddingIgnoreNaN()
        {
            var y = Pool(Padded(), ("kernel_shape", new long[] { 2, 2 }), ("pads", new long[] { 1, 1, 1, 1 }));
            AssertBits(new float[] { 1, 1, 3, 3, 1, 2, 5, 5, 7, 7, 6, 6, 7, 7, 6, 6 }, y);
        }

        [Fact]
        public void StridedWindowsPartlyInThePaddingKeepTheirFirstTapInsideTheInput()
        {
            // Row 0 windows [pad pad | pad 1], [pad pad | 1 Q], [pad pad | Q 3], [pad pad | 3 pad];
            // row 1 [pad N | pad 7], [N 2 | 7 S], [2 5 | S 6], [5 pad | 6 pad].
            var y = Pool(Padded(), ("kernel_shape", new long[] { 2, 2 }), ("strides", new long[] { 2, 1 }), ("pads", new long[] { 1, 1, 1, 1 }));
            AssertBits(new[] { 1, 1, Q, 3, N, N, 6, 6 }, y);
        }

        [Fact]
        public void TheIndexIsTheTapWhoseValueIsTaken()
        {
            var strided = Run(Node("MaxPool", 12, new Value?[] { In("x", FirstMiddleLast()) }, 2, ("kernel_shape", new long[] { 2, 2 }), ("strides", new long[] { 2, 2 })), FirstMiddleLast());
            Assert.Equal(new long[] { 0, 9, 10 }, strided[1].Longs);
            var unit = Run(Node("MaxPool", 12, new Value?[] { In("x", FirstMiddleLast()) }, 2, ("kernel_shape", new long[] { 2, 2 })), FirstMiddleLast());
            Assert.Equal(new long[] { 7, 8, 9, 10, 10 }, unit[1].Longs);
        }

        [Fact]
        public void A2DWindowWithNoTapInsideTheInputGivesZero()
        {
            // A 1x1 map, a 2x2 kernel dilated by 2 and padded by 1: both taps of each axis fall in the padding.
            var x = F32(new[] { 1, 1, 1, 1 }, 5);
            var y = Pool(x, ("kernel_shape", new long[] { 2, 2 }), ("dilations", new long[] { 2, 2 }), ("pads", new long[] { 1, 1, 1, 1 }));
            AssertBits(new[] { 0f }, y);
        }

        [Theory]
        [InlineData(1)]
        [InlineData(3)]
        public void A1DOr3DWindowWithNoTapInsideTheInputGivesNumPysNaN(int rank)
        {
            var x = F32(new[] { 1, 1 }.Concat(Enumerable.Repeat(1, rank)).ToArray(), 5);
            var y = Pool(x, ("kernel_shape", Enumerable.Repeat(2L, rank).ToArray()), ("dilations", Enumerable.Repeat(2L, rank).ToArray()),
                ("pads", Enumerable.Repeat(1L, 2 * rank).ToArray()));
            Assert.Equal(MaxPoolNaN.EmptyWindowNaNBits, BitConverter.SingleToInt32Bits(Assert.Single(y.Floats)));
        }

        [Theory]
        [InlineData(2)]
        [InlineData(1)]
        public void OfEqualZerosTheFirstStays(int stride)
        {
            var x = F32(new[] { 1, 1, 1, 4 }, -0f, 0f, 0f, -0f);
            var y = Pool(x, ("kernel_shape", new long[] { 1, 2 }), ("strides", new long[] { 1, stride }));
            AssertBits(stride == 2 ? new[] { -0f, 0f } : new[] { -0f, 0f, 0f }, y);
        }

        private static Tensor Pool(Tensor x, params (string Name, object Value)[] attributes) =>
            Run(Node("MaxPool", 12, new Value?[] { In("x", x) }, attributes), x)[0];

        private static void AssertBits(float[] expected, Tensor actual) =>
            Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), actual.Floats.Select(BitConverter.SingleToInt32Bits));
    }
}
