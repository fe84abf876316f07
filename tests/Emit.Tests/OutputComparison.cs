using System;
using System.Globalization;
using Bitsmith.Compiler.Ir;

namespace Bitsmith.Emit.Tests
{
    /// <summary>
    /// Generated code against the interpreter: integers and booleans bit-exact, floats within a
    /// relative bound (or bit for bit where asked), or, where a kernel sums floats in another order, within a bound relative to
    /// the magnitude of the summed terms.
    /// </summary>
    public static class OutputComparison
    {
        public const double RelativeTolerance = 1e-5;

        /// <summary>For values near zero, where a relative bound means nothing.</summary>
        public const double AbsoluteTolerance = 1e-7;

        /// <summary>
        /// A float sum in another order (and in float, not double) differs from the interpreter's by
        /// rounding of the order of the terms' magnitudes: at most this fraction of <c>Σ|a·b|</c>
        /// (about K·2⁻²⁴ in the worst case; far less in practice).
        /// </summary>
        public const double ReorderedSumTolerance = 1e-5;

        /// <summary>Below the smallest normal float: products that round to subnormals or zero in float but not in double.</summary>
        public const double ReorderedSumFloor = 1e-40;

        /// <param name="magnitude">For reordered float sums: per element, Σ|a·b| + |bias| (<see cref="ModelCase.Magnitudes"/>); floats are then within <paramref name="sumTolerance"/> of it.</param>
        public static string? Compare(string name, Tensor expected, Tensor actual, Tensor? magnitude = null, double sumTolerance = ReorderedSumTolerance)
        {
            if (expected.Type != actual.Type || !Shape.SameAs(expected.Shape, actual.Shape))
                return $"output '{name}': {actual.Type.ShortName()}{Shape.Format(actual.Shape)}, expected {expected.Type.ShortName()}{Shape.Format(expected.Shape)}";
            for (int i = 0; i < expected.Length; i++)
            {
                bool same;
                if (expected.Type.IsFloat())
                {
                    double e = expected.GetDouble(i), a = actual.GetDouble(i);
                    double bound = magnitude == null
                        ? AbsoluteTolerance + RelativeTolerance * Math.Abs(e)
                        : ReorderedSumFloor + sumTolerance * magnitude.GetDouble(i);
                    same = double.IsNaN(e) ? double.IsNaN(a) : a == e || Math.Abs(a - e) <= bound;
                }
                else
                {
                    same = expected.GetInt64(i) == actual.GetInt64(i);
                }
                if (!same)
                    return $"output '{name}' element {i}: {Format(actual, i)}, the interpreter gives {Format(expected, i)}";
            }
            return null;
        }

        /// <summary>Every element with the same bits (a float's sign of zero and NaN payload included); null when they all agree.</summary>
        public static string? CompareBits(string name, Tensor expected, Tensor actual)
        {
            if (expected.Type != actual.Type || !Shape.SameAs(expected.Shape, actual.Shape))
                return $"output '{name}': {actual.Type.ShortName()}{Shape.Format(actual.Shape)}, expected {expected.Type.ShortName()}{Shape.Format(expected.Shape)}";
            for (int i = 0; i < expected.Length; i++)
            {
                long e = Bits(expected, i), a = Bits(actual, i);
                if (e != a)
                    return string.Create(CultureInfo.InvariantCulture, $"output '{name}' element {i}: bits {a:x}, the interpreter gives {e:x}");
            }
            return null;
        }

        private static long Bits(Tensor t, int i) => t.Type == ElementType.Float32 ? BitConverter.SingleToInt32Bits(t.Floats[i]) : t.GetInt64(i);

        private static string Format(Tensor t, int i) =>
            t.Type.IsFloat() ? t.GetDouble(i).ToString("R", CultureInfo.InvariantCulture) : t.GetInt64(i).ToString(CultureInfo.InvariantCulture);
    }
}
