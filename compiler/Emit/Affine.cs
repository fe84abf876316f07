using System;
using System.Globalization;

namespace Bitsmith.Compiler.Emit
{
    /// <summary>
    /// Index arithmetic for generated code with the constants folded: a loop of one iteration is
    /// no loop (its index is the literal 0), and no <c>0 +</c>, <c>* 1</c> or <c>0 *</c> is written.
    /// </summary>
    internal static class Affine
    {
        /// <summary>A loop <c>for (index = 0; index &lt; bound; index++)</c>, or just the index 0 when the bound is 1.</summary>
        public static LoopScope Loop(LayerContext c, string hint, int bound)
        {
            if (bound == 1)
                return new LoopScope("0", null);
            string index = c.Local(hint);
            return new LoopScope(index, c.W.Block($"for (int {index} = 0; {index} < {bound}; {index}++)"));
        }

        /// <summary><c>index · coefficient</c>.</summary>
        public static string Term(string index, long coefficient) =>
            index == "0" || coefficient == 0 ? "0" : coefficient == 1 ? index : $"{Wrap(index)} * {N(coefficient)}";

        public static string Sum2(string a, string b) => a == "0" ? b : b == "0" ? a : $"{a} + {b}";

        public static string Product(string expression, long factor) => Term(expression, factor);

        private static string Wrap(string e) => e.IndexOf(' ') >= 0 ? $"({e})" : e;

        private static string N(long v) => v.ToString(CultureInfo.InvariantCulture);

        public sealed class LoopScope : IDisposable
        {
            private readonly IDisposable? _block;

            public LoopScope(string index, IDisposable? block)
            {
                Index = index;
                _block = block;
            }

            public string Index { get; }

            public void Dispose() => _block?.Dispose();
        }
    }
}
