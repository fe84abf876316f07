using System;
using System.Collections.Generic;
using System.Linq;
using Bitsmith.Compiler.Emit;
using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Lowering.Implementations.Int8
{
    /// <summary>
    /// A quantised one-row Gemm or MatMul with a constant B on <c>Runtime.Kernels.BitSerial.BitSerialGemv</c>
    /// (AND-popcount over bit-planes), for weights and activations the compiler proves narrow.
    /// With <c>c = w - zw</c>, each row's weights become unsigned codes <c>w' = c - m_r</c>
    /// (<c>m_r</c> the row's smallest c) of <c>bitsW</c> bits, checked against every constant
    /// weight; the activations become <c>a' = a - lo</c> of <c>bitsA</c> bits, from the width
    /// <see cref="QuantParams.Bits"/> the front end proved (a clamp before the quantiser, a pool of
    /// narrow codes), else the whole type (lo = 0 for u8, -128 for s8). Then
    /// <c>Σ(a - za)(w - zw) = Σ a'·w' + m_r · Σ a' - (za - lo) · Σ c</c>: the kernel gives the
    /// first term, the activation sum is counted from the planes once per call, the last term is
    /// the packed per-row offset, all in wrapping int32 whose true total fits (<see cref="Int8Operands"/>
    /// proves it), so the int8 GEMV's exact epilogue gets the same sums it would.
    /// </summary>
    public sealed class QGemvBitSerialImplementation : LayerImplementation
    {
        private const string BitSerial = RuntimeNames.Kernels + ".BitSerial";

        public override string Name => "qgemv_bitserial_popcount";

        private sealed record Widths(int WeightBits, int ActivationBits, int CodeOffset);

        public override string? WhyNot(Node node, LayerFacts facts)
        {
            var problem = QGemvImplementation.ShapeProblem(node);
            if (problem != null)
                return problem;
            if (node.Inputs[0]!.Shape[0] != 1)
                return "A has more than one row";
            return Analyse(node, out _, out string whyNot) == null ? whyNot : null;
        }

        public override string Describe(Node node)
        {
            var widths = Analyse(node, out _, out _)!;
            string proof = widths.ActivationBits == node.Inputs[0]!.Type.Bits() ? " (the activation's width is not proven narrower than its type)" : "";
            return $"bit-serial matrix-vector product W{widths.WeightBits}A{widths.ActivationBits}, {widths.WeightBits * widths.ActivationBits} AND-popcount plane pairs per row{proof}";
        }

        public override double EstimatedNanoseconds(Node node)
        {
            var widths = Analyse(node, out _, out _)!;
            long k = QGemvImplementation.K(node), n = QGemvImplementation.N(node);
            // Measured at 4096x4096: W1A1 4.8x faster than the int8 GEMV, whose estimate there is its
            // stream of B (K·N/20 ns), so one plane pair costs K·N/96 ns; 4 pairs (W2A2) and 16 (W4A4)
            // then give 1.2x faster and 3.3x slower, as measured (1.25x, 3.2x). Packing A, counting
            // its sum and the per-row terms are small.
            return widths.WeightBits * widths.ActivationBits * (k * n / 96.0) + widths.ActivationBits * k / 16.0 + n * 0.6 + 150;
        }

        public override IEnumerable<PlanAttribute> Lower(Node node)
        {
            var widths = Analyse(node, out _, out string why) ?? throw node.Error("internal: " + why);
            return new[]
            {
                PlanAttribute.Of("weight-bits", widths.WeightBits),
                PlanAttribute.Of("activation-bits", widths.ActivationBits),
                PlanAttribute.Of("code-offset", widths.CodeOffset),
            };
        }

        public override bool ReplacesInput(Node node, int input) => input == 1 || input == 2;

        public override IReadOnlyList<PackedConstant> Pack(Node node)
        {
            var widths = Analyse(node, out var ops, out string why) ?? throw node.Error("internal: " + why);
            int n = ops!.Rows, k = ops.Depth;
            var mins = RowMinima(ops);
            var codes = new int[n * k];
            var offsets = new int[n];
            int zero = node.Inputs[0]!.Quant!.ZeroPoint[0] - widths.CodeOffset;
            for (int r = 0; r < n; r++)
            {
                for (int d = 0; d < k; d++)
                    codes[r * k + d] = ops.Centered[r * k + d] - mins[r];
                offsets[r] = unchecked((int)(-zero * ops.RowSum(r)));
            }
            var planes = new BitPlanes(n, k, widths.WeightBits);
            var ints = new Int32Vector(n);
            var doubles = new Float64Vector(n);
            return new[]
            {
                new PackedConstant("weights", planes, planes.Pack(codes)),
                new PackedConstant("minima", ints, ints.Pack(mins)),
                new PackedConstant("offsets", ints, ints.Pack(offsets)),
                new PackedConstant("scales", doubles, doubles.Pack(ops.Scales)),
                new PackedConstant("biases", doubles, doubles.Pack(QGemvImplementation.Biases(node))),
            };
        }

        /// <summary>The activation planes, the sums, and the codes <c>a - lo</c> where they differ from A's bytes.</summary>
        public override long WorkspaceBytes(Node node)
        {
            var (bits, offset) = ActivationWidth(node.Inputs[0]!);
            int k = QGemvImplementation.K(node);
            return PlaneBytes(k, bits) + 4L * QGemvImplementation.N(node) + (offset != 0 ? k : 0);
        }

        public override void Emit(LayerContext c)
        {
            var a = c.In(0);
            int k = a.Shape[1], n = c.Out(0).Shape[1], words = (k + 63) / 64;
            int bitsW = (int)c.Step.Int("weight-bits"), bitsA = (int)c.Step.Int("activation-bits"), lo = (int)c.Step.Int("code-offset");
            string M = RuntimeNames.Marshal;
            string planes = c.Local("planes"), acc = c.Local("acc"), sum = c.Local("sum");
            long planeBytes = PlaneBytes(k, bitsA);
            c.W.Line($"var {planes} = {M}.Cast<byte, ulong>({c.Workspace}.Slice(0, {CSharp.Int(planeBytes)}));");
            c.W.Line($"var {acc} = {M}.Cast<byte, int>({c.Workspace}.Slice({CSharp.Int(planeBytes)}, {CSharp.Int(4L * n)}));");
            // Codes from 0 are A's bytes as they are (an s8 A proven non-negative included).
            string codes = a.Type == ElementType.UInt8 ? c.InName(0) : $"{M}.Cast<sbyte, byte>({c.InName(0)})";
            if (lo != 0)
            {
                // The kernel takes unsigned codes from 0: shift A's by its proven lower bound.
                codes = c.Local("codes");
                string i = c.Local("i");
                c.W.Line($"var {codes} = {c.Workspace}.Slice({CSharp.Int(planeBytes + 4L * n)}, {k});");
                c.W.Line($"for (int {i} = 0; {i} < {k}; {i}++) {codes}[{i}] = unchecked((byte)({c.InName(0)}[{i}] - ({lo})));");
            }
            c.W.Line($"{BitSerial}.ActivationPlanes.Pack({codes}, {bitsA}, {planes});");
            c.W.Line($"{BitSerial}.BitSerialGemv.Multiply({planes}, {bitsA}, {M}.Cast<byte, ulong>({c.Packed("weights")}), {bitsW}, {k}, {acc});");
            // Σ a' from the planes: bit j of every code weighs 2^j.
            string j = c.Local("j"), t = c.Local("t"), r = c.Local("r");
            c.W.Line($"int {sum} = 0;");
            c.W.Line($"for (int {j} = 0; {j} < {bitsA}; {j}++) for (int {t} = 0; {t} < {words}; {t}++) {sum} += global::System.Numerics.BitOperations.PopCount({planes}[{j} * {words} + {t}]) << {j};");
            string minima = c.Local("minima"), offsets = c.Local("offsets"), scales = c.Local("scales"), biases = c.Local("biases");
            c.W.Line($"var {minima} = {M}.Cast<byte, int>({c.Packed("minima")});");
            c.W.Line($"var {offsets} = {M}.Cast<byte, int>({c.Packed("offsets")});");
            c.W.Line($"var {scales} = {M}.Cast<byte, double>({c.Packed("scales")});");
            c.W.Line($"var {biases} = {M}.Cast<byte, double>({c.Packed("biases")});");
            // Wrapping adds: a partial sum may leave int32, the total the epilogue forms does not.
            c.W.Line($"for (int {r} = 0; {r} < {n}; {r}++) {acc}[{r}] = unchecked({acc}[{r}] + {minima}[{r}] * {sum});");
            c.W.Line(KernelEpilogue.Call("Lanes", c.Out(0), c.Step.Activation, acc, offsets, scales, biases, $"{c.OutName(0)}.Slice(0, {n})"));
        }

        private static long PlaneBytes(int k, int bits) => 8L * bits * ((k + 63) / 64);

        /// <summary>The activation's proven code width and the lower bound lo its codes are shifted by, so <c>a - lo</c> lies in [0, 2^bits).</summary>
        internal static (int Bits, int Offset) ActivationWidth(Value x)
        {
            int full = x.Type.Bits(), bits = x.Quant!.Bits is >= 1 and < 8 ? x.Quant.Bits : full;
            if (x.Type == ElementType.UInt8)
                return (bits, 0);
            // Signed codes of a narrower proven width lie in [zp - 2^(bits-1), zp + 2^(bits-1) - 1] (QuantBits).
            return bits == full ? (bits, (int)x.Type.MinValue()) : (bits, x.Quant.ZeroPoint[0] - (1 << (bits - 1)));
        }

        private static int[] RowMinima(Int8Operands ops)
        {
            var mins = new int[ops.Rows];
            for (int r = 0; r < ops.Rows; r++)
                mins[r] = new ArraySegment<int>(ops.Centered, r * ops.Depth, ops.Depth).Min();
            return mins;
        }

        private static Widths? Analyse(Node node, out Int8Operands? ops, out string whyNot)
        {
            var x = node.Inputs[0]!;
            ops = null;
            if (x.Type != ElementType.UInt8 && x.Type != ElementType.Int8)
            {
                whyNot = $"the input is {x.Type.ShortName()}, not u8 or s8";
                return null;
            }
            ops = QGemvImplementation.Operands(node, out whyNot);
            if (ops == null)
                return null;
            var (bitsA, offset) = ActivationWidth(x);
            var mins = RowMinima(ops);
            int span = 0;
            for (int r = 0; r < ops.Rows; r++)
                for (int d = 0; d < ops.Depth; d++)
                    span = Math.Max(span, ops.Centered[r * ops.Depth + d] - mins[r]);
            int bitsW = 1;
            while (span >> bitsW != 0)
                bitsW++;
            // The kernel's own bound on its unsigned sums (it throws past it).
            if ((long)ops.Depth * ((1 << bitsA) - 1) * ((1 << bitsW) - 1) > int.MaxValue)
            {
                whyNot = $"K = {ops.Depth} at W{bitsW}A{bitsA} can exceed int32 in the kernel";
                return null;
            }
            return new Widths(bitsW, bitsA, offset);
        }
    }
}
