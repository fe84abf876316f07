using System;
using Bitsmith.Compiler.Ir;
using static System.FormattableString;

namespace Bitsmith.Compiler.Ops
{
    /// <summary>
    /// numpy.matmul's shape rule, shared by MatMul, MatMulInteger and QLinearMatMul: a 1-D
    /// A is a row [1, K] and a 1-D B a column [K, 1] (the promoted axis is dropped from the
    /// output); leading axes are batch axes that broadcast. Element (m, k) of batch b of A is
    /// at <c>AOffset(b) + m·K + k</c>, (k, n) of B at <c>BOffset(b) + k·N + n</c>, and the output
    /// element (b, m, n) at <c>(b·M + m)·N + n</c>.
    /// </summary>
    public sealed class MatMulGeometry
    {
        private readonly int[] _aOffsets;
        private readonly int[] _bOffsets;

        private MatMulGeometry(int m, int k, int n, int[] outputShape, int[] aOffsets, int[] bOffsets)
        {
            M = m;
            K = k;
            N = n;
            OutputShape = outputShape;
            _aOffsets = aOffsets;
            _bOffsets = bOffsets;
        }

        public int M { get; }

        public int K { get; }

        public int N { get; }

        public int[] OutputShape { get; }

        /// <summary>The number of (broadcast) batch matrices of the output.</summary>
        public int Batches => _aOffsets.Length;

        public int AOffset(int batch) => _aOffsets[batch];

        public int BOffset(int batch) => _bOffsets[batch];

        /// <summary>Checks the operands' shapes against each other; throws a node error if they do not multiply.</summary>
        public static MatMulGeometry Of(Node node, Value a, Value b)
        {
            if (a.Rank == 0 || b.Rank == 0)
                throw node.Error($"inputs must have rank 1 or more, have shapes {Shape.Format(a.Shape)} and {Shape.Format(b.Shape)}");
            int[] sa = a.Rank == 1 ? new[] { 1, a.Shape[0] } : a.Shape;
            int[] sb = b.Rank == 1 ? new[] { b.Shape[0], 1 } : b.Shape;
            int m = sa[sa.Length - 2], k = sa[sa.Length - 1], n = sb[sb.Length - 1];
            if (sb[sb.Length - 2] != k)
                throw node.Error(Invariant($"inner dimensions differ: '{a.Name}' {Shape.Format(a.Shape)} has {k} columns, '{b.Name}' {Shape.Format(b.Shape)} has {sb[sb.Length - 2]} rows"));

            int[] batchA = Leading(sa), batchB = Leading(sb);
            int[] batch;
            try
            {
                batch = Shape.Broadcast(batchA, batchB);
            }
            catch (ModelException)
            {
                throw node.Error($"batch dimensions of {Shape.Format(a.Shape)} and {Shape.Format(b.Shape)} cannot be broadcast");
            }

            int tail = (a.Rank == 1 ? 0 : 1) + (b.Rank == 1 ? 0 : 1);
            var output = new int[batch.Length + tail];
            Array.Copy(batch, output, batch.Length);
            int at = batch.Length;
            if (a.Rank > 1)
                output[at++] = m;
            if (b.Rank > 1)
                output[at] = n;
            try
            {
                Shape.Size(output);
            }
            catch (ModelException e)
            {
                throw node.Error(e.Problem);
            }

            int[] aOffsets = Broadcast.SourceIndices(batch, batchA), bOffsets = Broadcast.SourceIndices(batch, batchB);
            for (int i = 0; i < aOffsets.Length; i++)
            {
                aOffsets[i] *= m * k;
                bOffsets[i] *= k * n;
            }
            return new MatMulGeometry(m, k, n, output, aOffsets, bOffsets);
        }

        private static int[] Leading(int[] shape)
        {
            var r = new int[shape.Length - 2];
            Array.Copy(shape, r, r.Length);
            return r;
        }
    }
}
