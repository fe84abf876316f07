using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using BenchmarkDotNet.Attributes;
using Bitsmith.Runtime.Kernels;
using Bitsmith.Runtime.Kernels.Float32;
using Bitsmith.Runtime.Kernels.Int8;

namespace Bitsmith.Bench.Inference
{
    /// <summary>
    /// The machine's own limits beside the kernels that should reach them: the single-core
    /// memory read bandwidth (a vector sum over 64 MB) beside the int8 GEMV whose 64 MB of
    /// weights exceed the 32 MB L3, and the 4-bit GEMV reading as many bytes (twice the weights); and the multiply-add peaks of <c>vpmaddubsw</c> (512-bit,
    /// with <c>vpmaddwd</c> and an add, as the kernels use it) and of <c>vpdpbusd</c> (256-bit
    /// AVX-VNNI), each as independent register chains, 10 million instructions a call. For f32:
    /// the FMA peak (512-bit <c>vfmadd</c> chains) beside the runtime's GEMM on 256x256x256; both
    /// are timed per 1,000 floating-point operations (2 a multiply-add lane), so 1,000 / time in ns
    /// is GFLOP/s.
    /// </summary>
    public class KernelBenchmarks
    {
        private const int Rows = 8192, Depth = 8192;
        private const int PeakIterations = 1_000_000;

        private const int GemmSize = 256;

        /// <summary>Enough independent FMA chains to cover the latency on every core here (two 512-bit pipes of latency 4 need 8).</summary>
        private const int FmaChains = 12;

        private sbyte[] _weights = Array.Empty<sbyte>();
        private float[] _a = Array.Empty<float>(), _packedB = Array.Empty<float>(), _bias = Array.Empty<float>(), _c = Array.Empty<float>();
        private int[] _x = Array.Empty<int>(), _acc = Array.Empty<int>(), _minima = Array.Empty<int>(), _nibbleAcc = Array.Empty<int>();

        [GlobalSetup]
        public void Setup()
        {
            _weights = new sbyte[Rows * Depth];
            var random = new Random(3);
            random.NextBytes(MemoryMarshal.AsBytes(_weights.AsSpan()));
            for (int i = 0; i < _weights.Length; i++)
                _weights[i] = (sbyte)(_weights[i] >> 2); // within ±32: provably no saturation
            _x = new int[Depth / 4];
            for (int i = 0; i < _x.Length; i++)
                _x[i] = random.Next();
            _acc = new int[Rows];
            _minima = new int[2 * Rows];
            _nibbleAcc = new int[2 * Rows];

            _a = new float[GemmSize * GemmSize];
            _c = new float[GemmSize * GemmSize];
            _bias = new float[GemmSize];
            for (int i = 0; i < _a.Length; i++)
                _a[i] = (float)(random.NextDouble() * 2 - 1);
            // B in the layout the compiler packs (F32Panels): 32-column panels, each [k][32].
            _packedB = new float[GemmSize * GemmSize];
            for (int k = 0; k < GemmSize; k++)
                for (int j = 0; j < GemmSize; j++)
                    _packedB[(j / Sgemm.PanelWidth * GemmSize + k) * Sgemm.PanelWidth + j % Sgemm.PanelWidth] = (float)(random.NextDouble() * 2 - 1);
        }

        /// <summary>The runtime's f32 GEMM, C = A · B + bias, 256x256x256, B packed, as a generated Gemm layer calls it.</summary>
        [Benchmark(OperationsPerInvoke = 2 * GemmSize * GemmSize * GemmSize / 1000)]
        public float Sgemm256()
        {
            Sgemm.Multiply<BiasPerColumn, NoActivation>(_a, GemmSize, GemmSize, GemmSize, _packedB, Sgemm.PanelWidth, Sgemm.PanelWidth * GemmSize, GemmSize,
                _bias, default, _c, GemmSize);
            return _c[0];
        }

        /// <summary>512-bit FMA peak: 12 independent chains of <c>vfmadd</c> on zmm, 32 flops each.</summary>
        [Benchmark(OperationsPerInvoke = PeakIterations * FmaChains * 32 / 1000)]
        public float FmaPeak512()
        {
            if (!Vector512.IsHardwareAccelerated)
                return 0;
            var x = Vector512.Create(0.999f);
            var y = Vector512.Create(1e-3f);
            Vector512<float> a0 = x, a1 = x + y, a2 = x - y, a3 = y, a4 = x * y, a5 = -x, a6 = -y, a7 = x + x, a8 = y + y, a9 = x * x, a10 = y * y, a11 = x + y + y;
            for (int i = 0; i < PeakIterations; i++)
            {
                a0 = Vector512.FusedMultiplyAdd(a0, x, y); a1 = Vector512.FusedMultiplyAdd(a1, x, y);
                a2 = Vector512.FusedMultiplyAdd(a2, x, y); a3 = Vector512.FusedMultiplyAdd(a3, x, y);
                a4 = Vector512.FusedMultiplyAdd(a4, x, y); a5 = Vector512.FusedMultiplyAdd(a5, x, y);
                a6 = Vector512.FusedMultiplyAdd(a6, x, y); a7 = Vector512.FusedMultiplyAdd(a7, x, y);
                a8 = Vector512.FusedMultiplyAdd(a8, x, y); a9 = Vector512.FusedMultiplyAdd(a9, x, y);
                a10 = Vector512.FusedMultiplyAdd(a10, x, y); a11 = Vector512.FusedMultiplyAdd(a11, x, y);
            }
            return Vector512.Sum(((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11)));
        }

