namespace Bitsmith.Compiler.Lowering
{
    /// <summary>What a step costs, for the per-layer table of the generated class (see <see cref="Reports.LayerSummary"/>), with the cost model's estimate of its time.</summary>
    public sealed record LayerCost(long Macs, int WeightBits, int ActivationBits, long WeightBytes, double EstimatedNanoseconds);
}
