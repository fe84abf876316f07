using System;
using BenchmarkDotNet.Attributes;

namespace Bitsmith.Bench.Inference
{
    /// <summary>
    /// One float layer (a layer left in f32): the generated code against ONNX Runtime (MLAS's
    /// SGEMM and convolution) on the same one-layer file (bench/models/layers), one thread.
    /// </summary>
    [MemoryDiagnoser]
    public class FloatLayerBenchmarks
    {
        private float[] _input = Array.Empty<float>(), _output = Array.Empty<float>();
        private OnnxRuntimePeer _peer = null!;

        [Params("gemm-f32-256", "conv3x3-f32-64-56")]
        public string Layer { get; set; } = "";

        [GlobalSetup]
        public void Setup()
        {
            bool gemm = Layer == "gemm-f32-256";
            _input = new float[gemm ? FloatGemmLayer.XLength : FloatConvLayer.XLength];
            _output = new float[gemm ? FloatGemmLayer.YLength : FloatConvLayer.YLength];
            var random = new Random(2);
            for (int i = 0; i < _input.Length; i++)
                _input[i] = (float)(random.NextDouble() * 2 - 1);
            _peer = OnnxRuntimePeer.Create(Layer + ".onnx", _input, _output);
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
            if (Layer == "gemm-f32-256")
                FloatGemmLayer.Run(_input, _output);
            else
                FloatConvLayer.Run(_input, _output);
            return _output[0];
        }
    }
}
