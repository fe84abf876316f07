using System.Linq;
using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Lowering
{
    /// <summary>
    /// One layer of the lowered program: the node it comes from, the op, the implementation
    /// (by its registered name) and why, the values it reads (null for an absent optional input,
    /// or for a constant the implementation reads only through its packed constants) and writes,
    /// its resolved parameters, a fused activation, the part of the arena it may use as
    /// workspace, and its packed constants in the weight blob.
    /// </summary>
    public sealed record PlanStep(
        string Node,
        string Op,
        string Domain,
        string Implementation,
        string Reason,
        ImmutableEquatableArray<string?> Inputs,
        ImmutableEquatableArray<string> Outputs,
        ImmutableEquatableArray<PlanAttribute> Attributes,
        FusedActivation? Activation,
        long WorkspaceOffset,
        long WorkspaceBytes,
        LayerCost Cost,
        ImmutableEquatableArray<PlanPacked> Packed)
    {
        /// <summary>The loop form of a per-op emitter implementation (<see cref="Lowering.Strategy.Kernel"/> for a runtime-kernel one).</summary>
        public Strategy Strategy => System.Enum.TryParse(Implementation, out Strategy s) && s != Strategy.Kernel ? s : Strategy.Kernel;

        /// <summary>"Conv", or "com.microsoft.QuantizeLinear" outside the ONNX domain.</summary>
        public string QualifiedOp => Domain.Length == 0 ? Op : Domain + "." + Op;

        public bool Has(string attribute) => Attributes.Any(a => a.Name == attribute);

        public long[] Ints(string attribute) => (Find(attribute).Ints ?? throw Missing(attribute, "integers")).ToArray();

        public long Int(string attribute) => Single(Ints(attribute), attribute);

        public float[] Floats(string attribute) => (Find(attribute).Floats ?? throw Missing(attribute, "floats")).ToArray();

        public float Float(string attribute) => Single(Floats(attribute), attribute);

        public string Text(string attribute) => Find(attribute).Text ?? throw Missing(attribute, "a string");

        private PlanAttribute Find(string attribute) =>
            Attributes.FirstOrDefault(a => a.Name == attribute) ?? throw Missing(attribute, "a value");

        private T Single<T>(T[] values, string attribute) =>
            values.Length == 1 ? values[0] : throw new PlanFormatException($"step '{Node}' ({Op}): attribute '{attribute}' must hold one value, has {values.Length}");

        private PlanFormatException Missing(string attribute, string what) =>
            new PlanFormatException($"step '{Node}' ({Op}): attribute '{attribute}' must be {what}");
    }
}
