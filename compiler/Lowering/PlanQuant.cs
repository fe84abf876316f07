using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Lowering
{
    /// <summary>The quantisation parameters of a plan value (see <see cref="QuantParams"/>).</summary>
    public sealed record PlanQuant(
        ImmutableEquatableArray<float> Scale,
        ImmutableEquatableArray<int> ZeroPoint,
        int Axis,
        int BlockSize,
        int Bits)
    {
        public bool IsPerTensor => Scale.Count == 1 && BlockSize == 0;

        public static PlanQuant From(QuantParams q) =>
            new PlanQuant(q.Scale.ToImmutableEquatableArray(), q.ZeroPoint.ToImmutableEquatableArray(), q.Axis, q.BlockSize, q.Bits);
    }
}
