using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Bitsmith.Runtime.Kernels.Elementwise
{
    /// <summary>
    /// QuantizeLinear of float values with one scale and zero point, vectorised:
    /// <c>saturate(roundHalfEven(x / scale) + zp)</c>, the division in float, NaN to the zero point,
    /// exactly as <see cref="Quantize"/> computes each element.
    /// </summary>
    public static class Quantizer
    {
        public static void ToUInt8(ReadOnlySpan<float> x, float scale, int zeroPoint, Span<byte> y) =>
            Run(x, scale, zeroPoint, 0, 255, ref MemoryMarshal.GetReference(Checked(y, x.Length)));

        public static void ToInt8(ReadOnlySpan<float> x, float scale, int zeroPoint, Span<sbyte> y) =>
            Run(x, scale, zeroPoint, -128, 127, ref Unsafe.As<sbyte, byte>(ref MemoryMarshal.GetReference(Checked(y, x.Length))));

        private static Span<T> Checked<T>(Span<T> y, int count) =>
            y.Length >= count ? y : throw new ArgumentException($"the destination holds {y.Length} elements, {count} are written", nameof(y));

        private static void Run(ReadOnlySpan<float> x, float scale, int zeroPoint, int min, int max, ref byte y)
        {
            ref float px = ref MemoryMarshal.GetReference(x);
            int i = 0, n = x.Length;
            float zero = zeroPoint, lo = min, hi = max;
            if (Vector512.IsHardwareAccelerated)
            {
                Vector512<float> s = Vector512.Create(scale), z = Vector512.Create(zero), l = Vector512.Create(lo), h = Vector512.Create(hi);
                for (; i + 16 <= n; i += 16)
                    QuantizeVectors.Narrow(QuantizeVectors.Codes(Vector512.LoadUnsafe(ref px, (nuint)i), s, z, l, h)).StoreUnsafe(ref y, (nuint)i);
            }
            if (Vector256.IsHardwareAccelerated)
            {
                Vector256<float> s = Vector256.Create(scale), z = Vector256.Create(zero), l = Vector256.Create(lo), h = Vector256.Create(hi);
                for (; i + 8 <= n; i += 8)
                    Unsafe.WriteUnaligned(ref Unsafe.Add(ref y, i), QuantizeVectors.Narrow(QuantizeVectors.Codes(Vector256.LoadUnsafe(ref px, (nuint)i), s, z, l, h)));
            }
            if (Vector128.IsHardwareAccelerated)
            {
                Vector128<float> s = Vector128.Create(scale), z = Vector128.Create(zero), l = Vector128.Create(lo), h = Vector128.Create(hi);
                for (; i + 16 <= n; i += 16)
                {
                    var c0 = QuantizeVectors.Codes(Vector128.LoadUnsafe(ref px, (nuint)i), s, z, l, h);
                    var c1 = QuantizeVectors.Codes(Vector128.LoadUnsafe(ref px, (nuint)i + 4), s, z, l, h);
                    var c2 = QuantizeVectors.Codes(Vector128.LoadUnsafe(ref px, (nuint)i + 8), s, z, l, h);
                    var c3 = QuantizeVectors.Codes(Vector128.LoadUnsafe(ref px, (nuint)i + 12), s, z, l, h);
                    QuantizeVectors.Narrow(c0, c1, c2, c3).StoreUnsafe(ref y, (nuint)i);
                }
            }
            for (; i < n; i++)
                Unsafe.Add(ref y, i) = (byte)Quantize.Saturate(Unsafe.Add(ref px, i) / scale, zeroPoint, min, max);
        }
    }
}
