using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Ops
{
    /// <summary>Axis arguments (attributes or constant inputs) checked against a rank, with errors that name the node.</summary>
    public static class Axes
    {
        /// <summary>A possibly negative axis in [-rank, rank-1], made non-negative.</summary>
        public static int Normalize(Node node, long axis, int rank, string what = "axis")
        {
            long a = axis < 0 ? axis + rank : axis;
            if (a < 0 || a >= rank)
                throw node.Error(FormattableString.Invariant($"{what} {axis} is out of range for rank {rank}"));
            return (int)a;
        }

        /// <summary>Several axes, each normalised; a repeated axis is an error.</summary>
        public static int[] NormalizeAll(Node node, long[] axes, int rank)
        {
            var result = new int[axes.Length];
            var seen = new HashSet<int>();
            for (int i = 0; i < axes.Length; i++)
            {
                result[i] = Normalize(node, axes[i], rank);
                if (!seen.Add(result[i]))
                    throw node.Error($"axes {Format(axes)} name axis {result[i].ToString(CultureInfo.InvariantCulture)} twice");
            }
            return result;
        }

        /// <summary>"[1,-1,3]" in the invariant culture, for error messages.</summary>
        public static string Format(long[] values) =>
            "[" + string.Join(",", values.Select(v => v.ToString(CultureInfo.InvariantCulture))) + "]";

        /// <summary>
        /// The product of <paramref name="shape"/>[<paramref name="from"/>..<paramref name="to"/>); throws past
        /// <see cref="Shape.MaxElements"/>, which a zero elsewhere in the shape would otherwise allow.
        /// </summary>
        public static int Product(Node node, int[] shape, int from, int to)
        {
            long n = 1;
            for (int d = from; d < to; d++)
            {
                n *= shape[d];
                if (n > Shape.MaxElements)
                    throw node.Error($"dimensions {from.ToString(CultureInfo.InvariantCulture)} to {(to - 1).ToString(CultureInfo.InvariantCulture)} of shape {Shape.Format(shape)} hold more than {Shape.MaxElements.ToString(CultureInfo.InvariantCulture)} elements");
            }
            return (int)n;
        }
    }
}
