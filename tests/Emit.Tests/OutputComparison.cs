using System;
using System.Globalization;
using Bitsmith.Compiler.Ir;

namespace Bitsmith.Emit.Tests
{
    /// <summary>Generated code against the interpreter: integers and booleans bit-exact, floats within a relative bound (or bit for bit where asked).</summary>
    public static class OutputComparison
    {
        public const double RelativeTolerance = 1e-5;

        /// <summary>For values near zero, where a relative bound means nothing.</summary>
        public const double AbsoluteTolerance = 1e-7;

        public static string? Compare(string name, Tensor expected, Tensor actual)
        {
            if (expected.Type != actual.Type || !Shape.SameAs(expected.Shape, actual.Shape))
                return $"output '{name}': {actual.Type.ShortName()}{Shape.Format(actual.Shape)}, expected {expected.Type.ShortName()}{Shape.Format(expected.Shape)}";
            for (int i = 0; i < expected.Length; i++)
            {
                bool same;
                if (expected.Type.IsFloat())
                {
                    double e = expected.GetDouble(i), a = actual.GetDouble(i);
                    same = double.IsNaN(e) ? double.IsNaN(a) : a == e || Math.Abs(a - e) <= AbsoluteTolerance + RelativeTolerance * Math.Abs(e);
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
