using System;

namespace Bitsmith.Cli
{
    /// <summary>
    /// A problem the user can act on that is not the compiler's own <see cref="Compiler.ModelException"/>:
    /// a missing file, a failed verification, an input file of the wrong shape. The message is the
    /// one line printed after <c>bitsmith: error: </c>, and names the file.
    /// </summary>
    public sealed class CliException : Exception
    {
        public CliException(string message, Exception? inner = null)
            : base(message, inner)
        {
        }
    }
}
