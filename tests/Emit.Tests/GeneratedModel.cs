using System;
using System.Linq;
using System.Reflection;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Lowering;

namespace Bitsmith.Emit.Tests
{
    /// <summary>One generated model class, callable with tensors.</summary>
    public sealed class GeneratedModel
    {
        private readonly Action<object[], object[], byte[]?, int, LayerThreads?> _run;

        public GeneratedModel(ModelCase modelCase, CompiledModel compiled, string source, Type adapter, Type modelClass)
        {
            Profile = modelClass.GetProperty("Profile", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as LayerProfile;
            Case = modelCase;
            Compiled = compiled;
            Source = source;
            _run = adapter.GetMethod("Run", BindingFlags.Public | BindingFlags.Static)!.CreateDelegate<Action<object[], object[], byte[]?, int, LayerThreads?>>();
        }

        public ModelCase Case { get; }

        public CompiledModel Compiled { get; }

        public string Source { get; }

        /// <summary>The class's per-layer timer, when it was emitted as a profiling build.</summary>
        public LayerProfile? Profile { get; }

        /// <summary>Runs once with the per-thread scratch (or the given scratch array), on the calling thread or with <paramref name="threads"/>, and returns the outputs.</summary>
        public Tensor[] Run(Tensor[] inputs, byte[]? scratch = null, LayerThreads? threads = null)
        {
            var outputs = NewOutputs();
            _run(inputs.Select(t => (object)t.Data).ToArray(), outputs.Select(t => (object)t.Data).ToArray(), scratch, 1, threads);
            return outputs;
        }

        /// <summary>Runs <paramref name="times"/> times into the given arrays (the loop is in the generated assembly, so it allocates nothing of its own).</summary>
        public void RunRepeatedly(object[] inputs, object[] outputs, int times, LayerThreads? threads = null) => _run(inputs, outputs, null, times, threads);

        public Tensor[] NewOutputs()
        {
            var values = Compiled.Plan.ValuesByName();
            return Compiled.Plan.Outputs.Select(n => Tensor.Zeros(values[n].Type, values[n].Shape.ToArray())).ToArray();
        }
    }
}
