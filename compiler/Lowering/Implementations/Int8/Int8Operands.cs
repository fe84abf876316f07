using System;
using System.Linq;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Ops;

namespace Bitsmith.Compiler.Lowering.Implementations.Int8
{
    /// <summary>
    /// What the u8 × s8 kernels need proven and derived from a quantised layer's constant weights:
    /// the weights centred on their zero points (<c>w - zw</c>, checked to fit s8), the input's
    /// zero point in the u8 domain the kernels work in (s8 inputs are flipped by 128), the
    /// folded zero-point term per output channel (<c>-zx · Σ(w - zw)</c>), the requantisation
    /// multipliers <c>(double)sx · sw</c>, and two proofs from the actual values: that no int32
    /// sum can overflow, and whether any pair of products can saturate <c>vpmaddubsw</c>'s int16.
    /// </summary>
    internal sealed class Int8Operands
    {
        /// <summary>Largest activation code in the u8 domain.</summary>
        private const int MaxCode = 255;

        private Int8Operands(int[] centered, int rows, int depth, byte flip, int inputZero, double[] scales)
        {
            Centered = centered;
            Rows = rows;
            Depth = depth;
            Flip = flip;
            InputZero = inputZero;
            Scales = scales;
            Offsets = new int[rows];
            for (int r = 0; r < rows; r++)
                Offsets[r] = checked((int)(-inputZero * RowSum(r)));
        }

        /// <summary><c>Σ_d centered[r, d]</c>: what a zero-point term multiplies.</summary>
        public long RowSum(int r)
        {
            long sum = 0;
            for (int d = 0; d < Depth; d++)
                sum += Centered[r * Depth + d];
            return sum;
        }

        /// <summary>Weights minus their zero points, <c>[rows, depth]</c>.</summary>
        public int[] Centered { get; }

        public int Rows { get; }

        public int Depth { get; }

        /// <summary>XOR applied to each input byte: 0x80 for signed inputs, else 0.</summary>
        public byte Flip { get; }

        /// <summary>The input's zero point after the flip (what padding is filled with).</summary>
        public int InputZero { get; }

        /// <summary><c>-zx · Σ_d centered[r, d]</c>, added to each raw sum.</summary>
        public int[] Offsets { get; }

        /// <summary><c>(double)sx · sw[r]</c>.</summary>
        public double[] Scales { get; }

        /// <summary>The smallest and largest <c>Σ (x - zx)(w - zw)</c> row <paramref name="r"/> can reach for inputs in [0, 255].</summary>
        public (long Lo, long Hi) Range(int r)
        {
            long lo = 0, hi = 0;
            for (int d = 0; d < Depth; d++)
            {
                long w = Centered[r * Depth + d], a = (long)(0 - InputZero) * w, b = (long)(MaxCode - InputZero) * w;
                lo += Math.Min(a, b);
                hi += Math.Max(a, b);
            }
            return (lo, hi);
        }

        /// <summary>
        /// The single-precision requantisation of each row into a quantised <paramref name="output"/>
        /// (<see cref="FastRequantization"/>; null entries where it has none), or null when the
        /// output is float or no row has one.
        /// </summary>
        public FastChannel?[]? FastRequantization(Value output, double[] biases, FusedActivation? activation)
        {
            if (output.Quant == null)
                return null;
            bool signed = output.Type == ElementType.Int8;
            var channels = new FastChannel?[Rows];
            for (int r = 0; r < Rows; r++)
            {
                var (lo, hi) = Range(r);
                channels[r] = Int8.FastRequantization.Prove(Scales[r], biases[r], activation, output.Quant.Scale[0], output.Quant.ZeroPoint[0], signed ? -128 : 0, signed ? 127 : 255, lo, hi);
            }
            return channels.Any(c => c != null) ? channels : null;
        }

