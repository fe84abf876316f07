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

        /// <summary>Emit every layer that can split across threads as split, however small (<see cref="Bitsmith.Compiler.Emit.EmitOptions.SplitThresholdNanoseconds"/> 0).</summary>
        public bool SplitEveryLayer { get; init; }

        /// <summary>
        /// For layers whose kernels sum floats in another order than the interpreter: the same
        /// graph over absolute weights without activations, run on the absolute inputs, so each of
        /// its outputs is <c>Σ|a·b| + |bias|</c>, the scale of the rounding a reordered float sum
        /// may add (see <see cref="OutputComparison.ReorderedSumTolerance"/>). Null: compared as usual.
        /// </summary>
        public Graph? Magnitudes { get; init; }

        /// <summary>
        /// The fraction of <c>Σ|a·b| + |bias|</c> (<see cref="Magnitudes"/>) a float output may differ by:
        /// float rounding (<see cref="OutputComparison.ReorderedSumTolerance"/>), or more for kernels
        /// that round on purpose (the codebook GEMV's 16-bit tables).
        /// </summary>
        public double SumTolerance { get; init; } = OutputComparison.ReorderedSumTolerance;

        /// <summary>
        /// A float network on kernels that sum floats in their own order: the rounding differences
        /// pass through every later layer, so each float output is compared within
        /// <see cref="OutputComparison.ReorderedSumTolerance"/> of its largest magnitude (the
        /// output's scale), not of each element's.
        /// </summary>
        public bool ReorderedFloatNetwork { get; init; }

        public override string ToString() => Name;
    }
}
