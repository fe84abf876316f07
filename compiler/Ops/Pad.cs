using System;
using System.Linq;
using Bitsmith.Compiler.Ir;
using static System.FormattableString;

namespace Bitsmith.Compiler.Ops
{
    /// <summary>
    /// Pad in modes constant, reflect, edge and (opset 19) wrap, for any element type.
    /// Pads come from the 'paddings' attribute (opset 1), the 'pads' attribute (opsets 2 to 10)
    /// or a constant input (opset 11, with optional axes from opset 18), as
    /// [x1_begin, x2_begin, ..., x1_end, x2_end, ...]. A negative pad removes elements; as ONNX
    /// Runtime does, the input is cropped first and the remaining pads are filled from the
    /// cropped input. Reflect and wrap repeat periodically when a pad exceeds the axis, as numpy's pad does.
    /// </summary>
    public sealed class Pad : OperatorBase
    {
        public override string OpType => "Pad";

        public override void Infer(Node node)
        {
            var data = node.RequiredInput(0);
            string mode = Mode(node);
            long[] pads = Pads(node, data.Rank);
            int rank = data.Rank;
            var shape = new int[rank];
            for (int d = 0; d < rank; d++)
            {
                long size = data.Shape[d] + pads[d] + pads[d + rank];
                if (size < 0 || size > int.MaxValue)
                    throw node.Error(Invariant($"axis {d} of size {data.Shape[d]} padded by {pads[d]} and {pads[d + rank]} would have size {size}"));
                shape[d] = (int)size;
                long kept = data.Shape[d] - Math.Max(0, -pads[d]) - Math.Max(0, -pads[d + rank]);
                if (mode != "constant" && kept < 1 && (pads[d] > 0 || pads[d + rank] > 0))
                    throw node.Error(Invariant($"mode '{mode}' cannot pad axis {d}: it has no elements left to copy from"));
            }
            if (node.OpsetVersion >= 11 && node.Input(2) is Value value)
            {
                RequireType(node, value, "constant_value", data.Type);
                if (value.Rank > 1 || Shape.Size(value.Shape) != 1)
                    throw node.Error($"constant_value '{value.Name}' must be a scalar, has shape {Shape.Format(value.Shape)}");
            }
            SetOutput(node, 0, data.Type, shape);
        }

        public override Tensor[] Evaluate(Node node, Tensor?[] inputs)
        {
            Tensor data = inputs[0]!;
            int rank = data.Rank;
            int[] shape = node.Outputs[0].Shape;
            int[][] sources = Sources(node);

            var y = Tensor.Zeros(data.Type, shape);
            Tensor fill = ConstantValue(node, inputs, data.Type);
            int[] strides = Shape.Strides(data.Shape);
            var position = new int[rank];
            for (int i = 0; i < y.Length; i++)
            {
                WindowGeometry.Unflatten(i, shape, position);
                int source = 0;
                for (int d = 0; d < rank && source >= 0; d++)
                {
                    int j = sources[d][position[d]];
                    source = j < 0 ? -1 : source + j * strides[d];
                }
                if (source >= 0)
                    Array.Copy(data.Data, source, y.Data, i, 1);
                else
                    Array.Copy(fill.Data, 0, y.Data, i, 1);
            }
            return new[] { y };
        }

        /// <summary>
        /// Per axis of the output, the input coordinate each output coordinate copies, or -1 where
        /// it takes the constant; <see cref="Infer"/> must have run.
        /// </summary>
        public static int[][] Sources(Node node)
        {
            var data = node.Inputs[0]!;
            string mode = Mode(node);
            int rank = data.Rank;
            long[] pads = Pads(node, rank);
            int[] shape = node.Outputs[0].Shape;
            var sources = new int[rank][];
            for (int d = 0; d < rank; d++)
            {
                int cropBegin = (int)Math.Max(0, -pads[d]), padBegin = (int)Math.Max(0, pads[d]);
                int kept = data.Shape[d] - cropBegin - (int)Math.Max(0, -pads[d + rank]);
                sources[d] = new int[shape[d]];
                for (int o = 0; o < shape[d]; o++)
                {
                    int j = Map(mode, o - padBegin, kept);
                    sources[d][o] = j < 0 ? -1 : j + cropBegin;
                }
            }
            return sources;
        }

