using System;
using BenchmarkDotNet.Attributes;

namespace Bitsmith.Bench.Inference
{
    /// <summary>
    /// One int8 conv layer, u8 in and u8 out: the generated code against ONNX Runtime's
    /// QLinearConv on the same one-layer QDQ file (bench/models/layers), batch 1, one thread.
    /// </summary>
    [MemoryDiagnoser]
    public class LayerBenchmarks
    {
        private byte[] _input = Array.Empty<byte>(), _output = Array.Empty<byte>();
        private OnnxRuntimePeer _peer = null!;

        [Params("conv3x3-64-56", "dwconv3x3-96-48")]
        public string Layer { get; set; } = "";

        [GlobalSetup]
        public void Setup()
        {
            bool dense = Layer == "conv3x3-64-56";
            _input = new byte[dense ? Conv3x3Layer.XLength : DepthwiseLayer.XLength];
            _output = new byte[dense ? Conv3x3Layer.YLength : DepthwiseLayer.YLength];
            new Random(2).NextBytes(_input);
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
            if (Layer == "conv3x3-64-56")
                Conv3x3Layer.Run(_input, _output);
            else
                DepthwiseLayer.Run(_input, _output);
            return _output[0];
        }
    }
}
