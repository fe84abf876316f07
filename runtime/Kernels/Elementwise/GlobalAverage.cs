using System;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Bitsmith.Runtime.Kernels.Elementwise
{
    /// <summary>
    /// GlobalAveragePool of a quantised u8 or s8 tensor to float, as the interpreter computes it:
    /// each value dequantised in float (<c>(float)(q - zp) · s</c>), the plane summed in double,
    /// the mean rounded to float. Every dequantised value is a multiple of the smallest one's
    /// float ulp, so a double sum of under 2^21 of them is exact in any order: the vector sum
    /// equals the interpreter's sequential one bit for bit.
    /// </summary>
    public static class GlobalAverage
    {
        /// <summary>Planes the compiler may hand this kernel: beyond this many values a double sum could round.</summary>
        public const int MaxPlane = 1 << 20;

        public static void ToFloat(ReadOnlySpan<byte> x, bool signed, float scale, int zero, int planes, int plane, Span<float> y)
        {
            if (plane <= 0 || plane > MaxPlane || x.Length < planes * plane || y.Length < planes)
                throw new ArgumentException($"{planes} planes of {plane} values do not fit the spans, or a plane is over {MaxPlane} values");
            for (int p = 0; p < planes; p++)
                y[p] = (float)(Sum(x.Slice(p * plane, plane), signed, scale, zero) / plane);
        }

        private static double Sum(ReadOnlySpan<byte> x, bool signed, float scale, int zero)
        {
            int i = 0;
            double sum = 0;
            if (Vector512.IsHardwareAccelerated && x.Length >= 16)
            {
                Vector512<int> z = Vector512.Create(zero);
                Vector512<float> s = Vector512.Create(scale);
                Vector512<double> a0 = default, a1 = default;
                for (; i + 16 <= x.Length; i += 16)
                {
                    var bytes = Vector128.Create(x.Slice(i, 16));
                    var lanes = signed ? Vector512.WidenLower(Vector256.WidenLower(bytes.AsSByte().ToVector256()).ToVector512())
                        : Vector512.WidenLower(Vector256.WidenLower(bytes.ToVector256()).ToVector512()).AsInt32();
                    var real = Vector512.ConvertToSingle(lanes - z) * s;
                    a0 += Vector512.WidenLower(real);
                    a1 += Vector512.WidenUpper(real);
                }
                sum = Vector512.Sum(a0 + a1);
            }
            else if (Vector256.IsHardwareAccelerated && x.Length >= 8)
            {
                Vector256<int> z = Vector256.Create(zero);
                Vector256<float> s = Vector256.Create(scale);
                Vector256<double> a0 = default, a1 = default;
                for (; i + 8 <= x.Length; i += 8)
                {
                    var bytes = Vector128.CreateScalar(MemoryMarshal.Read<ulong>(x.Slice(i, 8))).AsByte();
                    var lanes = signed ? Vector256.WidenLower(Vector128.WidenLower(bytes.AsSByte()).ToVector256())
                        : Vector256.WidenLower(Vector128.WidenLower(bytes).ToVector256()).AsInt32();
                    var real = Vector256.ConvertToSingle(lanes - z) * s;
                    a0 += Vector256.WidenLower(real);
                    a1 += Vector256.WidenUpper(real);
                }
                sum = Vector256.Sum(a0 + a1);
            }
            for (; i < x.Length; i++)
                sum += (float)((signed ? (sbyte)x[i] : x[i]) - zero) * scale;
            return sum;
        }
    }
}
