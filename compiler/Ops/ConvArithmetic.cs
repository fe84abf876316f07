using System;
using Bitsmith.Compiler.Ir;
using static System.FormattableString;

namespace Bitsmith.Compiler.Ops
{
    /// <summary>
    /// What Conv, ConvInteger and QLinearConv share: the shape rule for X [N, C, D1..Dn],
    /// W [M, C/group, k1..kn] and bias [M], and the direct convolution loop (integer sums in
    /// long, float sums in double). Padding contributes nothing to a sum, which for the
    /// integer ops is padding with the zero point.
    /// </summary>
    public static class ConvArithmetic
    {
        /// <summary>Checks X and W against each other and <c>group</c>; returns the window and the output shape [N, M, O1..On].</summary>
        public static WindowGeometry Infer(Node node, Value x, Value w, out int[] outputShape)
        {
            if (x.Rank < 3)
                throw node.Error($"input '{x.Name}' must have shape N x C x D1 x ... (rank 3 or more), has {Shape.Format(x.Shape)}");
            if (w.Rank != x.Rank)
                throw node.Error(Invariant($"weight '{w.Name}' {Shape.Format(w.Shape)} must have the input's rank {x.Rank} (M x C/group x k1 x ...)"));
            long group = node.GetInt("group", 1);
            int c = x.Shape[1], m = w.Shape[0];
            if (group < 1 || group > c)
                throw node.Error(Invariant($"attribute 'group' must be between 1 and the {c} input channels, is {group}"));
            if (c % group != 0 || (long)w.Shape[1] * group != c)
                throw node.Error(Invariant($"input has {c} channels but the weight {Shape.Format(w.Shape)} with group {group} expects {(long)w.Shape[1] * group}"));
            if (m % group != 0)
                throw node.Error(Invariant($"the weight's {m} output channels are not divisible by group {group}"));
            var g = WindowGeometry.Read(node, Spatial(x.Shape), Spatial(w.Shape), allowCeilMode: false);
            outputShape = new int[x.Rank];
            outputShape[0] = x.Shape[0];
            outputShape[1] = m;
            Array.Copy(g.Output, 0, outputShape, 2, g.Output.Length);
            return g;
        }

        /// <summary>A bias must be a vector of one value per output channel.</summary>
        public static void CheckBias(Node node, Value b, int outputChannels)
        {
            if (b.Rank != 1 || b.Shape[0] != outputChannels)
                throw node.Error(Invariant($"bias '{b.Name}' must have shape [{outputChannels}] (one per output channel), has {Shape.Format(b.Shape)}"));
        }

        /// <summary>
        /// A zero-point or scale input of the integer ops: one value, or (when
        /// <paramref name="channels"/> &gt; 0) one per output channel.
        /// </summary>
        public static void CheckParam(Node node, Value v, string what, int channels)
        {
            int n = Shape.Size(v.Shape);
            if (v.Rank > 1 || n != 1 && (channels == 0 || n != channels))
                throw node.Error(Invariant($"{what} '{v.Name}' must be a scalar{(channels > 0 ? $" or have shape [{channels}]" : "")}, has shape {Shape.Format(v.Shape)}"));
        }

        /// <summary>
        /// <c>t[i] - zeroPoints[k]</c>, where k is 0 for one zero point, else the index along
        /// axis 0 (the output channel of a weight).
        /// </summary>
        public static long[] Centered(Tensor t, long[] zeroPoints)
        {
            var r = new long[t.Length];
            int perChannel = zeroPoints.Length == 1 ? int.MaxValue : t.Length / zeroPoints.Length;
            for (int i = 0; i < r.Length; i++)
                r[i] = t.GetInt64(i) - zeroPoints[zeroPoints.Length == 1 ? 0 : i / perChannel];
            return r;
        }

        /// <summary>The integer sums Σ x·w of every output element, in long.</summary>
        public static long[] Accumulate(WindowGeometry g, int[] xShape, int[] outputShape, int group, long[] x, long[] w)
        {
            var acc = new long[Shape.Size(outputShape)];
            Loop(g, xShape, outputShape, group, (o, xi, wi) => acc[o] += x[xi] * w[wi]);
            return acc;
        }

        /// <summary>The float sums Σ x·w of every output element, in double.</summary>
        public static double[] Accumulate(WindowGeometry g, int[] xShape, int[] outputShape, int group, float[] x, float[] w)
        {
            var acc = new double[Shape.Size(outputShape)];
            Loop(g, xShape, outputShape, group, (o, xi, wi) => acc[o] += (double)x[xi] * w[wi]);
            return acc;
        }

        /// <summary>Output channel of flat output index <paramref name="i"/> in an [N, M, ...] tensor.</summary>
        public static int Channel(int[] outputShape, int i)
        {
            int inner = 1;
            for (int d = 2; d < outputShape.Length; d++)
                inner *= outputShape[d];
            return i / inner % outputShape[1];
        }

        private delegate void Tap(int output, int xIndex, int wIndex);

        /// <summary>Calls <paramref name="tap"/> for every (output, input, weight) triple of the convolution.</summary>
        private static void Loop(WindowGeometry g, int[] xShape, int[] outputShape, int group, Tap tap)
        {
            g.Taps(out int[][] inputOffsets, out int[][] kernelOffsets);
            int n = xShape[0], c = xShape[1], m = outputShape[1];
            int cg = c / group, mg = m / group;
            int inSize = g.InputSize, outSize = g.OutputSize, kSize = g.KernelSize;
            for (int b = 0; b < n; b++)
                for (int mi = 0; mi < m; mi++)
                {
                    int outBase = (b * m + mi) * outSize;
                    for (int ci = 0; ci < cg; ci++)
                    {
                        int xBase = (b * c + mi / mg * cg + ci) * inSize;
                        int wBase = (mi * cg + ci) * kSize;
                        for (int o = 0; o < outSize; o++)
                        {
                            int[] xo = inputOffsets[o], ko = kernelOffsets[o];
                            for (int t = 0; t < xo.Length; t++)
                                tap(outBase + o, xBase + xo[t], wBase + ko[t]);
                        }
                    }
                }
        }

        private static int[] Spatial(int[] shape)
        {
            var r = new int[shape.Length - 2];
            Array.Copy(shape, 2, r, 0, r.Length);
            return r;
        }
    }
}
