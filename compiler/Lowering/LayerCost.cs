namespace Bitsmith.Compiler.Lowering
{
    /// <summary>What a step costs, for the per-layer table of the generated class (see <see cref="Reports.LayerSummary"/>).</summary>
    public sealed record LayerCost(long Macs, int WeightBits, int ActivationBits, long WeightBytes);
}
