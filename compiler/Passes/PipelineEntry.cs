namespace Bitsmith.Compiler.Passes
{
    /// <summary>One step of a pipeline: a pass and how often it runs.</summary>
    public sealed record PipelineEntry(IPass Pass, Convergence Convergence);
}
