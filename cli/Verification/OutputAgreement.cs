using System;
using Bitsmith.Compiler.Ir;

namespace Bitsmith.Cli.Verification
{
    /// <summary>
    /// How one output of the generated code agrees with a reference over all cases: the largest
    /// absolute difference (NaN against a number counts as infinite), where it was, how many
    /// elements were beyond the tolerance, and the class agreement: per row of the last axis,
    /// whether the argmax is the same.
    /// </summary>
    internal sealed class OutputAgreement
    {
        public OutputAgreement(string output, ElementType type, Tolerance tolerance)
        {
            Output = output;
            Type = type;
            Tolerance = tolerance;
        }

        public string Output { get; }

        public ElementType Type { get; }

        public Tolerance Tolerance { get; }

        public double MaxDifference { get; private set; }

        /// <summary>The case and element of <see cref="MaxDifference"/>.</summary>
        public (int Case, int Element) Worst { get; private set; }

        /// <summary>Elements over the tolerance, over all cases.</summary>
        public long Beyond { get; private set; }

        /// <summary>The largest tolerance applied to an element (it may depend on the reference's range).</summary>
        public double AllowedDifference { get; private set; }

        public int Rows { get; private set; }

        public int RowsAgreeing { get; private set; }

        public bool Passed => Beyond == 0;

        public void Add(int caseIndex, Tensor actual, Tensor expected)
        {
            if (actual.Length != expected.Length)
                throw new InvalidOperationException($"output '{Output}': {actual.Length} elements against the reference's {expected.Length}");
            double allowed = Tolerance.For(expected);
            AllowedDifference = Math.Max(AllowedDifference, allowed);
            for (int i = 0; i < actual.Length; i++)
            {
                double a = actual.GetDouble(i), e = expected.GetDouble(i);
                double d = a == e ? 0 : double.IsNaN(a) && double.IsNaN(e) ? 0 : Math.Abs(a - e);
                if (double.IsNaN(d))
                    d = double.PositiveInfinity;
                if (d > MaxDifference)
                {
                    MaxDifference = d;
                    Worst = (caseIndex, i);
                }
                if (d > allowed)
                    Beyond++;
            }
            int width = actual.Rank == 0 ? 1 : Math.Max(1, actual.Shape[actual.Rank - 1]);
            if (width < 2)
                return;
            for (int row = 0; row + width <= actual.Length; row += width)
            {
                Rows++;
                if (ArgMax(actual, row, width) == ArgMax(expected, row, width))
                    RowsAgreeing++;
            }
        }

        private static int ArgMax(Tensor t, int start, int width)
        {
            int best = 0;
            for (int i = 1; i < width; i++)
                if (t.GetDouble(start + i) > t.GetDouble(start + best))
                    best = i;
            return best;
        }
    }
}
