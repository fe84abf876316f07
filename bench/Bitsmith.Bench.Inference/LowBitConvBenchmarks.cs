using System;
using BenchmarkDotNet.Attributes;

namespace Bitsmith.Bench.Inference
{
    /// <summary>
    /// Issue 8's 7b: a 3x3 conv 64→64 on 56x56 at W8A8 (the int8 kernels), W1A1 and W2A2 (the
    /// low-bit lookup conv), each behind the same float clip and quantiser that prove its input's
    /// width, and that front alone (<c>clip-quantize-64-56</c>), so a conv's own time is its
    /// model's less the front's. The generated code against ONNX Runtime on the same files, batch
    /// 1, one thread.
    /// </summary>
    [MemoryDiagnoser]
    public class LowBitConvBenchmarks
    {
        private float[] _input = Array.Empty<float>();
        private byte[] _output = Array.Empty<byte>();
        private OnnxRuntimePeer _peer = null!;
        private Action<float[], byte[]> _run = null!;

        [Params("conv3x3-w8a8-64-56", "conv3x3-w1a1-64-56", "conv3x3-w2a2-64-56", "clip-quantize-64-56")]
        public string Layer { get; set; } = "";

        [GlobalSetup]
        public void Setup()
        {
            (_run, int inputLength, int outputLength) = Layer switch
            {
                "conv3x3-w8a8-64-56" => ((Action<float[], byte[]>)((x, y) => ConvW8A8Layer.Run(x, y)), ConvW8A8Layer.XLength, ConvW8A8Layer.YLength),
                "conv3x3-w1a1-64-56" => ((x, y) => ConvW1A1Layer.Run(x, y), ConvW1A1Layer.XLength, ConvW1A1Layer.YLength),
                "conv3x3-w2a2-64-56" => ((x, y) => ConvW2A2Layer.Run(x, y), ConvW2A2Layer.XLength, ConvW2A2Layer.YLength),
                "clip-quantize-64-56" => ((x, y) => ClipQuantizeLayer.Run(x, y), ClipQuantizeLayer.XLength, ClipQuantizeLayer.YLength),
                _ => throw new ArgumentException($"unknown layer {Layer}"),
            };
            // Inputs over the whole clipped range and past it, so every code occurs.
            var random = new Random(3);
            _input = new float[inputLength];
            _output = new byte[outputLength];
            for (int i = 0; i < _input.Length; i++)
                _input[i] = (float)(random.NextDouble() * 5 - 0.5);
            _peer = OnnxRuntimePeer.Create(Layer + ".onnx", _input, _output);
        }

        [GlobalCleanup]
        public void Cleanup() => _peer.Dispose();

        [Benchmark(Baseline = true)]
        public byte OnnxRuntime()
        {
            _peer.Run();
            return _output[0];
        }

        [Benchmark]
        public byte Bitsmith()
        {
            _run(_input, _output);
            return _output[0];
        }
    }
}
