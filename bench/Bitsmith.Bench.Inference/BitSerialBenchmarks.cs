using System;
using System.Collections.Generic;
using System.Linq;
using BenchmarkDotNet.Attributes;
using Bitsmith.Runtime.Kernels.BitSerial;
using Bitsmith.Runtime.Kernels.Int8;

namespace Bitsmith.Bench.Inference
{
    /// <summary>
    /// The bit-serial GEMV, 4096x4096 (cache-resident: 2 MB of weight planes at W1, 8 MB at W4),
    /// in every popcount form this process supports, beside the int8 GEMV on the same shape
    /// (16 MB of weights). Which form is fastest decides <see cref="BitSerialGemv.Form"/>. The
    /// activation packing, once per inference, is timed on its own.
    /// </summary>
    public class BitSerialBenchmarks
    {
        private const int Rows = 4096, Depth = 4096;

        private readonly Dictionary<int, (ulong[] Activations, ulong[] Weights)> _planes = new();
        private byte[] _codes = Array.Empty<byte>();
        private ulong[] _packed = Array.Empty<ulong>();
        private sbyte[] _int8Weights = Array.Empty<sbyte>();
        private int[] _int8X = Array.Empty<int>(), _output = Array.Empty<int>();

        public static IEnumerable<PopCountForm> Forms => Enum.GetValues<PopCountForm>().Where(BitSerialGemv.IsSupported);

        [GlobalSetup]
        public void Setup()
        {
            var random = new Random(8);
            foreach (int bits in new[] { 1, 2, 4 })
            {
                var activations = Codes(Depth, bits, random);
                var weights = Codes(Rows * Depth, bits, random);
                var a = new ulong[ActivationPlanes.Length(Depth, bits)];
                var w = new ulong[WeightPlanes.Length(Rows, Depth, bits)];
                ActivationPlanes.Pack(activations, bits, a);
                WeightPlanes.Pack(weights, Rows, Depth, bits, w);
                _planes[bits] = (a, w);
            }
            _codes = Codes(Depth, 4, random);
            _packed = new ulong[ActivationPlanes.Length(Depth, 4)];
            _int8Weights = new sbyte[Rows * Depth];
            for (int i = 0; i < _int8Weights.Length; i++)
                _int8Weights[i] = (sbyte)random.Next(-32, 32); // within ±32: provably no saturation, as the int8 benchmarks
            _int8X = new int[Depth / 4];
            for (int i = 0; i < _int8X.Length; i++)
                _int8X[i] = random.Next();
            _output = new int[Rows];
        }

        private static byte[] Codes(int count, int bits, Random random)
        {
            var codes = new byte[count];
            for (int i = 0; i < count; i++)
                codes[i] = (byte)random.Next(1 << bits);
            return codes;
        }

        [Benchmark]
        [ArgumentsSource(nameof(Forms))]
        public int W1A1(PopCountForm form) => Unsigned(1, form);

        [Benchmark]
        [ArgumentsSource(nameof(Forms))]
        public int W2A2(PopCountForm form) => Unsigned(2, form);

        [Benchmark]
        [ArgumentsSource(nameof(Forms))]
        public int W4A4(PopCountForm form) => Unsigned(4, form);

        /// <summary>The {-1, +1} form: one XOR-popcount pass instead of one AND-popcount pass.</summary>
        [Benchmark]
        [ArgumentsSource(nameof(Forms))]
        public int Xnor(PopCountForm form)
        {
            var (a, w) = _planes[1];
            BitSerialGemv.MultiplyXnor(a, w, Depth, _output, form);
            return _output[0];
        }

        private int Unsigned(int bits, PopCountForm form)
        {
            var (a, w) = _planes[bits];
            BitSerialGemv.Multiply(a, bits, w, bits, Depth, _output, form);
            return _output[0];
        }

        /// <summary>The int8 GEMV (u8 x s8, byte pairs) on the same shape, for comparison.</summary>
        [Benchmark(Baseline = true)]
        public int Int8()
        {
            GemvKernel.Accumulate<BytePairs>(_int8X, _int8Weights, Rows / GemvKernel.Rows, _output);
            return _output[0];
        }

        /// <summary>Packing 4096 4-bit activation codes into planes, once per inference.</summary>
        [Benchmark]
        public ulong PackActivationsA4()
        {
            ActivationPlanes.Pack(_codes, 4, _packed);
            return _packed[0];
        }
    }
}
