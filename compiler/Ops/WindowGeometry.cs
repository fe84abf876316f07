using System;
using Bitsmith.Compiler.Ir;
using static System.FormattableString;

namespace Bitsmith.Compiler.Ops
{
    /// <summary>
    /// The sliding window of Conv and the pools: kernel_shape, strides, dilations, pads,
    /// auto_pad and ceil_mode read and checked once, the output's spatial size computed
    /// by ONNX's rules, and the input positions each window reads enumerated as "taps".
    /// </summary>
    public sealed class WindowGeometry
    {
        private WindowGeometry(int[] input, int[] kernel, int[] strides, int[] dilations, int[] padBegin, int[] padEnd, int[] output)
        {
            Input = input;
            Kernel = kernel;
            Strides = strides;
            Dilations = dilations;
            PadBegin = padBegin;
            PadEnd = padEnd;
            Output = output;
        }

        /// <summary>Spatial size of the input (without N and C).</summary>
        public int[] Input { get; }

        public int[] Kernel { get; }

        public int[] Strides { get; }

        public int[] Dilations { get; }

        /// <summary>Padding before each spatial axis, after auto_pad is resolved.</summary>
        public int[] PadBegin { get; }

        public int[] PadEnd { get; }

        /// <summary>Spatial size of the output.</summary>
        public int[] Output { get; }

        public int InputSize => Shape.Size(Input);

        public int OutputSize => Shape.Size(Output);

        public int KernelSize => Shape.Size(Kernel);

        /// <summary>
        /// Reads the window attributes of <paramref name="node"/> for an input of spatial size
        /// <paramref name="input"/>. <paramref name="weightKernel"/> is the kernel a Conv's weight
        /// implies (kernel_shape must agree with it, or may be omitted); pools pass null and
        /// need kernel_shape. <paramref name="allowCeilMode"/> is set for the pools.
        /// </summary>
        public static WindowGeometry Read(Node node, int[] input, int[]? weightKernel, bool allowCeilMode)
        {
            int rank = input.Length;
            int[] kernel;
            long[]? kernelAttr = node.GetInts("kernel_shape");
            if (kernelAttr != null)
            {
                kernel = Positive(node, "kernel_shape", kernelAttr, rank);
                if (weightKernel != null && !Shape.SameAs(kernel, weightKernel))
                    throw node.Error($"kernel_shape {Shape.Format(kernel)} does not match the weight's spatial shape {Shape.Format(weightKernel)}");
            }
            else
            {
                kernel = weightKernel ?? throw node.Error("attribute 'kernel_shape' is required");
                if (Array.Exists(kernel, k => k < 1))
                    throw node.Error($"the weight's spatial shape {Shape.Format(kernel)} has an empty axis");
            }

            int[] strides = Optional(node, "strides", rank, 1);
            int[] dilations = Optional(node, "dilations", rank, 1);
            bool ceil = false;
            if (allowCeilMode)
            {
                long c = node.GetInt("ceil_mode", 0);
                if (c != 0 && c != 1)
                    throw node.Error(Invariant($"attribute 'ceil_mode' must be 0 or 1, is {c}"));
                ceil = c == 1;
            }

            var padBegin = new int[rank];
            var padEnd = new int[rank];
            var output = new int[rank];
            string autoPad = node.GetString("auto_pad", "NOTSET");
            long[]? pads = node.GetInts("pads");
            switch (autoPad)
            {
                case "NOTSET":
                    if (pads != null)
                    {
                        if (pads.Length != 2 * rank)
                            throw node.Error(Invariant($"attribute 'pads' needs {2 * rank} values (begin and end of {rank} spatial axes), has {pads.Length}"));
                        for (int d = 0; d < rank; d++)
                        {
                            padBegin[d] = Pad(node, pads[d]);
                            padEnd[d] = Pad(node, pads[d + rank]);
                        }
                    }
                    break;
                case "VALID":
                case "SAME_UPPER":
                case "SAME_LOWER":
                    if (pads != null && Array.Exists(pads, p => p != 0))
                        throw node.Error($"attribute 'pads' cannot be combined with auto_pad {autoPad}");
                    break;
                default:
                    throw node.Error($"attribute 'auto_pad' must be NOTSET, SAME_UPPER, SAME_LOWER or VALID, is '{autoPad}'");
            }

            for (int d = 0; d < rank; d++)
            {
                long span = (long)(kernel[d] - 1) * dilations[d] + 1;
                long o;
                if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER")
                {
                    // The output keeps ceil(input / stride) positions; the padding that needs is
                    // split evenly, the odd one going to the end (UPPER) or the beginning (LOWER).
                    o = (input[d] + (long)strides[d] - 1) / strides[d];
                    long total = Math.Max(0, (o - 1) * strides[d] + span - input[d]);
                    long small = total / 2;
                    padBegin[d] = (int)(autoPad == "SAME_UPPER" ? small : total - small);
                    padEnd[d] = (int)(total - padBegin[d]);
                }
                else
                {
                    long room = (long)input[d] + padBegin[d] + padEnd[d] - span;
                    // ONNX: ceil((room) / stride) + 1 with ceil_mode, which is one output for a window
                    // larger than the padded input by less than a stride (PyTorch's 2x2 pool, stride 2,
                    // on a 1x1 map); floor((room) / stride) + 1 without, which has no window there.
                    if (room < 0 && (!ceil || -room >= strides[d]))
                        throw node.Error(Invariant($"the window ({span} wide on spatial axis {d}) is larger than the padded input ({input[d] + (long)padBegin[d] + padEnd[d]})"));
                    o = room < 0 ? 1 : room / strides[d] + 1;
                    if (ceil && room > 0 && room % strides[d] != 0)
                    {
                        o++;
                        // A window that would start in the end padding is dropped.
                        if ((o - 1) * strides[d] >= input[d] + (long)padBegin[d])
                            o--;
                    }
                }
                if (o < 1 || o > int.MaxValue)
                    throw node.Error(Invariant($"spatial axis {d} would have output size {o}"));
                output[d] = (int)o;
            }
            Shape.Size(output);
            return new WindowGeometry(input, kernel, strides, dilations, padBegin, padEnd, output);
        }

