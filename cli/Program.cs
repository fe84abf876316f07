using System;

namespace Bitsmith.Cli
{
    /// <summary>The <c>bitsmith</c> command (see <see cref="BitsmithCli"/>).</summary>
    public static class Program
    {
        public static int Main(string[] args) => BitsmithCli.Run(args, Console.Out, Console.Error);
    }
}
