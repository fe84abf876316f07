using System;

namespace Bitsmith.Compiler.Lowering
{
    /// <summary>A plan that cannot be read or does not hold what the emitter needs; the message names the line when there is one.</summary>
    public sealed class PlanFormatException : FormatException
    {
        public PlanFormatException(string message, int line = 0)
            : base(line > 0 ? $"plan line {line.ToString(System.Globalization.CultureInfo.InvariantCulture)}: {message}" : "plan: " + message)
        {
            Line = line;
        }

        /// <summary>1-based line of the text form, or 0.</summary>
        public int Line { get; }
    }
}
