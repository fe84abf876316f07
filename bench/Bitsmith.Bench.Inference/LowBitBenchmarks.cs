using System;
using BenchmarkDotNet.Attributes;

namespace Bitsmith.Bench.Inference
{
    /// <summary>
    /// Issue 8's 7e: the int8 MLP and its low-bit twins (4-, 3- and 2-bit weights, 2-bit hidden
    /// activations; a codebook twin of float activations), and the trained Fashion-MNIST CNN at
    /// W8A8 and its W4A4, W2A2 and W1A1 variants (first and last layer 8-bit), one inference, batch
    /// 1, one thread, the generated code against ONNX Runtime on the same file. Each low-bit model
    /// should beat its network's int8 model's generated code, and ONNX Runtime by 5x or more.
    /// </summary>
    [MemoryDiagnoser]
    public class LowBitBenchmarks
    {
        private float[] _input = Array.Empty<float>(), _output = Array.Empty<float>();
        private OnnxRuntimePeer _peer = null!;
        private Action<float[], float[]> _run = null!;

        [Params("mlp-784-1024-1024-10", "mlp-784-1024-1024-10-w4a8", "mlp-784-1024-1024-10-w3a8", "mlp-784-1024-1024-10-w2a8", "mlp-784-1024-1024-10-w2a2",
            "mlp-784-1024-1024-10-pq16", "fashion-cnn-w8a8", "fashion-cnn-w4a4", "fashion-cnn-w2a2", "fashion-cnn-w1a1")]
        public string Model { get; set; } = "";

        [GlobalSetup]
        public void Setup()
        {
            (_run, int inputLength, int outputLength) = Model switch
            {
                "mlp-784-1024-1024-10" => ((Action<float[], float[]>)((x, y) => Mlp.Run(x, y)), Mlp.InputLength, Mlp.OutputLength),
                "mlp-784-1024-1024-10-w4a8" => ((x, y) => MlpW4A8.Run(x, y), MlpW4A8.InputLength, MlpW4A8.OutputLength),
                "mlp-784-1024-1024-10-w3a8" => ((x, y) => MlpW3A8.Run(x, y), MlpW3A8.InputLength, MlpW3A8.OutputLength),
                "mlp-784-1024-1024-10-w2a8" => ((x, y) => MlpW2A8.Run(x, y), MlpW2A8.InputLength, MlpW2A8.OutputLength),
                "mlp-784-1024-1024-10-w2a2" => ((x, y) => MlpW2A2.Run(x, y), MlpW2A2.InputLength, MlpW2A2.OutputLength),
                "mlp-784-1024-1024-10-pq16" => ((x, y) => MlpPq16.Run(x, y), MlpPq16.InputLength, MlpPq16.OutputLength),
                "fashion-cnn-w8a8" => ((x, y) => FashionCnnW8A8.Run(x, y), FashionCnnW8A8.InputLength, FashionCnnW8A8.OutputLength),
                "fashion-cnn-w4a4" => ((x, y) => FashionCnnW4A4.Run(x, y), FashionCnnW4A4.InputLength, FashionCnnW4A4.OutputLength),
                "fashion-cnn-w2a2" => ((x, y) => FashionCnnW2A2.Run(x, y), FashionCnnW2A2.InputLength, FashionCnnW2A2.OutputLength),
                "fashion-cnn-w1a1" => ((x, y) => FashionCnnW1A1.Run(x, y), FashionCnnW1A1.InputLength, FashionCnnW1A1.OutputLength),
                _ => throw new ArgumentException($"unknown model {Model}"),
            };
            var random = new Random(1);
            _input = new float[inputLength];
            _output = new float[outputLength];
            for (int i = 0; i < _input.Length; i++)
                _input[i] = (float)random.NextDouble();
            _peer = OnnxRuntimePeer.Create(Model + ".onnx", _input, _output);
        }

        [GlobalCleanup]
        public void Cleanup() => _peer.Dispose();

        [Benchmark(Baseline = true)]
        public float OnnxRuntime()
        {
            _peer.Run();
            return _output[0];
        }

        [Benchmark]
        public float Bitsmith()
        {
            _run(_input, _output);
            return _output[0];
        }
    }
}
