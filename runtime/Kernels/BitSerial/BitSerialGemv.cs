using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Bitsmith.Runtime.Kernels.BitSerial
{
    /// <summary>
    /// Exact low-bit matrix-vector products on bit-planes (binary decomposition). With activations
    /// packed by <see cref="ActivationPlanes"/> (a_i: plane i of <c>bitsA</c>) and weights by
    /// <see cref="WeightPlanes"/> (w_rj: plane j of row r, <c>bitsW</c> each), row r's dot product of
    /// the unsigned codes is <c>Σ_i Σ_j 2^(i+j) · popcount(a_i AND w_rj)</c>; zero points and signs
    /// are the caller's, folded into constants at build time. A row's planes stay in L1 while every
    /// activation plane meets them, so the weights stream from memory once. Allocates nothing.
    /// </summary>
    public static class BitSerialGemv
    {
        /// <summary>
        /// The fastest form this process can run. Measured (BitSerialBenchmarks, 4096x4096, one
        /// short run on an AMD Zen 3 core, AVX2 without AVX-512), time as a fraction of scalar
        /// <c>popcnt</c>'s at W1A1 / W2A2 / W4A4 / XNOR: <see cref="PopCountForm.Nibble256"/> 0.59 /
        /// 0.60 / 0.57 / 0.55, <see cref="PopCountForm.Nibble128"/> 0.94 / 0.95 / 0.94 / 0.88: the
        /// 256-bit shuffle wins, and even the 128-bit one beats one <c>popcnt</c> a word, so the
        /// scalar form is only the path without SIMD. <see cref="PopCountForm.Nibble512"/> is not
        /// measured (no AVX-512 here); it is the 256-bit loop on twice the bytes, taken first as the
        /// int8 kernels take their 512-bit path.
        /// </summary>
        public static PopCountForm Form { get; } =
            IsSupported(PopCountForm.Nibble512) ? PopCountForm.Nibble512
            : IsSupported(PopCountForm.Nibble256) ? PopCountForm.Nibble256
            : IsSupported(PopCountForm.Nibble128) ? PopCountForm.Nibble128
            : PopCountForm.Scalar;

        /// <summary>Whether this process can run <paramref name="form"/> (the JIT honours <c>DOTNET_EnableAVX512=0</c> and the like).</summary>
        public static bool IsSupported(PopCountForm form) => form switch
        {
            PopCountForm.Scalar => true,
            PopCountForm.Nibble128 => Vector128.IsHardwareAccelerated,
            PopCountForm.Nibble256 => Avx2.IsSupported,
            PopCountForm.Nibble512 => Avx512BW.IsSupported && Vector512.IsHardwareAccelerated,
            _ => false,
        };

        /// <summary>
        /// <c>output[r] = Σ_k a[k] · w[r, k]</c> for every row r &lt; <c>output.Length</c>, a and w the
        /// unsigned codes behind the planes. Exact in int32 as long as
        /// <c>K · (2^bitsA - 1) · (2^bitsW - 1) ≤ int.MaxValue</c> (K up to 33,025 at 8 x 8 bits,
        /// 2^31 / 9 at 2 x 2); wider products throw rather than wrap.
        /// </summary>
        public static void Multiply(ReadOnlySpan<ulong> activationPlanes, int activationBits, ReadOnlySpan<ulong> weightPlanes, int weightBits, int k, Span<int> output) =>
            Multiply(activationPlanes, activationBits, weightPlanes, weightBits, k, output, Form);

        /// <summary><see cref="Multiply(ReadOnlySpan{ulong}, int, ReadOnlySpan{ulong}, int, int, Span{int})"/> with the popcount form named (benchmarks and tests compare them).</summary>
        public static void Multiply(ReadOnlySpan<ulong> activationPlanes, int activationBits, ReadOnlySpan<ulong> weightPlanes, int weightBits, int k, Span<int> output, PopCountForm form)
        {
            if (activationBits is < 1 or > 8 || weightBits is < 1 or > 8)
                throw new ArgumentException($"codes have 1 to 8 bits, not {activationBits} (activations) and {weightBits} (weights)");
            if (k < 0)
                throw new ArgumentOutOfRangeException(nameof(k), k, "K is not negative");
            if ((long)k * ((1 << activationBits) - 1) * ((1 << weightBits) - 1) > int.MaxValue)
                throw new ArgumentException($"K = {k} at {weightBits}x{activationBits} bits can exceed int32; split K", nameof(k));
            int words = ActivationPlanes.WordsPerPlane(k);
            CheckLengths(activationPlanes, activationBits * words, weightPlanes, (long)output.Length * weightBits * words, form);
            ref ulong a = ref MemoryMarshal.GetReference(activationPlanes);
            ref ulong w = ref MemoryMarshal.GetReference(weightPlanes);
            ref int o = ref MemoryMarshal.GetReference(output);
            switch (form)
            {
                case PopCountForm.Nibble512:
                    Unsigned<NibblePopCount<Vector512<byte>, Nibble512>>(ref a, activationBits, ref w, weightBits, words, ref o, output.Length);
                    break;
                case PopCountForm.Nibble256:
                    Unsigned<NibblePopCount<Vector256<byte>, Nibble256>>(ref a, activationBits, ref w, weightBits, words, ref o, output.Length);
                    break;
                case PopCountForm.Nibble128:
                    Unsigned<NibblePopCount<Vector128<byte>, Nibble128>>(ref a, activationBits, ref w, weightBits, words, ref o, output.Length);
                    break;
                default:
                    Unsigned<ScalarPopCount>(ref a, activationBits, ref w, weightBits, words, ref o, output.Length);
                    break;
            }
        }

        /// <summary>
        /// The {-1, +1} product (XNOR-popcount): activations and weight rows packed with 1 bit, bit 1
        /// for +1. <c>output[r] = K - 2 · popcount(a XOR w_r)</c>: agreeing positions add one,
        /// differing ones subtract one. The padding bits past K are zero in both, so their XOR
        /// counts nothing and K (not the padded width) is the right count of positions. Never overflows.
        /// </summary>
        public static void MultiplyXnor(ReadOnlySpan<ulong> activations, ReadOnlySpan<ulong> weights, int k, Span<int> output) =>
            MultiplyXnor(activations, weights, k, output, Form);

        /// <summary><see cref="MultiplyXnor(ReadOnlySpan{ulong}, ReadOnlySpan{ulong}, int, Span{int})"/> with the popcount form named.</summary>
        public static void MultiplyXnor(ReadOnlySpan<ulong> activations, ReadOnlySpan<ulong> weights, int k, Span<int> output, PopCountForm form)
        {
            if (k < 0)
                throw new ArgumentOutOfRangeException(nameof(k), k, "K is not negative");
            int words = ActivationPlanes.WordsPerPlane(k);
            CheckLengths(activations, words, weights, (long)output.Length * words, form);
            ref ulong a = ref MemoryMarshal.GetReference(activations);
            ref ulong w = ref MemoryMarshal.GetReference(weights);
            ref int o = ref MemoryMarshal.GetReference(output);
            switch (form)
            {
                case PopCountForm.Nibble512:
                    Signs<NibblePopCount<Vector512<byte>, Nibble512>>(ref a, ref w, k, words, ref o, output.Length);
                    break;
                case PopCountForm.Nibble256:
                    Signs<NibblePopCount<Vector256<byte>, Nibble256>>(ref a, ref w, k, words, ref o, output.Length);
                    break;
                case PopCountForm.Nibble128:
                    Signs<NibblePopCount<Vector128<byte>, Nibble128>>(ref a, ref w, k, words, ref o, output.Length);
                    break;
                default:
                    Signs<ScalarPopCount>(ref a, ref w, k, words, ref o, output.Length);
                    break;
            }
        }

        private static void CheckLengths(ReadOnlySpan<ulong> activations, int activationWords, ReadOnlySpan<ulong> weights, long weightWords, PopCountForm form)
        {
            if (activations.Length < activationWords)
                throw new ArgumentException($"the activation planes have {activations.Length} ulongs, not {activationWords}", nameof(activations));
            if (weights.Length < weightWords)
                throw new ArgumentException($"the weight planes have {weights.Length} ulongs, not {weightWords}", nameof(weights));
            if (!IsSupported(form))
                throw new PlatformNotSupportedException($"{form} popcounts need instructions this process does not have");
        }

        private static void Unsigned<TPopCount>(ref ulong a, int bitsA, ref ulong w, int bitsW, int words, ref int output, int rows)
            where TPopCount : IPlanePopCount
        {
            nint rowWords = (nint)bitsW * words;
            for (int r = 0; r < rows; r++)
            {
                ref ulong row = ref Unsafe.Add(ref w, r * rowWords);
                // Every term is at most the whole (checked) product, so no partial sum overflows.
                int dot = 0;
                for (int j = 0; j < bitsW; j++)
                {
                    ref ulong plane = ref Unsafe.Add(ref row, j * words);
                    for (int i = 0; i < bitsA; i++)
                        dot += TPopCount.Sum<AndPlanes>(ref Unsafe.Add(ref a, i * words), ref plane, words) << (i + j);
                }
                Unsafe.Add(ref output, r) = dot;
            }
        }

        private static void Signs<TPopCount>(ref ulong a, ref ulong w, int k, int words, ref int output, int rows)
            where TPopCount : IPlanePopCount
        {
            for (int r = 0; r < rows; r++)
                Unsafe.Add(ref output, r) = k - 2 * TPopCount.Sum<XorPlanes>(ref a, ref Unsafe.Add(ref w, (nint)r * words), words);
        }
    }
}
