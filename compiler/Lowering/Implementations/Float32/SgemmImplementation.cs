using System;
using System.Collections.Generic;
using System.Linq;
using Bitsmith.Compiler.Emit;
using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Lowering.Implementations.Float32
{
    /// <summary>
    /// A float Gemm (transA = 0, any transB, alpha and beta) or MatMul with a constant matrix B on
    /// <c>Runtime.Kernels.Float32.Sgemm</c>: B (times alpha) packed at build time in panels of 32
    /// columns (<see cref="F32Panels"/>), the bias (beta · C, one value per output column) stored
    /// beside it, and one call computing every row of A with the activation in its epilogue.
    /// A MatMul's leading axes of A are rows. A Gemm whose C varies along the rows is left to
    /// the loop forms: the epilogue adds one value per column.
    /// </summary>
    public sealed class SgemmImplementation : LayerImplementation
    {
        /// <summary>Columns of a panel of B: the runtime's <c>Sgemm.PanelWidth</c> (a test checks they agree).</summary>
        public const int PanelWidth = 32;

        public override string Name => "sgemm_f32_8x32";

        public override string? WhyNot(Node node, LayerFacts facts)
        {
            if (node.OpType != "Gemm" && node.OpType != "MatMul")
                return "not a Gemm or MatMul";
            Value a = node.Inputs[0]!, b = node.Inputs[1]!;
            var c = node.OpType == "Gemm" ? node.Input(2) : null;
            var problem = Float32Operands.Problem(node, a, b, c);
            if (problem != null)
                return problem;
            if (b.Rank != 2)
                return "B is not a matrix";
            if (node.OpType == "Gemm" && node.GetInt("transA", 0) != 0)
                return "transA = 1 (the rows of A would be strided)";
            if (c != null && Shape.Size(c.Shape) != 1 && !(c.Shape[c.Rank - 1] == N(node) && Shape.Size(c.Shape) == N(node)))
                return "C varies along the rows (the epilogue adds one bias value per output column)";
            return null;
        }

        public override string Describe(Node node) =>
            "f32 GEMM, B packed in 32-column panels at build time, register tiles of 8 rows x 32 columns (512-bit; 4 x 16 at 256, 4 x 8 at 128), depth blocks of 256, bias and activation in the epilogue";

        public override double EstimatedNanoseconds(Node node)
        {
            long k = K(node), n = N(node), rows = Rows(node);
            long paddedColumns = (n + PanelWidth - 1) / PanelWidth * PanelWidth;
            // Measured on one core here: ~100 G MAC/s in tiles of 4 or 8 rows, ~35 for single rows; B streamed at ~20 GB/s once beyond the caches.
            double compute = (rows - rows % 4) * paddedColumns * k / 80.0 + rows % 4 * paddedColumns * k / 30.0;
            double stream = 4.0 * k * paddedColumns / 20;
            return Math.Max(compute, stream) + rows * n * 0.05 + 50;
        }

        public override bool ReplacesInput(Node node, int input) => input == 1 || input == 2;

        public override IReadOnlyList<PackedConstant> Pack(Node node)
        {
            Value b = node.Inputs[1]!;
            int k = K(node), n = N(node);
            bool transB = node.OpType == "Gemm" && node.GetInt("transB", 0) != 0;
            double alpha = node.OpType == "Gemm" ? node.GetFloat("alpha", 1f) : 1;
            var stored = b.ConstantValues().Floats;
            // B' as [k, n] with alpha folded in (rounded once to float, as the product would be).
            var matrix = new float[k * n];
            for (int p = 0; p < k; p++)
                for (int j = 0; j < n; j++)
                {
                    float v = stored[transB ? j * k + p : p * n + j];
                    matrix[p * n + j] = alpha == 1 ? v : (float)(alpha * v);
                }
            var panels = new F32Panels(k, n, PanelWidth);
            var biases = Float32Operands.ColumnBiases(node, n, panels.Panels * PanelWidth);
            var biasLayout = new Float32Vector(biases.Length);
            return new[]
            {
                new PackedConstant("weights", panels, panels.Pack(matrix)),
                new PackedConstant("biases", biasLayout, biasLayout.Pack(biases)),
            };
        }

        /// <summary>Tiles of one panel of B (<see cref="PanelWidth"/> output columns), on any thread; no workspace.</summary>
        public override TileSplit? Split(LayerContext c)
        {
            int[] y = c.OutShape(0);
            return new TileSplit((y[y.Length - 1] + PanelWidth - 1) / PanelWidth, 0, 0);
        }

        public override void Emit(LayerContext c)
        {
            if (!c.EmitsTiles)
                return;
            int k = c.InShape(0)[c.InShape(0).Length - 1];
            int[] y = c.OutShape(0);
            int n = y[y.Length - 1], rows = Shape.Size(y) / n;
            string M = RuntimeNames.Marshal, F = RuntimeNames.Float32;
            string weights = c.Local("weights"), biases = c.Local("biases");
            c.W.Line($"var {weights} = {M}.Cast<byte, float>({c.Packed("weights")});");
            c.W.Line($"var {biases} = {M}.Cast<byte, float>({c.Packed("biases")});");
            string b = weights, bias = biases, output = c.OutName(0), columns = CSharp.Int(n);
            if (c.Part == LayerPart.Tiles)
            {
                // Tiles [start, end) are output columns [j0, j1).
                string j0 = c.Local("j0"), j1 = c.Local("j1");
                c.W.Line($"int {j0} = {c.TileStart} * {PanelWidth}, {j1} = {RuntimeNames.Math}.Min({c.TileEnd} * {PanelWidth}, {n});");
                b = $"{weights}.Slice({c.TileStart} * {CSharp.Int((long)PanelWidth * k)})";
                bias = $"{biases}.Slice({j0})";
                output = $"{c.OutName(0)}.Slice({j0})";
                columns = $"{j1} - {j0}";
            }
            c.W.Line($"{F}.Sgemm.Multiply<{F}.BiasPerColumn, {KernelEpilogue.ActivationType(c.Step.Activation)}>(a: {c.InName(0)}, lda: {k}, rows: {rows}, depth: {k}, " +
                $"b: {b}, ldb: {PanelWidth}, panelStride: {CSharp.Int((long)PanelWidth * k)}, columns: {columns}, bias: {bias}, act: {KernelEpilogue.Activation(c.Step.Activation)}, c: {output}, ldc: {n});");
        }

        private static int K(Node node) => node.Inputs[0]!.Shape[node.Inputs[0]!.Rank - 1];

        private static int N(Node node)
        {
            var b = node.Inputs[1]!;
            return node.OpType == "Gemm" && node.GetInt("transB", 0) != 0 ? b.Shape[0] : b.Shape[1];
        }

        /// <summary>Rows of A: every axis of the output but the last (a vector A is one row).</summary>
        private static int Rows(Node node) => Shape.Size(node.Outputs[0].Shape) / Math.Max(1, N(node));
    }
}
