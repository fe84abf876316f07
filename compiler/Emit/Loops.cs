using System;
using System.Collections.Generic;
using System.Linq;
using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Emit
{
    /// <summary>Loop nests with constant bounds that several emitters share.</summary>
    public static class Loops
    {
        /// <summary>
        /// Visits every element of <paramref name="shape"/> in row-major order. The body gets the
        /// flat index and, for each of <paramref name="sources"/>, the flat index of the element
        /// that numpy broadcasting maps there (a size-1 or missing axis repeats).
        /// </summary>
        public static void Broadcast(LayerContext c, int[] shape, int[][] sources, Action<string, string[]> body)
        {
            int n = Shape.Size(shape);
            string i = c.Local("i");
            if (sources.All(s => Shape.Size(s) == n || Shape.Size(s) == 1))
            {
                // Every source is the whole tensor or one element: one flat loop.
                using (c.W.Block($"for (int {i} = 0; {i} < {n}; {i}++)"))
                    body(i, sources.Select(s => Shape.Size(s) == 1 && n != 1 ? "0" : i).ToArray());
                return;
            }
            var axes = shape.Select(_ => c.Local("d")).ToArray();
            var blocks = new List<IDisposable>();
            for (int d = 0; d < shape.Length; d++)
                blocks.Add(c.W.Block($"for (int {axes[d]} = 0; {axes[d]} < {shape[d]}; {axes[d]}++)"));
            c.W.Line($"int {i} = {Flat(axes, shape, shape)};");
            body(i, sources.Select(s => Flat(axes, shape, s)).ToArray());
            for (int d = blocks.Count - 1; d >= 0; d--)
                blocks[d].Dispose();
        }

        /// <summary>The flat index in <paramref name="source"/> (right-aligned against <paramref name="shape"/>) of the position held in <paramref name="axes"/>.</summary>
        private static string Flat(string[] axes, int[] shape, int[] source)
        {
            int offset = shape.Length - source.Length;
            var strides = Shape.Strides(source);
            var terms = new List<string>();
            for (int d = 0; d < source.Length; d++)
                if (source[d] != 1)
                    terms.Add(strides[d] == 1 ? axes[d + offset] : $"{axes[d + offset]} * {strides[d]}");
            return terms.Count == 0 ? "0" : string.Join(" + ", terms);
        }
    }
}
