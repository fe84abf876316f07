using System;

namespace Bitsmith.Runtime
{
    /// <summary>
    /// Real value to integer as ONNX's QuantizeLinear: <c>saturate(roundHalfEven(x / scale) + zeroPoint)</c>,
    /// the division in float32 and the rounding in double, NaN to the zero point; the same
    /// arithmetic as the reference interpreter, so that generated code matches it bit for bit.
    /// </summary>
    public static class Quantize
    {
        public static byte ToUInt8(float x, float scale, int zeroPoint) => (byte)Saturate(x, scale, zeroPoint, 0, 255);

        public static sbyte ToInt8(float x, float scale, int zeroPoint) => (sbyte)Saturate(x, scale, zeroPoint, -128, 127);

        /// <summary>u4 kept one value a byte.</summary>
        public static byte ToUInt4(float x, float scale, int zeroPoint) => (byte)Saturate(x, scale, zeroPoint, 0, 15);

        /// <summary>s4 kept one value a byte.</summary>
        public static sbyte ToInt4(float x, float scale, int zeroPoint) => (sbyte)Saturate(x, scale, zeroPoint, -8, 7);

        public static int ToInt32(float x, float scale, int zeroPoint) => (int)Saturate(x, scale, zeroPoint, int.MinValue, int.MaxValue);

        /// <summary>The saturated integer for an already scaled value (<c>x / scale</c> or a requantised sum).</summary>
        public static long Saturate(double scaled, int zeroPoint, long min, long max)
        {
            double q = Math.Round(scaled, MidpointRounding.ToEven) + zeroPoint;
            return double.IsNaN(q) ? zeroPoint : (long)Math.Max(min, Math.Min(max, q));
        }

        /// <summary>A rounded value clamped to [<paramref name="min"/>, <paramref name="max"/>] (QLinearConv's and QLinearMatMul's requantisation).</summary>
        public static long Clamp(double rounded, long min, long max) => (long)Math.Max(min, Math.Min(max, rounded));

        private static long Saturate(float x, float scale, int zeroPoint, long min, long max) => Saturate(x / scale, zeroPoint, min, max);
    }
}
