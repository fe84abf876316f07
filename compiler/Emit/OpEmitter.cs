using System;
using System.Collections.Generic;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Lowering;

namespace Bitsmith.Compiler.Emit
{
    /// <summary>
    /// How one op becomes C#: what its code needs resolved at lowering time (<see cref="Lower"/>,
    /// which runs in the build task with the graph at hand) and the body of its layer method
    /// (<see cref="Emit"/>, which runs in the source generator with only the plan). Both halves of
    /// that contract live in one class so they cannot drift apart. Generated code computes exactly
    /// what the op's reference semantics in <see cref="Ops"/> compute: same arithmetic types, same
    /// rounding, and for <see cref="Strategy.Generic"/> the same order of float additions.
    /// </summary>
    public abstract class OpEmitter
    {
        public abstract string OpType { get; }

        /// <summary>"" for the ONNX domain.</summary>
        public virtual string Domain => "";

        /// <summary>
        /// The parameters the emitted code needs, resolved from the node (defaults filled in,
        /// negative axes normalised, constant inputs read). Throws <see cref="Node.Unsupported"/>
        /// for a form the emitter cannot compile.
        /// </summary>
        public virtual IEnumerable<PlanAttribute> Lower(Node node) => Array.Empty<PlanAttribute>();

        /// <summary>Bytes of arena the step uses while it runs, for the chosen strategy.</summary>
        public virtual long WorkspaceBytes(Node node, Strategy strategy) => 0;

        /// <summary>How constant input <paramref name="input"/> is packed for the chosen strategy.</summary>
        public virtual WeightLayout WeightLayout(Node node, Strategy strategy, int input) => Lowering.WeightLayout.RowMajor;

        /// <summary>Writes the body of the layer method.</summary>
        public abstract void Emit(LayerContext c);
    }
}
