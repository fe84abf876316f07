using System;
using System.Collections.Generic;
using Bitsmith.Compiler.Emit;
using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Lowering.Implementations
{
    /// <summary>
    /// One way to compute a layer, as a registered object (TVM's per-op, per-target
    /// implementations): a name that says its arithmetic and tile, when it applies and why not,
    /// its estimated cost, the constants it derives and packs at build time, its workspace, and
    /// its emitter. The selector (<see cref="ImplementationSelector"/>) ranks the candidates of a
    /// layer by cost and knows no op by name; a new kernel is a new subclass in
    /// <see cref="ImplementationRegistry"/>, nothing else changes.
    /// </summary>
    public abstract class LayerImplementation
    {
        /// <summary>The name the plan records and a per-layer override uses, e.g. <c>qconv_u8s8_c4_4x64</c>.</summary>
        public abstract string Name { get; }

        /// <summary>Why this implementation cannot compute <paramref name="node"/>, or null when it can.</summary>
        public abstract string? WhyNot(Node node, LayerFacts facts);

        /// <summary>One line for the per-layer table: what it does for this node.</summary>
        public abstract string Describe(Node node);

        /// <summary>Estimated time of the layer on one core, in nanoseconds (the cost model's currency).</summary>
        public abstract double EstimatedNanoseconds(Node node);

        /// <summary>The parameters the emitter needs, resolved while the graph is at hand.</summary>
        public virtual IEnumerable<PlanAttribute> Lower(Node node) => Array.Empty<PlanAttribute>();

        /// <summary>Constants derived and packed at build time (packed weights, folded zero-point terms, scales).</summary>
        public virtual IReadOnlyList<PackedConstant> Pack(Node node) => Array.Empty<PackedConstant>();

        /// <summary>Whether constant input <paramref name="input"/> is read only through <see cref="Pack"/> (so it is not stored as itself).</summary>
        public virtual bool ReplacesInput(Node node, int input) => false;

        /// <summary>How a constant input that is stored as itself is laid out.</summary>
        public virtual WeightLayout InputLayout(Node node, int input) => WeightLayout.RowMajor;

        /// <summary>Bytes of arena the layer uses while it runs.</summary>
        public virtual long WorkspaceBytes(Node node) => 0;

        /// <summary>
        /// How the layer splits into output tiles for threads, or null when it runs on one. An
        /// implementation that splits writes its prologue only when <see cref="LayerContext.EmitsPrologue"/>
        /// and its tiles only when <see cref="LayerContext.EmitsTiles"/>, over the context's tile range.
        /// </summary>
        public virtual TileSplit? Split(LayerContext c) => null;

        /// <summary>
        /// How the implementation rounds on purpose beyond float summation order (e.g. lookup tables of
        /// limited precision), in words; null for the exact and the float-reordering kernels. Tools
        /// that compare against the interpreter widen their bounds for such layers.
        /// </summary>
        public virtual string? Approximation => null;

        /// <summary>Whether the output is the input's storage under another shape (no code runs).</summary>
        public virtual bool IsView => false;

        /// <summary>Writes the body of the layer method.</summary>
        public abstract void Emit(LayerContext c);
    }
}
