using System;
using System.Globalization;
using System.Linq;

namespace Bitsmith.Compiler.Ir
{
    /// <summary>Helpers for static shapes, held as <c>int[]</c> (row-major, outermost first).</summary>
    public static class Shape
    {
        /// <summary>The largest tensor the compiler accepts: 2^28 elements (1 GiB of f32).</summary>
        public const long MaxElements = 1L << 28;

        /// <summary>Number of elements; throws <see cref="ModelException"/> past <see cref="MaxElements"/> so a bad shape never becomes a huge allocation.</summary>
        public static int Size(int[] shape)
        {
            long n = 1;
            foreach (int d in shape)
            {
                if (d < 0)
                    throw new ModelException($"shape {Format(shape)} has a negative dimension");
                n *= d;
                if (n > MaxElements)
                    throw new ModelException($"shape {Format(shape)} has more than {MaxElements} elements");
            }
            return (int)n;
        }

        /// <summary>Row-major strides in elements.</summary>
        public static int[] Strides(int[] shape)
        {
            var strides = new int[shape.Length];
            int s = 1;
            for (int i = shape.Length - 1; i >= 0; i--)
            {
                strides[i] = s;
                s *= shape[i];
            }
            return strides;
        }

        public static bool SameAs(int[] a, int[] b) => a.Length == b.Length && a.SequenceEqual(b);

        /// <summary>Normalises a possibly negative axis against a rank; throws if out of range.</summary>
        public static int NormalizeAxis(long axis, int rank, string what = "axis")
        {
            long a = axis < 0 ? axis + rank : axis;
            if (a < 0 || a >= rank)
                throw new ModelException($"{what} {axis} is out of range for rank {rank}");
            return (int)a;
        }

        /// <summary>Numpy-style broadcast of two shapes; throws if they are incompatible.</summary>
        public static int[] Broadcast(int[] a, int[] b)
        {
            int rank = Math.Max(a.Length, b.Length);
            var result = new int[rank];
            for (int i = 0; i < rank; i++)
            {
                int da = i < rank - a.Length ? 1 : a[i - (rank - a.Length)];
                int db = i < rank - b.Length ? 1 : b[i - (rank - b.Length)];
                if (da != db && da != 1 && db != 1)
                    throw new ModelException($"shapes {Format(a)} and {Format(b)} cannot be broadcast");
                result[i] = da == 1 ? db : da;
            }
            return result;
        }

        public static string Format(int[] shape) =>
            "[" + string.Join(",", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";
    }
}
