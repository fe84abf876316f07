using System;
using Bitsmith.Runtime.Kernels.Int8;
using Xunit;

namespace Bitsmith.Emit.Tests
{
    /// <summary>
    /// The single-precision requantisation with its guard, in both forms (a channel's rows, and
    /// channels in lanes written to NCHW planes): given a multiplier and addend deliberately off
    /// the exact ones, every sum whose single-precision value falls within the guard of a rounding
    /// boundary must take the exact form, so every code equals the interpreter's.
    /// </summary>
    public class RequantizeKernelTests
    {
        // The exact form: scale 0.000731 and bias 0.137 into codes of scale 0.0235; u8 codes with zero
        // point 3 clamped to [3, 255] (a fused Relu), or s8 codes with zero point -5 over [-128, 127].
        private const double Scale = 0.000731, Bias = 0.137;
        private const float OutScale = 0.0235f;

        // Off by 2e-5 relative: over sums up to 9,000 the value moves by less than 0.01 of a code.
        private static readonly float M = (float)(Scale / OutScale * (1 + 2e-5)), B = (float)(Bias / OutScale);
        private const float Guard = 0.5f - 0.02f;

        [Theory]
        [InlineData(3, 3, 255)]
        [InlineData(-5, -128, 127)]
        public void RowsTakeTheExactFormNearEveryBoundary(int zero, int lo, int hi)
        {
            int[] acc = Sums(9001, -500);
            var dst = new byte[acc.Length];
            Requantize.RowsToCodes(acc, acc.Length, 1, acc.Length, 0, M, B, Guard, Scale, Bias, OutScale, zero, lo, hi, dst);
            int unguardedWrong = 0;
            for (int i = 0; i < acc.Length; i++)
            {
                byte exact = (byte)Requantize.ExactCode(acc[i], Scale, Bias, OutScale, zero, lo, hi);
                Assert.True(exact == dst[i], $"sum {acc[i]}: {dst[i]}, the exact form gives {exact}");
                if ((byte)Requantize.SingleCode(acc[i], M, B, 1f, Scale, Bias, OutScale, zero, lo, hi) != dst[i])
                    unguardedWrong++;
            }
            // The multiplier is off enough that the unguarded form is wrong somewhere: the guard did work.
            Assert.True(unguardedWrong > 0, "the test's multiplier never changes a code; it checks nothing");
        }

        [Theory]
        [InlineData(37, 19, 3, 3, 255)]
        [InlineData(5, 11, 3, 3, 255)]
        [InlineData(64, 8, 3, 3, 255)]
        [InlineData(3, 3, 3, 3, 255)]
        [InlineData(37, 19, -5, -128, 127)]
        public void LanesTakeTheExactFormNearEveryBoundary(int pixels, int channels, int zero, int lo, int hi)
        {
            int stride = (channels + 15) / 16 * 16;
            int[] sums = Sums(pixels * channels, -400);
            var acc = new int[pixels * stride];
            for (int p = 0; p < pixels; p++)
                for (int c = 0; c < channels; c++)
                    acc[p * stride + c] = sums[p * channels + c] * 7 % 9000;
            float[] m = Fill(channels, M), b = Fill(channels, B), guard = Fill(channels, Guard), lows = Fill(channels, lo), highs = Fill(channels, hi);
            double[] scale = new double[channels], bias = new double[channels];
            Array.Fill(scale, Scale);
            Array.Fill(bias, Bias);
            var dst = new byte[channels * pixels + 5];
            LanesToPlanes.Codes(acc, stride, pixels, channels, new int[channels], m, b, guard, lows, highs, scale, bias, OutScale, zero, dst, pixels);
            for (int c = 0; c < channels; c++)
                for (int p = 0; p < pixels; p++)
                {
                    byte exact = (byte)Requantize.ExactCode(acc[p * stride + c], Scale, Bias, OutScale, zero, lo, hi);
                    Assert.True(exact == dst[c * pixels + p], $"pixel {p} channel {c}: {dst[c * pixels + p]}, the exact form gives {exact}");
                }
            Assert.All(dst[(channels * pixels)..], d => Assert.Equal(0, d));
        }

        private static int[] Sums(int count, int first)
        {
            var sums = new int[count];
            for (int i = 0; i < count; i++)
                sums[i] = first + i;
            return sums;
        }

        private static float[] Fill(int count, float value)
        {
            var values = new float[count];
            Array.Fill(values, value);
            return values;
        }
    }
}
