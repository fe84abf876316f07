using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Bitsmith.Runtime.Kernels.Int8
{
    /// <summary>
    /// The epilogue of kernels that leave their sums channels-last (<c>acc[pixel · accStride + channel]</c>)
    /// for an NCHW output: <see cref="Requantize.RowsToCodes"/>'s single-precision form (with its
    /// guard and exact fallback) with each channel its own constants, written straight into the
    /// channel planes (<c>dst[channel · planeStride + pixel]</c>). With AVX2 a block of eight pixels by eight
    /// channels is requantised in registers, transposed there (<see cref="Transpose8x8"/>) and
    /// stored as eight runs of eight codes, instead of one byte at a time.
    /// </summary>
    public static class LanesToPlanes
    {
        public static void Codes(ReadOnlySpan<int> acc, int accStride, int pixels, int channels, ReadOnlySpan<int> offset, ReadOnlySpan<float> m, ReadOnlySpan<float> b,
            ReadOnlySpan<float> guard, ReadOnlySpan<float> lo, ReadOnlySpan<float> hi, ReadOnlySpan<double> scale, ReadOnlySpan<double> bias, float outScale, int zero,
            Span<byte> dst, int planeStride)
        {
            if (pixels <= 0 || channels <= 0)
                return;
            if (accStride < channels || (long)(pixels - 1) * accStride + channels > acc.Length || planeStride < pixels || (long)(channels - 1) * planeStride + pixels > dst.Length)
                throw new ArgumentException("the sums or the planes are shorter than the pixels and channels");
            if (offset.Length < channels || m.Length < channels || b.Length < channels || guard.Length < channels || lo.Length < channels || hi.Length < channels
                || scale.Length < channels || bias.Length < channels)
                throw new ArgumentException("fewer constants than channels");
            var k = new Constants(offset, m, b, guard, lo, hi, scale, bias, outScale, zero);
            ref int pa = ref MemoryMarshal.GetReference(acc);
            ref byte pd = ref MemoryMarshal.GetReference(dst);
            int c = 0;
            if (Avx2.IsSupported && channels >= 8)
            {
                // The last block of channels (and of pixels) overlaps the one before: the same codes again.
                for (; c < channels; c = DepthwiseChannelsKernel.NextBlock(c, channels))
                {
                    var v = new Vectors256(in k, c);
                    ref int sums = ref Unsafe.Add(ref pa, c);
                    ref byte plane = ref Unsafe.Add(ref pd, c * planeStride);
                    int p = 0;
                    if (pixels >= 8)
                        for (; p < pixels; p = DepthwiseChannelsKernel.NextBlock(p, pixels))
                        {
                            ref int s = ref Unsafe.Add(ref sums, p * accStride);
                            ulong near = 0;
                            var r0 = v.Codes(ref s, ref near, 0);
                            var r1 = v.Codes(ref Unsafe.Add(ref s, accStride), ref near, 8);
                            var r2 = v.Codes(ref Unsafe.Add(ref s, 2 * accStride), ref near, 16);
                            var r3 = v.Codes(ref Unsafe.Add(ref s, 3 * accStride), ref near, 24);
                            var r4 = v.Codes(ref Unsafe.Add(ref s, 4 * accStride), ref near, 32);
                            var r5 = v.Codes(ref Unsafe.Add(ref s, 5 * accStride), ref near, 40);
                            var r6 = v.Codes(ref Unsafe.Add(ref s, 6 * accStride), ref near, 48);
                            var r7 = v.Codes(ref Unsafe.Add(ref s, 7 * accStride), ref near, 56);
                            Transpose8x8.Apply(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7);
                            ref byte at = ref Unsafe.Add(ref plane, p);
                            StoreFour(r0, r1, r2, r3, ref at, planeStride, v.Unsigned);
                            StoreFour(r4, r5, r6, r7, ref Unsafe.Add(ref at, 4 * planeStride), planeStride, v.Unsigned);
                            // Rarely: some value within its guard of a rounding boundary; those codes again, in the exact form.
                            for (; near != 0; near &= near - 1)
                            {
                                int bit = BitOperations.TrailingZeroCount(near), j = bit >> 3, i = bit & 7;
                                Unsafe.Add(ref plane, i * planeStride + p + j) = (byte)k.Code(c + i, Unsafe.Add(ref s, j * accStride + i));
                            }
                        }
                    // Fewer than eight pixels: a pixel's eight codes, one byte to each plane.
                    for (; p < pixels; p++)
                        for (int i = 0; i < 8; i++)
                            Unsafe.Add(ref plane, i * planeStride + p) = (byte)k.Code(c + i, Unsafe.Add(ref sums, p * accStride + i));
                }
                return;
            }
            if (Vector128.IsHardwareAccelerated)
            {
                // Four channels of a pixel a step, each code to its plane.
                var z = Vector128.Create((float)zero);
                for (; c + 4 <= channels; c += 4)
                {
                    var o = Vector128.Create(offset.Slice(c, 4));
                    Vector128<float> vm = Vector128.Create(m.Slice(c, 4)), vb = Vector128.Create(b.Slice(c, 4)), vg = Vector128.Create(guard.Slice(c, 4));
                    Vector128<float> vl = Vector128.Create(lo.Slice(c, 4)), vh = Vector128.Create(hi.Slice(c, 4));
                    for (int p = 0; p < pixels; p++)
                    {
                        ref int sums = ref Unsafe.Add(ref pa, p * accStride + c);
                        ref byte at = ref Unsafe.Add(ref pd, c * planeStride + p);
                        var v = Vector128.ConvertToSingle(Vector128.LoadUnsafe(ref sums) + o) * vm + vb;
                        var r = Vector128.Round(v);
                        if (Vector128.GreaterThanAny(Vector128.Abs(v - r), vg))
                        {
                            for (int j = 0; j < 4; j++)
                                Unsafe.Add(ref at, j * planeStride) = (byte)k.Code(c + j, Unsafe.Add(ref sums, j));
                            continue;
                        }
                        var q = r + z;
                        q = Vector128.ConditionalSelect(Vector128.LessThan(q, vl), vl, q);
                        q = Vector128.ConditionalSelect(Vector128.GreaterThan(q, vh), vh, q);
                        var codes = Vector128.ConvertToInt32Native(q); // clamped already: the plain conversion is exact
                        for (int j = 0; j < 4; j++)
                            Unsafe.Add(ref at, j * planeStride) = (byte)codes.GetElement(j);
                    }
                }
            }
            for (; c < channels; c++)
                for (int p = 0; p < pixels; p++)
                    Unsafe.Add(ref pd, c * planeStride + p) = (byte)k.Code(c, Unsafe.Add(ref pa, p * accStride + c));
        }

        /// <summary>
        /// Four channels' eight codes (int lanes) to their planes, eight bytes each: two rounds of
        /// saturating packs (exact, the codes being in range; unsigned where no code is negative)
        /// and a dword permute put each channel's bytes in one quarter.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void StoreFour(Vector256<float> r0, Vector256<float> r1, Vector256<float> r2, Vector256<float> r3, ref byte at, int planeStride, bool unsigned)
        {
            var words01 = Avx2.PackSignedSaturate(r0.AsInt32(), r1.AsInt32());
            var words23 = Avx2.PackSignedSaturate(r2.AsInt32(), r3.AsInt32());
            var bytes = unsigned ? Avx2.PackUnsignedSaturate(words01, words23) : Avx2.PackSignedSaturate(words01, words23).AsByte();
            var runs = Avx2.PermuteVar8x32(bytes.AsInt32(), Vector256.Create(0, 4, 1, 5, 2, 6, 3, 7)).AsUInt64();
            Unsafe.WriteUnaligned(ref at, runs.GetElement(0));
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref at, planeStride), runs.GetElement(1));
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref at, 2 * planeStride), runs.GetElement(2));
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref at, 3 * planeStride), runs.GetElement(3));
        }

        /// <summary>Every channel's constants, and one channel's code of one sum (<see cref="Requantize.SingleCode"/>).</summary>
        private readonly ref struct Constants
        {
            public readonly ReadOnlySpan<int> Offset;
            public readonly ReadOnlySpan<float> M, B, Guard, Lo, Hi;
            public readonly ReadOnlySpan<double> Scale, Bias;
            public readonly float OutScale;
            public readonly int Zero;

            public Constants(ReadOnlySpan<int> offset, ReadOnlySpan<float> m, ReadOnlySpan<float> b, ReadOnlySpan<float> guard, ReadOnlySpan<float> lo, ReadOnlySpan<float> hi,
                ReadOnlySpan<double> scale, ReadOnlySpan<double> bias, float outScale, int zero)
            {
                Offset = offset;
                M = m;
                B = b;
                Guard = guard;
                Lo = lo;
                Hi = hi;
                Scale = scale;
                Bias = bias;
                OutScale = outScale;
                Zero = zero;
            }

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public int Code(int c, int sum) =>
                Requantize.SingleCode(sum + Offset[c], M[c], B[c], Guard[c], Scale[c], Bias[c], OutScale, Zero, (int)Lo[c], (int)Hi[c]);
        }

        /// <summary>Eight channels' constants in registers, and the requantisation of one pixel's eight sums with them.</summary>
        private readonly struct Vectors256
        {
            private readonly Vector256<int> _offset, _zero, _lo, _hi;
            private readonly Vector256<float> _m, _b, _guard;

            public Vectors256(in Constants k, int c)
            {
                _offset = Vector256.Create(k.Offset.Slice(c, 8));
                _m = Vector256.Create(k.M.Slice(c, 8));
                _b = Vector256.Create(k.B.Slice(c, 8));
                _guard = Vector256.Create(k.Guard.Slice(c, 8));
                _lo = Vector256.ConvertToInt32(Vector256.Create(k.Lo.Slice(c, 8)));
                _hi = Vector256.ConvertToInt32(Vector256.Create(k.Hi.Slice(c, 8)));
                _zero = Vector256.Create(k.Zero);
                Checks = Vector256.LessThanAny(_guard, Vector256.Create(0.5f));
                Unsigned = Vector256.GreaterThanOrEqualAll(_lo, Vector256<int>.Zero);
            }

            /// <summary>Whether every code of the eight channels is at least 0 (so bytes pack unsigned).</summary>
            public bool Unsigned { get; }

            /// <summary>Whether some channel of the eight has a guard to check (one whose single-precision form is not proven).</summary>
            public bool Checks { get; }

            /// <summary>
            /// The codes as int lanes, carried in a float register for the transpose; where <see cref="Checks"/>,
            /// lanes whose value lies within its guard of a rounding boundary are marked in <paramref name="near"/>, at bits <paramref name="shift"/> and up.
            /// </summary>
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public Vector256<float> Codes(ref int sums, ref ulong near, int shift)
            {
                var v = Vector256.ConvertToSingle(Vector256.LoadUnsafe(ref sums) + _offset) * _m + _b;
                var r = Avx.ConvertToVector256Int32(v); // rounds half to even
                if (Checks)
                    near |= (ulong)Vector256.ExtractMostSignificantBits(Vector256.GreaterThan(Vector256.Abs(v - Vector256.ConvertToSingle(r)), _guard)) << shift;
                return Vector256.Min(Vector256.Max(r + _zero, _lo), _hi).AsSingle();
            }
        }
    }
}
