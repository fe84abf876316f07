using System;
using Bitsmith.Runtime.Kernels.Lookup;
using CsCheck;
using Xunit;

namespace Bitsmith.Emit.Tests
{
    /// <summary>
    /// The low-bit lookup conv against a naive convolution of the same codes, written here: every
    /// (activation bits, weight bits) pair from 1 to 3, channel counts that do not fill a group
    /// or a block of 64, kernels, strides, dilations and padding (pad codes at both ends), flipped
    /// and offset inputs, weight steps and minima of either sign, pixel ranges that start and end
    /// inside a tile. Exact. <c>SimdLadderTests</c> runs it again for the SSSE3 and scalar forms.
    /// </summary>
    public class LowBitConvKernelTests
    {
        private sealed record Case(int Channels, int Filters, int Height, int Width, int KernelH, int KernelW, int Stride, int Dilation, int[] Pads,
            int ActivationBits, int WeightBits, bool Flip, int Seed);

        private static readonly Gen<Case> Cases =
            from channels in Gen.OneOf(Gen.Int[1, 13], Gen.Int[14, 70])
            from filters in Gen.OneOf(Gen.Int[1, 70], Gen.Int[120, 140])
            from h in Gen.Int[1, 12]
            from w in Gen.OneOf(Gen.Int[1, 21], Gen.Int[30, 70])
            from kh in Gen.Int[1, 4]
            from kw in Gen.Int[1, 4]
            from stride in Gen.Int[1, 3]
            from dilation in Gen.Int[1, 2]
            from pads in Gen.Int[0, 2].Array[4]
            from bitsA in Gen.Int[1, 3]
            from bitsW in Gen.Int[1, 3]
            from flip in Gen.Bool
            from seed in Gen.Int[0, 1 << 30]
            select new Case(channels, filters, h, w, kh, kw, stride, dilation, pads, bitsA, bitsW, flip, seed);

        [Fact]
        public void LookupsMatchTheNaiveConvolutionForEveryBitPair() => Cases.Sample(Check, iter: 300);

