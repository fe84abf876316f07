using System;
using System.Linq;
using BenchmarkDotNet.Attributes;
using Microsoft.ML.OnnxRuntime;

namespace Bitsmith.Bench.Inference
{
    /// <summary>
    /// One inference, batch 1, one thread: the generated code against ONNX Runtime (graph
    /// optimisation ALL, one intra-op thread, inputs and outputs bound once) on the same ONNX file.
    /// </summary>
    [MemoryDiagnoser]
    public class EndToEndBenchmarks
    {
        private float[] _input = Array.Empty<float>(), _output = Array.Empty<float>();
        private InferenceSession _session = null!;
        private OrtValue _ortInput = null!, _ortOutput = null!;
        private RunOptions _runOptions = null!;
        private string[] _inputNames = null!, _outputNames = null!;

        [Params("fashion-mixed", "demo-qdq-cnn")]
        public string Model { get; set; } = "";

        [GlobalSetup]
        public void Setup()
        {
            var random = new Random(1);
            bool fashion = Model == "fashion-mixed";
            _input = new float[fashion ? FashionNet.InputLength : DemoNet.ImageLength];
            _output = new float[fashion ? FashionNet.OutputLength : DemoNet.LogitsLength];
            for (int i = 0; i < _input.Length; i++)
                _input[i] = (float)random.NextDouble();
            var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, IntraOpNumThreads = 1, InterOpNumThreads = 1 };
            options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
            _session = new InferenceSession(System.IO.Path.Combine(AppContext.BaseDirectory, Model + ".onnx"), options);
            _inputNames = _session.InputNames.ToArray();
            _outputNames = _session.OutputNames.ToArray();
            long[] inputShape = _session.InputMetadata.Values.First().Dimensions.Select(d => (long)Math.Max(d, 1)).ToArray();
            long[] outputShape = _session.OutputMetadata.Values.First().Dimensions.Select(d => (long)Math.Max(d, 1)).ToArray();
            _ortInput = OrtValue.CreateTensorValueFromMemory(_input, inputShape);
            _ortOutput = OrtValue.CreateTensorValueFromMemory(_output, outputShape);
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
        public float OnnxRuntime()
        {
            _session.Run(_runOptions, _inputNames, new[] { _ortInput }, _outputNames, new[] { _ortOutput });
            return _output[0];
        }

        [Benchmark]
        public float Bitsmith()
        {
            if (Model == "fashion-mixed")
                FashionNet.Run(_input, _output);
            else
                DemoNet.Run(_input, _output);
            return _output[0];
        }
    }
}
