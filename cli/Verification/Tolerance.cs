using System;
using Bitsmith.Compiler.Ir;

namespace Bitsmith.Cli.Verification
{
    /// <summary>
    /// The largest difference allowed between an output of the generated code and a reference:
    /// for integer outputs none, or with <see cref="IntegerStep"/> one step plus the range term
    /// below; for float outputs <see cref="Absolute"/>, plus
    /// <see cref="OfLargest"/> times the largest magnitude in the reference's output, plus
    /// <see cref="OfRange"/> times its range (largest minus smallest), per case, so the bound
    /// scales with the outputs whatever their units.
    /// </summary>
    internal sealed class Tolerance
    {
        public Tolerance(double absolute, double ofLargest, double ofRange, bool integerStep, string why)
        {
            IntegerStep = integerStep;
            Absolute = absolute;
            OfLargest = ofLargest;
            OfRange = ofRange;
            Why = why;
        }

        public double Absolute { get; }

        /// <summary>Whether integer outputs may be a step (plus <see cref="OfRange"/> of their range) away rather than equal.</summary>
        public bool IntegerStep { get; }

        public double OfLargest { get; }

        public double OfRange { get; }

        /// <summary>The bound in words, for the help text.</summary>
        public string Why { get; }

        public double For(Tensor expected)
        {
            if (!expected.Type.IsFloat() && !IntegerStep)
                return 0;
            double largest = 0, min = double.PositiveInfinity, max = double.NegativeInfinity;
            for (int i = 0; i < expected.Length; i++)
            {
                double v = expected.GetDouble(i);
                if (double.IsNaN(v) || double.IsInfinity(v))
                    continue;
                largest = Math.Max(largest, Math.Abs(v));
                min = Math.Min(min, v);
                max = Math.Max(max, v);
            }
            double range = max >= min ? max - min : 0;
            return expected.Type.IsFloat()
                ? Absolute + OfLargest * largest + OfRange * range
                : 1 + Math.Floor(OfRange * range);
        }
    }
}
