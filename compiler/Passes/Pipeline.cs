using System.Collections.Generic;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Ops;

namespace Bitsmith.Compiler.Passes
{
    /// <summary>
    /// The pass pipeline run after import: a list written as data, one line a pass with why it
    /// sits where it does. The verifier runs after every pass, so a pass that breaks the graph
    /// is named at once rather than found three passes later.
    /// </summary>
    public static class Pipeline
    {
        /// <summary>A pass that has not settled after this many runs has a bug (two rewrites undoing each other).</summary>
        public const int MaxRuns = 100;

        public static readonly IReadOnlyList<PipelineEntry> Default = new[]
        {
            // First, so that no later pass spends work on nodes nobody reads.
            new PipelineEntry(new DeadNodeRemoval(), Convergence.OnePass),
            // Before constant folding, which would otherwise materialise the weight a codebook describes.
            new PipelineEntry(new CodebookRecognition(), Convergence.OnePass),
            // Constant nodes, shape arithmetic and fake-quantised weights Q(w) become constants that the patterns below match.
            new PipelineEntry(new ConstantFolding(), Convergence.OnePass),
            // Needs the constant weights folding produced; before activation fusion, which must see Conv→Relu, not Conv→BN→Relu.
            new PipelineEntry(new BatchNormFolding(), Convergence.OnePass),
            // PyTorch's Q→Clip(codes) becomes Clip(real)→Q; before activation fusion, which folds that Clip into the layer.
            new PipelineEntry(new NarrowRangeClip(), Convergence.OnePass),
            // After NarrowRangeClip (whose Clip→Q it moves the pool past), before activation fusion, which then folds that Clip into the layer.
            new PipelineEntry(new MaxPoolPastQuantize(), Convergence.OnePass),
            // Before QDQ recognition, so that Conv→Relu→Q becomes one quantised Conv with the Relu fused.
            new PipelineEntry(new ActivationFusion(), Convergence.OnePass),
            // Each rewrite (a DQ moved past a Reshape, a Q absorbed) exposes the next, so it runs until nothing changes.
            new PipelineEntry(new QdqRecognition(), Convergence.UntilFixedPoint),
            // Last: drops the scale and zero-point producers and anything else the rewrites left unread.
            new PipelineEntry(new DeadNodeRemoval(), Convergence.OnePass),
        };

        /// <summary>Runs the default pipeline; the graph then satisfies <see cref="VerifierStage.Optimized"/>.</summary>
        public static void Run(Graph graph) => Run(graph, Default);

        /// <summary>Runs <paramref name="entries"/> (tests run single passes), verifying after each, then verifies the optimised stage.</summary>
        public static void Run(Graph graph, IReadOnlyList<PipelineEntry> entries)
        {
            try
            {
                foreach (var entry in entries)
                    RunEntry(graph, entry);
                Verifier.Verify(graph, VerifierStage.Optimized);
            }
            catch (ModelException e) when (graph.SourcePath != null)
            {
                throw e.InFile(graph.SourcePath);
            }
        }

        private static void RunEntry(Graph graph, PipelineEntry entry)
        {
            for (int run = 1; ; run++)
            {
                bool changed = entry.Pass.Run(graph);
                Verify(graph, entry.Pass);
                if (!changed || entry.Convergence == Convergence.OnePass)
                    return;
                if (run == MaxRuns)
                    throw new System.InvalidOperationException($"pass {entry.Pass.Name} still changes the graph after {MaxRuns} runs");
            }
        }

        private static void Verify(Graph graph, IPass pass)
        {
            try
            {
                Verifier.Verify(graph, VerifierStage.Imported);
            }
            catch (ModelException e)
            {
                throw new ModelException($"after pass {pass.Name}: {e.Problem}", e.File, e.NodeName, e.OpType, e);
            }
        }
    }
}
