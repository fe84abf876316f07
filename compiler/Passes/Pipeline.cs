using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Passes
{
    /// <summary>The pass pipeline run after import (the passes themselves land in their own files).</summary>
    public static class Pipeline
    {
        public static void Run(Graph graph)
        {
            Ops.Verifier.Verify(graph, VerifierStage.Optimized);
        }
    }
}