        /// <summary>Reads the 64 MB once: bytes / time is the read bandwidth.</summary>
        [Benchmark(OperationsPerInvoke = Rows * Depth)]
        public long StreamRead64MB()
        {
            ref byte p = ref Unsafe.As<sbyte, byte>(ref MemoryMarshal.GetArrayDataReference(_weights));
            if (!Vector512.IsHardwareAccelerated)
            {
                Vector256<ulong> t0 = default, t1 = default;
                for (nuint i = 0; i < (nuint)_weights.Length; i += 64)
                {
                    t0 += Vector256.LoadUnsafe(ref p, i).AsUInt64();
                    t1 += Vector256.LoadUnsafe(ref p, i + 32).AsUInt64();
                }
                return (long)Vector256.Sum(t0 + t1);
            }
            Vector512<ulong> s0 = default, s1 = default;
            for (nuint i = 0; i < (nuint)_weights.Length; i += 128)
            {
                s0 += Vector512.LoadUnsafe(ref p, i).AsUInt64();
                s1 += Vector512.LoadUnsafe(ref p, i + 64).AsUInt64();
            }
            return (long)Vector512.Sum(s0 + s1);
        }

        /// <summary>The int8 GEMV kernel over the same 64 MB (8192x8192 weights packed in blocks of 16 rows).</summary>
        [Benchmark(OperationsPerInvoke = Rows * Depth)]
        public int Gemv64MB()
        {
            GemvKernel.Accumulate<BytePairs>(_x, _weights, Rows / GemvKernel.Rows, _acc);
            return _acc[0];
        }

        /// <summary>
        /// The 4-bit GEMV kernel over the same 64 MB read as packed nibbles: 16384x8192 weights, two a
        /// byte, per byte read like the two above, so 0.5x the int8 GEMV's time per byte is the same
        /// time per weight and 2x the weights per second.
        /// </summary>
        [Benchmark(OperationsPerInvoke = Rows * Depth)]
        public int NibbleGemv64MB()
        {
            NarrowGemvKernel.Accumulate(4, _x, MemoryMarshal.AsBytes(_weights.AsSpan()), _minima, _minima, 2 * Rows / NarrowGemvKernel.Rows, _nibbleAcc);   // any row values time the same as the code sums
            return _nibbleAcc[0];
        }