        /// <summary>The window of a pool over X [N, C, D1..Dn]; <paramref name="outputShape"/> is [N, C, O1..On].</summary>
        public static WindowGeometry ForPool(Node node, Value x, out int[] outputShape)
        {
            if (x.Rank < 3)
                throw node.Error($"input '{x.Name}' must have shape N x C x D1 x ... (rank 3 or more), has {Shape.Format(x.Shape)}");
            var spatial = new int[x.Rank - 2];
            Array.Copy(x.Shape, 2, spatial, 0, spatial.Length);
            var g = Read(node, spatial, null, allowCeilMode: true);
            outputShape = new int[x.Rank];
            outputShape[0] = x.Shape[0];
            outputShape[1] = x.Shape[1];
            Array.Copy(g.Output, 0, outputShape, 2, g.Output.Length);
            return g;
        }

        /// <summary>
        /// For each output position (row-major), the taps of its window that fall inside the
        /// input: <c>inputOffsets[o][t]</c> is the flat spatial input index, <c>kernelOffsets[o][t]</c>
        /// the flat kernel index, both in row-major order of the kernel.
        /// </summary>
        public void Taps(out int[][] inputOffsets, out int[][] kernelOffsets)
        {
            int rank = Input.Length;
            int outputs = OutputSize, taps = KernelSize;
            inputOffsets = new int[outputs][];
            kernelOffsets = new int[outputs][];
            var outPos = new int[rank];
            var k = new int[rank];
            var inBuffer = new int[taps];
            var kBuffer = new int[taps];
            for (int o = 0; o < outputs; o++)
            {
                Unflatten(o, Output, outPos);
                int count = 0;
                for (int t = 0; t < taps; t++)
                {
                    Unflatten(t, Kernel, k);
                    int flat = 0;
                    bool inside = true;
                    for (int d = 0; d < rank && inside; d++)
                    {
                        long p = Position(d, outPos[d], k[d]);
                        inside = p >= 0 && p < Input[d];
                        flat = flat * Input[d] + (int)p;
                    }
                    if (inside)
                    {
                        inBuffer[count] = flat;
                        kBuffer[count] = t;
                        count++;
                    }
                }
                inputOffsets[o] = Prefix(inBuffer, count);
                kernelOffsets[o] = Prefix(kBuffer, count);
            }
        }

        /// <summary>
        /// The number of taps of window <paramref name="o"/> that lie inside the padded input
        /// (input plus pads): AveragePool's divisor with count_include_pad. A ceil_mode window
        /// that runs past the end padding does not count the part beyond it.
        /// </summary>
        public int PaddedTapCount(int o)
        {
            var outPos = new int[Input.Length];
            Unflatten(o, Output, outPos);
            int count = 1;
            for (int d = 0; d < Input.Length; d++)
            {
                int inside = 0;
                for (int k = 0; k < Kernel[d]; k++)
                {
                    long p = Position(d, outPos[d], k);
                    if (p >= -PadBegin[d] && p < Input[d] + (long)PadEnd[d])
                        inside++;
                }
                count *= inside;
            }
            return count;
        }

        /// <summary>The input coordinate on axis <paramref name="d"/> of kernel tap <paramref name="k"/> of output position <paramref name="o"/> (negative or past the end in the padding).</summary>
        private long Position(int d, int o, int k) => (long)o * Strides[d] - PadBegin[d] + (long)k * Dilations[d];

        /// <summary>Row-major coordinates of flat index <paramref name="i"/> in <paramref name="shape"/>.</summary>
        public static void Unflatten(int i, int[] shape, int[] coordinates)
        {
            for (int d = shape.Length - 1; d >= 0; d--)
            {
                coordinates[d] = i % shape[d];
                i /= shape[d];
            }
        }

        private static int[] Prefix(int[] buffer, int count)
        {
            var r = new int[count];
            Array.Copy(buffer, r, count);
            return r;
        }

        private static int[] Optional(Node node, string name, int rank, int defaultValue)
        {
            long[]? values = node.GetInts(name);
            if (values == null || values.Length == 0)
            {
                var r = new int[rank];
                for (int d = 0; d < rank; d++)
                    r[d] = defaultValue;
                return r;
            }
            return Positive(node, name, values, rank);
        }

        private static int[] Positive(Node node, string name, long[] values, int rank)
        {
            if (values.Length != rank)
                throw node.Error(Invariant($"attribute '{name}' needs {rank} values (one per spatial axis), has {values.Length}"));
            var r = new int[rank];
            for (int d = 0; d < rank; d++)
            {
                if (values[d] < 1 || values[d] > int.MaxValue)
                    throw node.Error(Invariant($"attribute '{name}' must hold positive values, has {values[d]}"));
                r[d] = (int)values[d];
            }
            return r;
        }

        private static int Pad(Node node, long p)
        {
            if (p < 0 || p > int.MaxValue)
                throw node.Error(Invariant($"attribute 'pads' must hold non-negative values, has {p}"));
            return (int)p;
        }
    }
}
