using System;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Bitsmith.Runtime.Kernels.Elementwise
{
    /// <summary>
    /// Clip of float values to constant bounds, vectorised: <c>min(max(x, lo), hi)</c> with
    /// <see cref="Math.Max(float, float)"/>'s rules (NaN kept, +0 above -0), which the vector
    /// Max and Min of .NET 9 and later share.
    /// </summary>
    public static class Clipper
    {
        public static void Clip(ReadOnlySpan<float> x, float lo, float hi, Span<float> y)
        {
            if (y.Length < x.Length)
                throw new ArgumentException($"the destination holds {y.Length} elements, {x.Length} are written", nameof(y));
            ref float px = ref MemoryMarshal.GetReference(x);
            ref float py = ref MemoryMarshal.GetReference(y);
            int i = 0, n = x.Length;
            if (Vector512.IsHardwareAccelerated)
            {
                Vector512<float> l = Vector512.Create(lo), h = Vector512.Create(hi);
                for (; i + 16 <= n; i += 16)
                    Vector512.Min(Vector512.Max(Vector512.LoadUnsafe(ref px, (nuint)i), l), h).StoreUnsafe(ref py, (nuint)i);
            }
            if (Vector128.IsHardwareAccelerated)
            {
                Vector128<float> l = Vector128.Create(lo), h = Vector128.Create(hi);
                for (; i + 4 <= n; i += 4)
                    Vector128.Min(Vector128.Max(Vector128.LoadUnsafe(ref px, (nuint)i), l), h).StoreUnsafe(ref py, (nuint)i);
            }
            for (; i < n; i++)
                y[i] = Math.Min(Math.Max(x[i], lo), hi);
        }
    }
}
