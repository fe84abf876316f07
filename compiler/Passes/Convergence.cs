namespace Bitsmith.Compiler.Passes
{
    /// <summary>How often the pipeline runs a pass.</summary>
    public enum Convergence
    {
        /// <summary>Once: the pass finishes its work in one sweep.</summary>
        OnePass,

        /// <summary>Again and again until it reports no change: each rewrite may expose the next.</summary>
        UntilFixedPoint,
    }
}
