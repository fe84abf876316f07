using System;
using BenchmarkDotNet.Attributes;

namespace Bitsmith.Bench.Inference
{
    /// <summary>
    /// Issue 8's 7e for the MLP: the int8 MLP and its low-bit twins (4-, 3- and 2-bit weights, 2-bit
    /// hidden activations; a codebook twin of float activations), one inference, batch 1, one thread, the generated code against ONNX
    /// Runtime on the same file. Each twin should beat the int8 MLP's generated code, and ONNX
    /// Runtime by 5x or more.
    /// </summary>
    [MemoryDiagnoser]
    public class LowBitBenchmarks
    {
        private float[] _input = Array.Empty<float>(), _output = Array.Empty<float>();
        private OnnxRuntimePeer _peer = null!;
        private Action<float[], float[]> _run = null!;

        [Params("mlp-784-1024-1024-10", "mlp-784-1024-1024-10-w4a8", "mlp-784-1024-1024-10-w3a8", "mlp-784-1024-1024-10-w2a8", "mlp-784-1024-1024-10-w2a2", "mlp-784-1024-1024-10-pq16")]
        public string Model { get; set; } = "";

        [GlobalSetup]
        public void Setup()
        {
            _run = Model switch
            {
                "mlp-784-1024-1024-10" => (x, y) => Mlp.Run(x, y),
                "mlp-784-1024-1024-10-w4a8" => (x, y) => MlpW4A8.Run(x, y),
                "mlp-784-1024-1024-10-w3a8" => (x, y) => MlpW3A8.Run(x, y),
                "mlp-784-1024-1024-10-w2a8" => (x, y) => MlpW2A8.Run(x, y),
                "mlp-784-1024-1024-10-w2a2" => (x, y) => MlpW2A2.Run(x, y),
                _ => (x, y) => MlpPq16.Run(x, y),
            };
            var random = new Random(1);
            _input = new float[Mlp.InputLength];
            _output = new float[Mlp.OutputLength];
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
