using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Bitsmith.Runtime.Kernels.Elementwise
{
    /// <summary>
    /// <c>y = x · scale[c] + shift[c]</c> over NCHW-style float tensors (channel c of each sample a run
    /// of <c>inner</c> values): BatchNormalization in inference, its statistics folded into one scale
    /// and shift per channel at build time. Multiply and add apart, so every width gives the same floats.
    /// </summary>
    public static class ChannelAffine
    {
        public static void Apply(ReadOnlySpan<float> x, int channels, int inner, ReadOnlySpan<float> scale, ReadOnlySpan<float> shift, Span<float> y)
        {
            if (channels <= 0 || inner <= 0)
                return;
            if (x.Length % (channels * inner) != 0 || y.Length < x.Length || scale.Length < channels || shift.Length < channels)
                throw new ArgumentException("the tensors or the constants do not fit the channels");
            ref float px = ref MemoryMarshal.GetReference(x);
            ref float py = ref MemoryMarshal.GetReference(y);
            for (int start = 0, c = 0; start < x.Length; start += inner, c = c + 1 == channels ? 0 : c + 1)
            {
                float a = scale[c], b = shift[c];
                int i = 0;
                if (Vector512.IsHardwareAccelerated)
                {
                    Vector512<float> va = Vector512.Create(a), vb = Vector512.Create(b);
                    for (; i + 16 <= inner; i += 16)
                        (Vector512.LoadUnsafe(ref px, (nuint)(start + i)) * va + vb).StoreUnsafe(ref py, (nuint)(start + i));
                }
                if (Vector128.IsHardwareAccelerated)
                {
                    Vector128<float> va = Vector128.Create(a), vb = Vector128.Create(b);
                    for (; i + 4 <= inner; i += 4)
                        (Vector128.LoadUnsafe(ref px, (nuint)(start + i)) * va + vb).StoreUnsafe(ref py, (nuint)(start + i));
                }
                for (; i < inner; i++)
                    Unsafe.Add(ref py, start + i) = Unsafe.Add(ref px, start + i) * a + b;
            }
        }
    }
}
