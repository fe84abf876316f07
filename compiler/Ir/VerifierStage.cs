namespace Bitsmith.Compiler.Ir
{
    /// <summary>Which invariants hold: more of them after the passes than straight after import.</summary>
    public enum VerifierStage
    {
        /// <summary>Straight from the importer: ONNX ops, any QDQ still explicit.</summary>
        Imported,

        /// <summary>After the pass pipeline: quantised values only where an op can consume them.</summary>
        Optimized,
    }
}