        /// <summary>vpmaddubsw + vpmaddwd + vpaddd on zmm: 64 multiply-adds a triple, 8 independent chains.</summary>
        [Benchmark(OperationsPerInvoke = PeakIterations * 8 * 64)]
        public int MaddubswPeak512()
        {
            if (!Avx512BW.IsSupported)
                return 0;
            // Eight different weight vectors, so no two chains compute the same product.
            var x = Vector512.Create((byte)3);
            var one = Vector512.Create((short)1);
            Vector512<sbyte> w0 = Vector512.Create((sbyte)1), w1 = Vector512.Create((sbyte)2), w2 = Vector512.Create((sbyte)3), w3 = Vector512.Create((sbyte)4);
            Vector512<sbyte> w4 = Vector512.Create((sbyte)5), w5 = Vector512.Create((sbyte)6), w6 = Vector512.Create((sbyte)7), w7 = Vector512.Create((sbyte)8);
            Vector512<int> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
            for (int i = 0; i < PeakIterations; i++)
            {
                a0 += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(x, w0), one);
                a1 += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(x, w1), one);
                a2 += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(x, w2), one);
                a3 += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(x, w3), one);
                a4 += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(x, w4), one);
                a5 += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(x, w5), one);
                a6 += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(x, w6), one);
                a7 += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(x, w7), one);
                x += Vector512<byte>.One;
            }
            return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7);
        }

        /// <summary>256-bit FMA peak (the AVX2 machines' figure): 12 independent chains of <c>vfmadd</c> on ymm, 16 flops each.</summary>
        [Benchmark(OperationsPerInvoke = PeakIterations * FmaChains * 16 / 1000)]
        public float FmaPeak256()
        {
            var x = Vector256.Create(0.999f);
            var y = Vector256.Create(1e-3f);
            Vector256<float> a0 = x, a1 = x + y, a2 = x - y, a3 = y, a4 = x * y, a5 = -x, a6 = -y, a7 = x + x, a8 = y + y, a9 = x * x, a10 = y * y, a11 = x + y + y;
            for (int i = 0; i < PeakIterations; i++)
            {
                a0 = Vector256.FusedMultiplyAdd(a0, x, y); a1 = Vector256.FusedMultiplyAdd(a1, x, y);
                a2 = Vector256.FusedMultiplyAdd(a2, x, y); a3 = Vector256.FusedMultiplyAdd(a3, x, y);
                a4 = Vector256.FusedMultiplyAdd(a4, x, y); a5 = Vector256.FusedMultiplyAdd(a5, x, y);
                a6 = Vector256.FusedMultiplyAdd(a6, x, y); a7 = Vector256.FusedMultiplyAdd(a7, x, y);
                a8 = Vector256.FusedMultiplyAdd(a8, x, y); a9 = Vector256.FusedMultiplyAdd(a9, x, y);
                a10 = Vector256.FusedMultiplyAdd(a10, x, y); a11 = Vector256.FusedMultiplyAdd(a11, x, y);
            }
            return Vector256.Sum(((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11)));
        }

        /// <summary>vpmaddubsw + vpmaddwd + vpaddd on ymm (the byte-pair form on AVX2): 32 multiply-adds a triple, 8 independent chains.</summary>
        [Benchmark(OperationsPerInvoke = PeakIterations * 8 * 32)]
        public int MaddubswPeak256()
        {
            if (!Avx2.IsSupported)
                return 0;
            var x = Vector256.Create((byte)3);
            var one = Vector256.Create((short)1);
            Vector256<sbyte> w0 = Vector256.Create((sbyte)1), w1 = Vector256.Create((sbyte)2), w2 = Vector256.Create((sbyte)3), w3 = Vector256.Create((sbyte)4);
            Vector256<sbyte> w4 = Vector256.Create((sbyte)5), w5 = Vector256.Create((sbyte)6), w6 = Vector256.Create((sbyte)7), w7 = Vector256.Create((sbyte)8);
            Vector256<int> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
            for (int i = 0; i < PeakIterations; i++)
            {
                a0 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(x, w0), one);
                a1 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(x, w1), one);
                a2 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(x, w2), one);
                a3 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(x, w3), one);
                a4 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(x, w4), one);
                a5 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(x, w5), one);
                a6 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(x, w6), one);
                a7 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(x, w7), one);
                x += Vector256<byte>.One;
            }
            return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7);
        }

        /// <summary>vpmaddwd + vpaddd on ymm (the exact 16-bit form on AVX2): 16 multiply-adds a pair, 8 independent chains.</summary>
        [Benchmark(OperationsPerInvoke = PeakIterations * 8 * 16)]
        public int MaddwdPeak256()
        {
            if (!Avx2.IsSupported)
                return 0;
            var x = Vector256.Create((short)3);
            Vector256<short> w0 = Vector256.Create((short)1), w1 = Vector256.Create((short)2), w2 = Vector256.Create((short)3), w3 = Vector256.Create((short)4);
            Vector256<short> w4 = Vector256.Create((short)5), w5 = Vector256.Create((short)6), w6 = Vector256.Create((short)7), w7 = Vector256.Create((short)8);
            Vector256<int> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
            for (int i = 0; i < PeakIterations; i++)
            {
                a0 += Avx2.MultiplyAddAdjacent(x, w0);
                a1 += Avx2.MultiplyAddAdjacent(x, w1);
                a2 += Avx2.MultiplyAddAdjacent(x, w2);
                a3 += Avx2.MultiplyAddAdjacent(x, w3);
                a4 += Avx2.MultiplyAddAdjacent(x, w4);
                a5 += Avx2.MultiplyAddAdjacent(x, w5);
                a6 += Avx2.MultiplyAddAdjacent(x, w6);
                a7 += Avx2.MultiplyAddAdjacent(x, w7);
                x += Vector256<short>.One;
            }
            return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7);
        }

        /// <summary>vpdpbusd on ymm: 32 multiply-adds an instruction, 8 independent chains.</summary>
        [Benchmark(OperationsPerInvoke = PeakIterations * 8 * 32)]
        public int VnniPeak256()
        {
            if (!AvxVnni.IsSupported)
                return 0;
            var x = Vector256.Create((byte)3);
            var w = Vector256.Create((sbyte)2);
            Vector256<int> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
            for (int i = 0; i < PeakIterations; i++)
            {
                a0 = AvxVnni.MultiplyWideningAndAdd(a0, x, w);
                a1 = AvxVnni.MultiplyWideningAndAdd(a1, x, w);
                a2 = AvxVnni.MultiplyWideningAndAdd(a2, x, w);
                a3 = AvxVnni.MultiplyWideningAndAdd(a3, x, w);
                a4 = AvxVnni.MultiplyWideningAndAdd(a4, x, w);
                a5 = AvxVnni.MultiplyWideningAndAdd(a5, x, w);
                a6 = AvxVnni.MultiplyWideningAndAdd(a6, x, w);
                a7 = AvxVnni.MultiplyWideningAndAdd(a7, x, w);
                x += Vector256<byte>.One;
            }
            return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7);
        }
    }
}