        private static void Check(Case s)
        {
            var random = new Random(s.Seed);
            int padB = s.Pads[2], padR = s.Pads[3];
            // Widen the padding until one window fits.
            while (s.Height + s.Pads[0] + padB < s.Dilation * (s.KernelH - 1) + 1)
                padB++;
            while (s.Width + s.Pads[1] + padR < s.Dilation * (s.KernelW - 1) + 1)
                padR++;
            int outH = (s.Height + s.Pads[0] + padB - s.Dilation * (s.KernelH - 1) - 1) / s.Stride + 1;
            int outW = (s.Width + s.Pads[1] + padR - s.Dilation * (s.KernelW - 1) - 1) / s.Stride + 1;
            int planeH = (outH - 1) * s.Stride + s.Dilation * (s.KernelH - 1) + 1, planeW = (outW - 1) * s.Stride + s.Dilation * (s.KernelW - 1) + 1;
            int maxA = (1 << s.ActivationBits) - 1, maxW = (1 << s.WeightBits) - 1, taps = s.KernelH * s.KernelW;
            byte flip = s.Flip ? (byte)0x80 : (byte)0;
            int codeOffset = random.Next(0, 256 - maxA), padCode = random.Next(2) == 0 ? 0 : maxA;
            // Stored bytes x with ((x ^ flip) - codeOffset) a code; some all zero or all at the maximum.
            int mode = random.Next(4);
            var codes = new int[s.Channels * s.Height * s.Width];
            var input = new byte[codes.Length];
            for (int i = 0; i < codes.Length; i++)
            {
                codes[i] = mode switch { 0 => 0, 1 => maxA, _ => random.Next(maxA + 1) };
                input[i] = (byte)((codes[i] + codeOffset) ^ flip);
            }
            var weights = new int[s.Filters, taps, s.Channels];
            var steps = new int[s.Filters];
            var minima = new int[s.Filters];
            for (int o = 0; o < s.Filters; o++)
            {
                steps[o] = random.Next(-3, 4);
                minima[o] = random.Next(-128, 128);
                for (int t = 0; t < taps; t++)
                    for (int c = 0; c < s.Channels; c++)
                        weights[o, t, c] = mode == 1 ? maxW : random.Next(maxW + 1);
            }

            int g = LowBitConv.GroupSize(s.ActivationBits, s.WeightBits), groupsPerTap = (s.Channels + g - 1) / g, blocks = (s.Filters + 63) / 64;
            var tapOffsets = new int[taps];
            var groupOffsets = new int[taps * groupsPerTap];
            for (int t = 0; t < taps; t++)
            {
                tapOffsets[t] = t / s.KernelW * s.Dilation * planeW + t % s.KernelW * s.Dilation;
                for (int cg = 0; cg < groupsPerTap; cg++)
                    groupOffsets[t * groupsPerTap + cg] = cg * planeH * planeW + tapOffsets[t];
            }
            var packed = new byte[blocks * groupOffsets.Length * 64];
            for (int o = 0; o < s.Filters; o++)
                for (int t = 0; t < taps; t++)
                    for (int c = 0; c < s.Channels; c++)
                        packed[((o / 64 * taps + t) * groupsPerTap + c / g) * 64 + o % 64] |= (byte)(weights[o, t, c] << (c % g * s.WeightBits));
            var bank = new byte[(1 << g * s.ActivationBits) * 64];
            for (int table = 0; table < bank.Length / 64; table++)
                for (int i = 0; i < 64; i++)
                    for (int k = 0; k < g; k++)
                        bank[table * 64 + i] += (byte)((table >> k * s.ActivationBits & maxA) * (i >> k * s.WeightBits & maxW));
            var paddedSteps = new int[blocks * 64];
            var paddedMinima = new int[blocks * 64];
            steps.CopyTo(paddedSteps, 0);
            minima.CopyTo(paddedMinima, 0);

            var selectors = new ushort[LowBitConv.SelectorLength(groupsPerTap, planeH * planeW, s.Stride)];
            var sums = new ushort[planeH * planeW];
            LowBitConv.PackSelectors(input, s.Channels, s.Height, s.Width, s.Pads[0], s.Pads[1], planeH, planeW, flip, codeOffset, padCode, s.ActivationBits, g, selectors, sums);
            int pixels = outH * outW, first = random.Next(0, pixels), end = random.Next(first + 1, pixels + 1);
            if (random.Next(2) == 0)
                (first, end) = (0, pixels);
            var acc = new int[(end - first) * blocks * 64];
            LowBitConv.Accumulate(selectors, sums, groupOffsets, tapOffsets, bank, LowBitConv.GroupsPerFlush(s.ActivationBits, s.WeightBits), packed, blocks,
                paddedSteps, paddedMinima, planeW, outW, s.Stride, s.Stride, first, end, acc);

            for (int p = first; p < end; p++)
                for (int o = 0; o < s.Filters; o++)
                {
                    long expected = 0;
                    for (int t = 0; t < taps; t++)
                    {
                        int y = p / outW * s.Stride + t / s.KernelW * s.Dilation - s.Pads[0], x = p % outW * s.Stride + t % s.KernelW * s.Dilation - s.Pads[1];
                        bool inside = y >= 0 && y < s.Height && x >= 0 && x < s.Width;
                        for (int c = 0; c < s.Channels; c++)
                            expected += (long)(inside ? codes[(c * s.Height + y) * s.Width + x] : padCode) * (minima[o] + steps[o] * weights[o, t, c]);
                    }
                    int actual = acc[(p - first) * blocks * 64 + o];
                    Assert.True(unchecked((int)expected) == actual, $"{LowBitConv.Path}, {s} pixel {p} channel {o}: {actual}, expected {expected}");
                }
        }
    }
}
