using System;
using System.Collections.Generic;
using System.Linq;
using Bitsmith.Compiler.Ir;
using Microsoft.ML.OnnxRuntime;

namespace Bitsmith.Cli.Execution
{
    /// <summary>
    /// ONNX Runtime on the same model file, with the inputs and outputs bound once as
    /// <see cref="OrtValue"/>s over the caller's arrays, so that <see cref="Run()"/> does no setup of
    /// its own (as bench/'s peer does). Inputs and outputs are matched to Bitsmith's by name.
    /// </summary>
    public sealed class OnnxRuntimeModel : IDisposable
    {
        private readonly InferenceSession _session;
        private readonly RunOptions _runOptions = new RunOptions();
        private readonly string _path;
        private string[] _inputNames = Array.Empty<string>(), _outputNames = Array.Empty<string>();
        private OrtValue[] _inputs = Array.Empty<OrtValue>(), _outputs = Array.Empty<OrtValue>();

        private OnnxRuntimeModel(string path, InferenceSession session)
        {
            _path = path;
            _session = session;
        }

        /// <summary>
        /// A session on <paramref name="path"/>: <paramref name="optimized"/> false runs the graph as
        /// written (ONNX's reference semantics, what <c>verify</c> compares with), true with every
        /// graph optimisation (what an app would use, and <c>bench</c> times).
        /// </summary>
        public static OnnxRuntimeModel Open(string path, bool optimized, int threads)
        {
            var options = new SessionOptions
            {
                GraphOptimizationLevel = optimized ? GraphOptimizationLevel.ORT_ENABLE_ALL : GraphOptimizationLevel.ORT_DISABLE_ALL,
                IntraOpNumThreads = threads,
                InterOpNumThreads = 1,
            };
            options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
            try
            {
                return new OnnxRuntimeModel(path, new InferenceSession(path, options));
            }
            catch (OnnxRuntimeException e)
            {
                throw new CliException($"{path}: ONNX Runtime cannot load the model: {FirstLine(e.Message)}", e);
            }
            finally
            {
                options.Dispose();
            }
        }

        /// <summary>Binds the arrays of <paramref name="inputs"/> and <paramref name="outputs"/> (named as the graph names them).</summary>
        public void Bind(IReadOnlyList<Value> inputValues, IReadOnlyList<Tensor> inputs, IReadOnlyList<Value> outputValues, IReadOnlyList<Tensor> outputs)
        {
            DisposeValues();
            _inputNames = inputValues.Select(v => Known(v.Name, _session.InputNames, "input")).ToArray();
            _outputNames = outputValues.Select(v => Known(v.Name, _session.OutputNames, "output")).ToArray();
            _inputs = inputs.Select(OrtTensor).ToArray();
            _outputs = outputs.Select(OrtTensor).ToArray();
        }

        /// <summary>One run on the bound arrays.</summary>
        public void Run()
        {
            try
            {
                _session.Run(_runOptions, _inputNames, _inputs, _outputNames, _outputs);
            }
            catch (OnnxRuntimeException e)
            {
                throw new CliException($"{_path}: ONNX Runtime failed to run the model: {FirstLine(e.Message)}", e);
            }
        }

        public void Dispose()
        {
            DisposeValues();
            _runOptions.Dispose();
            _session.Dispose();
        }

        private string Known(string name, IReadOnlyList<string> names, string what) =>
            names.Contains(name) ? name : throw new CliException($"{_path}: ONNX Runtime has no {what} '{name}' (it has {string.Join(", ", names)})");

        private static OrtValue OrtTensor(Tensor t)
        {
            long[] shape = t.Shape.Select(d => (long)d).ToArray();
            return t.Data switch
            {
                float[] a => OrtValue.CreateTensorValueFromMemory(a, shape),
                byte[] a => OrtValue.CreateTensorValueFromMemory(a, shape),
                sbyte[] a => OrtValue.CreateTensorValueFromMemory(a, shape),
                int[] a => OrtValue.CreateTensorValueFromMemory(a, shape),
                long[] a => OrtValue.CreateTensorValueFromMemory(a, shape),
                bool[] a => OrtValue.CreateTensorValueFromMemory(a, shape),
                _ => throw new CliException($"tensors of {t.Type.ShortName()} cannot be passed to ONNX Runtime here"),
            };
        }

        private void DisposeValues()
        {
            foreach (var v in _inputs.Concat(_outputs))
                v.Dispose();
            _inputs = _outputs = Array.Empty<OrtValue>();
        }

        private static string FirstLine(string s) => s.Split('\n')[0].Trim();
    }
}
