using System.IO;

namespace Bitsmith.Cli
{
    /// <summary>Where a command writes (the results on <see cref="Out"/>, progress and errors on <see cref="Error"/>), and the test hooks.</summary>
    internal sealed class CliContext
    {
        public CliContext(TextWriter output, TextWriter error, CliHooks? hooks)
        {
            Out = output;
            Error = error;
            Hooks = hooks;
        }

        public TextWriter Out { get; }

        public TextWriter Error { get; }

        public CliHooks? Hooks { get; }
    }
}
