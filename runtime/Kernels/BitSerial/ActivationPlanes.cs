using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Bitsmith.Runtime.Kernels.BitSerial
{
    /// <summary>
    /// Splits a vector of K unsigned codes (each below <c>2^bits</c>, bits 1 to 8) into
    /// <c>bits</c> bit-planes, the input of <see cref="BitSerialGemv"/>. Plane j is
    /// <see cref="WordsPerPlane"/> ulongs starting at word <c>j · WordsPerPlane(K)</c>; bit
    /// <c>i % 64</c> of its word <c>i / 64</c> is bit j of code i. The bits past K in the last word
    /// are zero, so they add nothing to any popcount. Bits of a code at or above <c>bits</c> are
    /// not packed: the caller (the compiler, or a quantiser clamping to the range) guarantees the
    /// width. A {-1, +1} vector is packed with <c>bits</c> 1 and code 1 for +1.
    /// </summary>
    public static class ActivationPlanes
    {
        /// <summary>Codes per plane word.</summary>
        public const int CodesPerWord = 64;

        public static int WordsPerPlane(int k) => (k + CodesPerWord - 1) / CodesPerWord;

        /// <summary>The ulongs that <see cref="Pack"/> writes for K codes of <paramref name="bits"/> bits.</summary>
        public static int Length(int k, int bits) => bits * WordsPerPlane(k);

        public static void Pack(ReadOnlySpan<byte> codes, int bits, Span<ulong> planes)
        {
            if (bits is < 1 or > 8)
                throw new ArgumentOutOfRangeException(nameof(bits), bits, "codes have 1 to 8 bits");
            int words = WordsPerPlane(codes.Length);
            if (planes.Length < bits * words)
                throw new ArgumentException($"{bits} planes of {codes.Length} codes need {bits * words} ulongs, not {planes.Length}", nameof(planes));
            ref byte source = ref MemoryMarshal.GetReference(codes);
            ref ulong destination = ref MemoryMarshal.GetReference(planes);
            int full = codes.Length / CodesPerWord;
            for (int t = 0; t < full; t++)
                PackWord(ref Unsafe.Add(ref source, t * CodesPerWord), bits, ref Unsafe.Add(ref destination, t), words);
            int rest = codes.Length - full * CodesPerWord;
            if (rest > 0)
            {
                // The last codes go through a zeroed word's worth of bytes, so the padding bits come out zero.
                Span<byte> last = stackalloc byte[CodesPerWord];
                last.Clear();
                codes.Slice(full * CodesPerWord).CopyTo(last);
                PackWord(ref MemoryMarshal.GetReference(last), bits, ref Unsafe.Add(ref destination, full), words);
            }
        }

        /// <summary>
        /// 64 codes into one word of each plane: shifting bit j of every byte to its top and taking
        /// the top bits (<c>pmovmskb</c> on x86, a few instructions on ARM64) gives 16 plane bits at once.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void PackWord(ref byte codes, int bits, ref ulong planes, int words)
        {
            var c0 = Vector128.LoadUnsafe(ref codes);
            var c1 = Vector128.LoadUnsafe(ref codes, 16);
            var c2 = Vector128.LoadUnsafe(ref codes, 32);
            var c3 = Vector128.LoadUnsafe(ref codes, 48);
            for (int j = 0; j < bits; j++)
            {
                int up = 7 - j;
                Unsafe.Add(ref planes, j * words) = (c0 << up).ExtractMostSignificantBits()
                    | (ulong)(c1 << up).ExtractMostSignificantBits() << 16
                    | (ulong)(c2 << up).ExtractMostSignificantBits() << 32
                    | (ulong)(c3 << up).ExtractMostSignificantBits() << 48;
            }
        }
    }
}
