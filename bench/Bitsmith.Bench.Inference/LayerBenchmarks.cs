using System;
using System.Linq;
using BenchmarkDotNet.Attributes;
using Microsoft.ML.OnnxRuntime;

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
        private InferenceSession _session = null!;
        private OrtValue _ortInput = null!, _ortOutput = null!;
        private RunOptions _runOptions = null!;
        private string[] _inputNames = null!, _outputNames = null!;

        [Params("conv3x3-64-56", "dwconv3x3-96-48")]
        public string Layer { get; set; } = "";

        /// <summary>Multiply-adds of the layer, for G MAC/s.</summary>
        public long Macs => Layer == "conv3x3-64-56" ? 64L * 64 * 9 * 56 * 56 : 96L * 9 * 48 * 48;

        [GlobalSetup]
        public void Setup()
        {
            var random = new Random(2);
            bool dense = Layer == "conv3x3-64-56";
            _input = new byte[dense ? Conv3x3Layer.XLength : DepthwiseLayer.XLength];
            _output = new byte[dense ? Conv3x3Layer.YLength : DepthwiseLayer.YLength];
            random.NextBytes(_input);
            var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, IntraOpNumThreads = 1, InterOpNumThreads = 1 };
            options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
            _session = new InferenceSession(System.IO.Path.Combine(AppContext.BaseDirectory, Layer + ".onnx"), options);
            _inputNames = _session.InputNames.ToArray();
            _outputNames = _session.OutputNames.ToArray();
            _ortInput = OrtValue.CreateTensorValueFromMemory(_input, _session.InputMetadata.Values.First().Dimensions.Select(d => (long)d).ToArray());
            _ortOutput = OrtValue.CreateTensorValueFromMemory(_output, _session.OutputMetadata.Values.First().Dimensions.Select(d => (long)d).ToArray());
            _runOptions = new RunOptions();
        }

        [GlobalCleanup]
        public void Cleanup()
        {
            _ortInput.Dispose();
            _ortOutput.Dispose();
            _runOptions.Dispose();
            _session.Dispose();
        }

        [Benchmark(Baseline = true)]
        public byte OnnxRuntime()
        {
            _session.Run(_runOptions, _inputNames, new[] { _ortInput }, _outputNames, new[] { _ortOutput });
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
