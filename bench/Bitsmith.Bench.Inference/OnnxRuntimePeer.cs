using System;
using System.IO;
using System.Linq;
using Microsoft.ML.OnnxRuntime;

namespace Bitsmith.Bench.Inference
{
    /// <summary>
    /// ONNX Runtime as the benchmarks' peer on one ONNX file: graph optimisation ALL, one
    /// intra-op thread (spinning off) or several (spinning on, its default, as Bitsmith's workers
    /// spin), the caller's input and output arrays bound once as <c>OrtValue</c>s, so that
    /// <see cref="Run"/> does no setup of its own.
    /// </summary>
    public sealed class OnnxRuntimePeer : IDisposable
    {
        private readonly InferenceSession _session;
        private readonly RunOptions _runOptions = new RunOptions();
        private readonly string[] _inputNames, _outputNames;
        private readonly OrtValue[] _inputs, _outputs;

        private OnnxRuntimePeer(InferenceSession session, OrtValue input, OrtValue output, long[] inputShape, long[] outputShape)
        {
            _session = session;
            InputShape = inputShape;
            OutputShape = outputShape;
            _inputNames = session.InputNames.ToArray();
            _outputNames = session.OutputNames.ToArray();
            _inputs = new[] { input };
            _outputs = new[] { output };
        }

        /// <summary>A session on <paramref name="model"/> (a file beside the benchmark) reading <paramref name="input"/> and writing <paramref name="output"/> (their types may differ: float in, u8 codes out).</summary>
        public static OnnxRuntimePeer Create<TIn, TOut>(string model, TIn[] input, TOut[] output, int threads = 1) where TIn : unmanaged where TOut : unmanaged
        {
            var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, IntraOpNumThreads = threads, InterOpNumThreads = 1 };
            options.AddSessionConfigEntry("session.intra_op.allow_spinning", threads > 1 ? "1" : "0");
            var session = new InferenceSession(Path.Combine(AppContext.BaseDirectory, model), options);
            long[] Shape(NodeMetadata m) => m.Dimensions.Select(d => (long)Math.Max(d, 1)).ToArray();
            long[] inputShape = Shape(session.InputMetadata.Values.First()), outputShape = Shape(session.OutputMetadata.Values.First());
            return new OnnxRuntimePeer(session,
                OrtValue.CreateTensorValueFromMemory(input, inputShape),
                OrtValue.CreateTensorValueFromMemory(output, outputShape), inputShape, outputShape);
        }

        /// <summary>The shape bound to the first input (a dynamic batch as 1).</summary>
        public long[] InputShape { get; }

        /// <summary>The shape bound to the first output (a dynamic batch as 1).</summary>
        public long[] OutputShape { get; }

        public void Run() => _session.Run(_runOptions, _inputNames, _inputs, _outputNames, _outputs);

        public void Dispose()
        {
            _inputs[0].Dispose();
            _outputs[0].Dispose();
            _runOptions.Dispose();
            _session.Dispose();
        }
    }
}
