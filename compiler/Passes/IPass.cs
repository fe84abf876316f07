using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Passes
{
    /// <summary>
    /// One rewrite of the graph. A pass leaves the graph valid (the pipeline verifies it after
    /// every run) and reports whether it changed anything, which is what lets the pipeline run
    /// a pass to a fixed point.
    /// </summary>
    public interface IPass
    {
        /// <summary>The name error messages and pipeline dumps use.</summary>
        string Name { get; }

        /// <summary>Rewrites <paramref name="graph"/> in place; returns true if anything changed.</summary>
        bool Run(Graph graph);
    }
}
