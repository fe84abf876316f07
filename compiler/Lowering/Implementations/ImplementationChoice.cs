namespace Bitsmith.Compiler.Lowering.Implementations
{
    /// <summary>A layer's implementation, why, and its estimated time, as the per-layer report shows them.</summary>
    public sealed record ImplementationChoice(LayerImplementation Implementation, string Reason, double EstimatedNanoseconds);
}