        /// <summary>The coordinate in an axis of <paramref name="n"/> elements that padding coordinate <paramref name="j"/> copies, or -1 for the constant.</summary>
        private static int Map(string mode, int j, int n)
        {
            if (j >= 0 && j < n)
                return j;
            switch (mode)
            {
                case "edge":
                    return j < 0 ? 0 : n - 1;
                case "wrap":
                    return (j % n + n) % n;
                case "reflect":
                    if (n == 1)
                        return 0;
                    int period = 2 * (n - 1);
                    int r = (j % period + period) % period;
                    return r < n ? r : period - r;
                default:
                    return -1;
            }
        }

        private static string Mode(Node node)
        {
            string mode = node.GetString("mode", "constant");
            if (mode == "wrap" && node.OpsetVersion < 19)
                throw node.Error(Invariant($"mode 'wrap' needs opset 19, the model imports opset {node.OpsetVersion}"));
            if (mode != "constant" && mode != "reflect" && mode != "edge" && mode != "wrap")
                throw node.Error($"attribute 'mode' must be constant, reflect, edge or wrap, is '{mode}'");
            return mode;
        }

        /// <summary>The pads of every axis, [begin_0..begin_{r-1}, end_0..end_{r-1}], from the attribute or input form.</summary>
        private static long[] Pads(Node node, int rank)
        {
            long[] given;
            int[] axes = Enumerable.Range(0, rank).ToArray();
            if (node.OpsetVersion < 11)
            {
                string name = node.OpsetVersion == 1 ? "paddings" : "pads";
                given = node.GetInts(name) ?? throw node.Error($"attribute '{name}' is required");
            }
            else
            {
                var padsValue = node.RequiredInput(1);
                RequireType(node, padsValue, "pads", ElementType.Int64);
                RequireRank(node, padsValue, "pads", 1);
                given = (padsValue.Constant ?? throw NotStatic(node, 1, padsValue)).ToInt64Array();
                if (node.OpsetVersion >= 18 && node.Input(3) != null)
                    axes = Axes(node, rank);
            }
            if (given.Length != 2 * axes.Length)
                throw node.Error(Invariant($"pads must have {2 * axes.Length} values (begin and end of {axes.Length} axes), has {given.Length}"));
            if (given.Any(p => p < -int.MaxValue || p > int.MaxValue))
                throw node.Error("pads must lie within the 32-bit range");
            var pads = new long[2 * rank];
            for (int a = 0; a < axes.Length; a++)
            {
                pads[axes[a]] = given[a];
                pads[axes[a] + rank] = given[a + axes.Length];
            }
            return pads;
        }

        private static int[] Axes(Node node, int rank)
        {
            var v = node.RequiredInput(3);
            RequireType(node, v, "axes", ElementType.Int32, ElementType.Int64);
            RequireRank(node, v, "axes", 1);
            long[] raw = (v.Constant ?? throw NotStatic(node, 3, v)).ToInt64Array();
            var axes = new int[raw.Length];
            for (int i = 0; i < raw.Length; i++)
            {
                long a = raw[i] < 0 ? raw[i] + rank : raw[i];
                if (a < 0 || a >= rank)
                    throw node.Error(Invariant($"axis {raw[i]} is out of range for rank {rank}"));
                axes[i] = (int)a;
            }
            if (axes.Distinct().Count() != axes.Length)
                throw node.Error("axes must not repeat an axis");
            return axes;
        }

        /// <summary>Pads or axes computed at run time would make the output shape dynamic.</summary>
        private static ModelException NotStatic(Node node, int index, Value v) =>
            node.Unsupported(Invariant($"input {index} ('{v.Name}') computed at run time is not supported: pads and axes must be constants, as output shapes are static"));

        /// <summary>The one-element tensor of the data's type that constant mode fills with.</summary>
        private static Tensor ConstantValue(Node node, Tensor?[] inputs, ElementType type) =>
            node.OpsetVersion >= 11 && inputs.Length > 2 && inputs[2] != null ? inputs[2]! : AttributeFill(node, type);

        /// <summary>The fill value when no constant_value input gives it: the 'value' attribute before opset 11, else 0.</summary>
        public static Tensor AttributeFill(Node node, ElementType type)
        {
            var fill = Tensor.Zeros(type, new[] { 1 });
            if (node.OpsetVersion < 11)
                fill.SetDouble(0, node.GetFloat("value", 0f));
            return fill;
        }
    }
}
