using System;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using Bitsmith.Runtime.Kernels.Int8;
using Bitsmith.Runtime.Kernels.Lookup;

namespace Bitsmith.Bench.Inference
{
    /// <summary>
    /// The GEMV kernels at each width B can be packed in, on square weights of <see cref="Size"/>
    /// (1024: 1 MB at 8 bits, in L2 and L3; 4096: 16 MB, within the L3) times one row of u8
    /// activations: the int8 kernel, <see cref="NarrowGemvKernel"/> at 4, 2 and 1 bits a weight and
    /// <see cref="LookupGemv"/> at 1 to 4 bit-planes (its tables built each call, as generated code
    /// does once per input), and <see cref="CodebookGemv"/> (<c>codebook16</c>: f32 activations, B as
    /// iPQ codes of 16 centroids of d = 4, 1 bit a weight; tables and the float outputs each call).
    /// Ratios to <c>int8</c> at the same size are speed-ups; issue 8's 7c asks W2A8 and W3A8 at 4096
    /// for half the int8 time, 7d the codebook form for half.
    /// </summary>
    public class PackedGemvBenchmarks
    {
        [Params(1024, 4096)]
        public int Size { get; set; }

        [Params("int8", "narrow4", "narrow2", "narrow1", "lut1", "lut2", "lut3", "lut4", "codebook16")]
        public string Form { get; set; } = "int8";

        private byte[] _weights = Array.Empty<byte>();
        private int[] _x = Array.Empty<int>(), _minima = Array.Empty<int>(), _acc = Array.Empty<int>();
        private ushort[] _tables = Array.Empty<ushort>();
        private int _bits;
        private float[] _activations = Array.Empty<float>(), _centroids = Array.Empty<float>(), _bias = Array.Empty<float>(), _y = Array.Empty<float>();
        private float[] _steps = Array.Empty<float>(), _sums = Array.Empty<float>();

        private const int BlockLength = 4;

        [GlobalSetup]
        public void Setup()
        {
            var random = new Random(5);
            _bits = Form == "int8" ? 8 : Form == "codebook16" ? 1 : Form[^1] - '0';
            // Random bytes are random codes in any layout; int8 weights within ±32 provably never saturate.
            _weights = new byte[Size * Size / 8 * _bits];
            random.NextBytes(_weights);
            if (_bits == 8)
                for (int i = 0; i < _weights.Length; i++)
                    _weights[i] = (byte)((sbyte)_weights[i] >> 2);
            _x = new int[Size / 4];
            for (int i = 0; i < _x.Length; i++)
                _x[i] = random.Next();
            _minima = new int[Size];
            for (int i = 0; i < _minima.Length; i++)
                _minima[i] = random.Next(-128, 112);
            _acc = new int[Size];
            _tables = new ushort[LookupGemv.TableLength(_x.Length)];
            _activations = new float[Size];
            for (int i = 0; i < Size; i++)
                _activations[i] = random.NextSingle();
            _centroids = new float[BlockLength * CodebookGemv.Centroids];
            for (int i = 0; i < _centroids.Length; i++)
                _centroids[i] = random.NextSingle() - 0.5f;
            _bias = new float[Size];
            _steps = new float[CodebookGemv.Chunks(Size / BlockLength)];
            _sums = new float[Size];
            _y = new float[Size];
        }

        [Benchmark]
        public int Gemv()
        {
            if (_bits == 8)
                GemvKernel.Accumulate<BytePairs>(_x, MemoryMarshal.Cast<byte, sbyte>(_weights.AsSpan()), Size / GemvKernel.Rows, _acc);
            else if (Form.StartsWith("narrow", StringComparison.Ordinal))
                NarrowGemvKernel.Accumulate(_bits, _x, _weights, _minima, _minima, Size / NarrowGemvKernel.Rows, _acc);   // any row values time the same as the code sums
            else if (Form == "codebook16")
            {
                float offset = CodebookGemv.BuildTables(_activations, _centroids, BlockLength, _tables, _steps);
                CodebookGemv.Accumulate(_tables, _steps, _weights, Size / LookupGemv.Rows, _sums);
                CodebookGemv.Finish(_sums, offset, _bias, new Bitsmith.Runtime.Kernels.NoActivation(), _y);
            }
            else
            {
                LookupGemv.BuildTables(_x, _tables);
                LookupGemv.Accumulate(_bits, _tables, _weights, _minima, Size / LookupGemv.Rows, _acc);
            }
            return _acc[0];
        }
    }
}