        /// <summary>
        /// The epilogue's packed constants: the exact form's scales and biases, and where some
        /// rows have a single-precision form, its multipliers, addends, guards and code bounds
        /// (low, high) per row; a row without one gets bounds (1, 0), which sends it to the exact form.
        /// </summary>
        public PackedConstant[] PackEpilogue(double[] biases, FastChannel?[]? fast)
        {
            var doubles = new Float64Vector(Rows);
            var exact = new[] { new PackedConstant("scales", doubles, doubles.Pack(Scales)), new PackedConstant("biases", doubles, doubles.Pack(biases)) };
            if (fast == null)
                return exact;
            var floats = new Float32Vector(Rows);
            var bounds = new Int32Vector(2 * Rows);
            return exact.Concat(new[]
            {
                new PackedConstant("multipliers", floats, floats.Pack(fast.Select(c => c?.Multiplier ?? 0f).ToArray())),
                new PackedConstant("addends", floats, floats.Pack(fast.Select(c => c?.Addend ?? 0f).ToArray())),
                new PackedConstant("guards", floats, floats.Pack(fast.Select(c => c?.Guard ?? 0f).ToArray())),
                new PackedConstant("bounds", bounds, bounds.Pack(fast.SelectMany(c => c == null ? new[] { 1, 0 } : new[] { c.Lo, c.Hi }).ToArray())),
            }).ToArray();
        }

        /// <summary>
        /// The epilogue's packed constants for sums with channels in lanes: the exact form's scales
        /// and biases, and where every row has a single-precision form, its multipliers, addends,
        /// guards and code bounds as floats (lows, highs), which the lanes requantise with at once.
        /// </summary>
        public PackedConstant[] PackLanesEpilogue(double[] biases, FastChannel?[]? fast)
        {
            var exact = PackEpilogue(biases, null);
            if (fast == null || fast.Any(c => c == null))
                return exact;
            var floats = new Float32Vector(Rows);
            return exact.Concat(new[]
            {
                new PackedConstant("multipliers", floats, floats.Pack(fast.Select(c => c!.Multiplier).ToArray())),
                new PackedConstant("addends", floats, floats.Pack(fast.Select(c => c!.Addend).ToArray())),
                new PackedConstant("guards", floats, floats.Pack(fast.Select(c => c!.Guard).ToArray())),
                new PackedConstant("lows", floats, floats.Pack(fast.Select(c => (float)c!.Lo).ToArray())),
                new PackedConstant("highs", floats, floats.Pack(fast.Select(c => (float)c!.Hi).ToArray())),
            }).ToArray();
        }

        /// <summary>
        /// Checks and derives; null with <paramref name="whyNot"/> when the layer does not fit.
        /// <paramref name="weightIndex"/> maps (row, depth index) to the flat index of the weight tensor.
        /// </summary>
        public static Int8Operands? Analyse(Value x, Value w, int rows, int depth, Func<int, int, int> weightIndex, out string whyNot)
        {
            whyNot = "";
            if (x.Quant == null || !x.Quant.IsPerTensor || x.IsConstant)
                return Fail("the input is not a per-tensor quantised activation", out whyNot);
            if (x.Type != ElementType.UInt8 && x.Type != ElementType.Int8 && x.Type != ElementType.UInt4 && x.Type != ElementType.Int4)
                return Fail($"the input is {x.Type.ShortName()}, not an 8- or 4-bit integer", out whyNot);
            if (w.Constant == null || w.Quant == null)
                return Fail("the weight is not a quantised constant", out whyNot);
            if (w.Quant.BlockSize != 0)
                return Fail("the weight is quantised in blocks", out whyNot);
            bool signedInput = x.Type == ElementType.Int8 || x.Type == ElementType.Int4;
            byte flip = signedInput ? (byte)0x80 : (byte)0;
            int zx = x.Quant.ZeroPoint[0] + (signedInput ? 128 : 0);
            if (zx < 0 || zx > MaxCode)
                return Fail($"the input's zero point {x.Quant.ZeroPoint[0]} lies outside its type", out whyNot);

            var centered = new int[rows * depth];
            var scales = new double[rows];
            int channels = w.Quant.Scale.Length;
            for (int r = 0; r < rows; r++)
            {
                int p = channels == 1 ? 0 : r;
                scales[r] = (double)x.Quant.Scale[0] * w.Quant.Scale[p];
                long zw = w.Quant.ZeroPoint[p];
                long magnitude = 0;
                for (int d = 0; d < depth; d++)
                {
                    long c = w.Constant.GetInt64(weightIndex(r, d)) - zw;
                    if (c < sbyte.MinValue || c > sbyte.MaxValue)
                        return Fail($"weight minus zero point is {c} in output channel {r}, outside s8", out whyNot);
                    centered[r * depth + d] = (int)c;
                    magnitude += Math.Abs(c);
                }
                // |Σ x·w| ≤ 255 · Σ|w| and the folded term together must stay inside int32.
                if (magnitude * MaxCode * 2 > int.MaxValue)
                    return Fail($"output channel {r}'s sums could overflow int32 (Σ|w - zw| = {magnitude})", out whyNot);
            }
            return new Int8Operands(centered, rows, depth, flip, zx, scales);
        }

