namespace Bitsmith.Compiler.Lowering
{
    /// <summary>A layer's strategy and the reason for it, as the per-layer report shows it.</summary>
    public sealed record StrategyChoice(Strategy Strategy, string Reason);
}
