using System.Collections.Generic;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Lowering;

namespace Bitsmith.Emit.Tests
{
    /// <summary>A model to run both ways: its optimised graph, what the compiler made of it, and input sets (one tensor per graph input).</summary>
    public sealed class ModelCase
    {
        public ModelCase(string name, Graph graph, IReadOnlyList<Tensor[]> inputSets, CompileOptions? options = null)
        {
            Name = name;
            Graph = graph;
            InputSets = inputSets;
            Options = options ?? new CompileOptions();
        }

        public string Name { get; }

        public Graph Graph { get; }

        public IReadOnlyList<Tensor[]> InputSets { get; }

        public CompileOptions Options { get; }

        /// <summary>Emit the class as a profiling build does (<c>BitsmithProfile</c>: a per-layer timer in Run).</summary>
        public bool Profile { get; init; }

        public override string ToString() => Name;
    }
}
