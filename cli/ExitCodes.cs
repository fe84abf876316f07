namespace Bitsmith.Cli
{
    /// <summary>What <c>bitsmith</c> returns to the shell.</summary>
    public static class ExitCodes
    {
        public const int Success = 0;

        /// <summary>The model, a file or a check failed: one line <c>bitsmith: error: ...</c> on stderr.</summary>
        public const int Error = 1;

        /// <summary>The command line was wrong (unknown command or option, missing or bad value).</summary>
        public const int Usage = 2;
    }
}
