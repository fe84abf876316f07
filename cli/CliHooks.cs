using System;

namespace Bitsmith.Cli
{
    /// <summary>
    /// Test-only seams into the commands (set by the tests through <see cref="BitsmithCli.Run(string[], System.IO.TextWriter, System.IO.TextWriter, CliHooks?)"/>):
    /// they make the generated code wrong on purpose, so a test can show that <c>verify</c> catches it.
    /// </summary>
    internal sealed class CliHooks
    {
        /// <summary>Rewrites the packed weights (before the weight resource and the code's checksum are made from them).</summary>
        public Func<byte[], byte[]>? PerturbWeights { get; init; }
    }
}
