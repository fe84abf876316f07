using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Bitsmith.Runtime.Kernels
{
    /// <summary>
    /// <see cref="Quantize.Saturate(double, int, long, long)"/> of <c>real / scale</c> on vectors,
    /// the one vector form every kernel quantises with: the division in float, round half to even,
    /// the zero point, clamped to [lo, hi], NaN to the zero point. Exact for every code: a value
    /// that rounds past 2^24 is far outside any code range and clamps the same way.
    /// </summary>
    internal static class QuantizeVectors
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<int> Codes(Vector512<float> real, Vector512<float> scale, Vector512<float> zero, Vector512<float> lo, Vector512<float> hi)
        {
            var q = Vector512.Round(real / scale) + zero;
            q = Vector512.ConditionalSelect(Vector512.LessThan(q, lo), lo, q);
            q = Vector512.ConditionalSelect(Vector512.GreaterThan(q, hi), hi, q);
            return Vector512.ConvertToInt32(Vector512.ConditionalSelect(Vector512.Equals(q, q), q, zero));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Codes(Vector256<float> real, Vector256<float> scale, Vector256<float> zero, Vector256<float> lo, Vector256<float> hi)
        {
            var q = Vector256.Round(real / scale) + zero;
            q = Vector256.ConditionalSelect(Vector256.LessThan(q, lo), lo, q);
            q = Vector256.ConditionalSelect(Vector256.GreaterThan(q, hi), hi, q);
            return Vector256.ConvertToInt32(Vector256.ConditionalSelect(Vector256.Equals(q, q), q, zero));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<int> Codes(Vector128<float> real, Vector128<float> scale, Vector128<float> zero, Vector128<float> lo, Vector128<float> hi)
        {
            var q = Vector128.Round(real / scale) + zero;
            q = Vector128.ConditionalSelect(Vector128.LessThan(q, lo), lo, q);
            q = Vector128.ConditionalSelect(Vector128.GreaterThan(q, hi), hi, q);
            return Vector128.ConvertToInt32(Vector128.ConditionalSelect(Vector128.Equals(q, q), q, zero));
        }

        /// <summary>Sixteen codes (each in a byte's range) as bytes.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<byte> Narrow(Vector512<int> codes)
        {
            var shorts = Vector512.Narrow(codes, codes);
            return Vector512.Narrow(shorts, shorts).GetLower().GetLower().AsByte();
        }

        /// <summary>Eight codes (each in a byte's range) as the low eight bytes.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static ulong Narrow(Vector256<int> codes)
        {
            var shorts = Vector128.Narrow(codes.GetLower(), codes.GetUpper());
            return Vector128.Narrow(shorts, shorts).AsUInt64().ToScalar();
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<byte> Narrow(Vector128<int> a, Vector128<int> b, Vector128<int> c, Vector128<int> d) =>
            Vector128.Narrow(Vector128.Narrow(a, b), Vector128.Narrow(c, d)).AsByte();
    }
}