        /// <summary>
        /// Whether every pair of products that <c>vpmaddubsw</c> adds stays inside int16 for any
        /// input codes: for the pairs <paramref name="partner"/> names (depth index to the other
        /// index of its pair, or -1), <c>255 · (w0⁺ + w1⁺) ≤ 32767</c> and <c>255 · (w0⁻ + w1⁻) ≤ 32768</c>.
        /// </summary>
        public bool BytePairsCannotSaturate(Func<int, int> partner)
        {
            for (int r = 0; r < Rows; r++)
                for (int d = 0; d < Depth; d++)
                {
                    int e = partner(d);
                    if (e < d)
                        continue;
                    int w0 = Centered[r * Depth + d], w1 = e < 0 ? 0 : Centered[r * Depth + e];
                    if (MaxCode * (Math.Max(w0, 0) + Math.Max(w1, 0)) > short.MaxValue || MaxCode * (Math.Max(-w0, 0) + Math.Max(-w1, 0)) > -short.MinValue)
                        return false;
                }
            return true;
        }

        /// <summary>The bias of each row as the interpreter adds it, in double: none is 0, a float as is, a quantised one as (b - zp) · s.</summary>
        public static double[] Biases(Value? bias, int rows, double factor)
        {
            var result = new double[rows];
            if (bias?.Constant == null)
                return result;
            var real = Quantization.RealValuesInDouble(bias, bias.Constant);
            for (int r = 0; r < rows; r++)
                result[r] = factor == 1 ? real[real.Length == 1 ? 0 : r] : factor * real[real.Length == 1 ? 0 : r];
            return result;
        }

        /// <summary>
        /// Why a node is not a 2-D Conv the int8 conv kernels can take before its weights are
        /// looked at (a Conv, 2-D, ungrouped unless <paramref name="grouped"/>, no codebook weight, an
        /// output the epilogue writes, a constant bias), or null.
        /// </summary>
        public static string? ConvProblem(Node node, bool grouped)
        {
            if (node.OpType != "Conv")
                return "not a Conv";
            if (node.Inputs[0]!.Rank != 4)
                return "only 2-D convolutions";
            if (!grouped && node.GetInt("group", 1) != 1)
                return "grouped";
            if (node.Inputs[1]!.Codebook != null)
                return "the weight is a codebook";
            var problem = OutputProblem(node.Outputs[0]);
            if (problem != null)
                return problem;
            var b = node.Input(2);
            return b != null && b.Constant == null ? "the bias is not a constant" : null;
        }

        /// <summary>Why the output cannot be written by the kernels' epilogue, or null.</summary>
        public static string? OutputProblem(Value y)
        {
            if (y.Quant == null)
                return y.Type == ElementType.Float32 ? null : $"the output is {y.Type.ShortName()}";
            if (!y.Quant.IsPerTensor)
                return "the output is not quantised per tensor";
            return y.Type == ElementType.UInt8 || y.Type == ElementType.Int8 ? null : $"the quantised output is {y.Type.ShortName()}, not u8 or s8";
        }

        private static Int8Operands? Fail(string why, out string whyNot)
        {
            whyNot = why;
            return null;
        }

        public static bool AllFinite(params float[][] values) => values.All(v => v.All(f => !float.IsNaN(f) && !float.IsInfinity(f)));
    }
}
