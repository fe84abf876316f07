namespace Bitsmith.Compiler.Emit
{
    /// <summary>What the generated class is called and where its weights come from.</summary>
    public sealed class EmitOptions
    {
        /// <summary>The namespace of the class; empty for the global namespace.</summary>
        public string Namespace { get; set; } = "";

        public string ClassName { get; set; } = "Model";

        /// <summary>"public" or "internal", as the user's partial declaration says.</summary>
        public string Accessibility { get; set; } = "public";

        /// <summary>The manifest resource name under which the build embeds the weight blob.</summary>
        public string WeightResourceName { get; set; } = "";

        /// <summary>Times every layer of <c>Run</c> into a <c>Bitsmith.LayerProfile</c> (the <c>BitsmithProfile</c> build property).</summary>
        public bool Profile { get; set; }

        /// <summary>
        /// Layers the cost model estimates below this split no work across threads: a split costs a
        /// few microseconds of hand-over. 0 splits every layer whose implementation can (tests).
        /// </summary>
        public double SplitThresholdNanoseconds { get; set; } = 10_000;
    }
}
