using System;
using System.Collections.Generic;
using Bitsmith.Compiler.Emit;
using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Lowering.Implementations.Float32
{
    /// <summary>
    /// A float Gemm (transB = 1) with a product-quantised B of at most 16 centroids on
    /// <c>Runtime.Kernels.Lookup.CodebookGemv</c> ("fast scan"): the codes and centroids kept as they
    /// are (<see cref="Lut16Codes"/>, the centroids coordinate-major), and per row of A a table of
    /// each block's dot products with the centroids, looked up by every output row's codes. One
    /// lookup replaces d multiply-adds, and B streams at 4 bits a block. The tables are 16-bit
    /// integers on one step per chunk of four blocks, so the result is within half a step a block
    /// of the float product (the kernel's rounding bound), not bit-for-bit the interpreter's.
    /// iPQ's blocks must run along k: B stored <c>[n, k]</c> (a Linear layer's weight) with k a
    /// multiple of the block length.
    /// </summary>
    public sealed class CodebookGemvImplementation : LayerImplementation
    {
        private const int BlockRows = Lut16Codes.BlockRows;

        /// <summary>Centroids a table holds: the runtime's <c>CodebookGemv.Centroids</c> (a test checks they agree).</summary>
        public const int Centroids = 16;

        public override string Name => "sgemv_codebook16_lut_32";

        public override string? Approximation =>
            "each block's dot products rounded to steps of 1/8191 of the largest table deviation in its chunk of four blocks (at most half a step a block)";

        public override string? WhyNot(Node node, LayerFacts facts)
        {
            if (node.OpType != "Gemm")
                return "not a Gemm (a MatMul's B is [k, n]: iPQ's blocks would run along the outputs)";
            Value a = node.Inputs[0]!, b = node.Inputs[1]!;
            var c = node.Input(2);
            var problem = Float32Operands.Problem(node, a, b, c);
            if (problem != null)
                return problem;
            var book = b.Codebook;
            if (book == null)
                return "B is not a codebook (iPQ) weight";
            if (book.Centroids > Centroids)
                return $"the codebook has {book.Centroids} centroids; the lookup tables hold {Centroids}";
            if (a.Rank != 2 || b.Rank != 2)
                return "A and B must be matrices";
            if (node.GetInt("transA", 0) != 0)
                return "transA = 1";
            if (node.GetInt("transB", 0) == 0)
                return "transB = 0: B is [k, n], so iPQ's blocks run along the outputs, not along k";
            if (node.GetFloat("alpha", 1f) != 1f)
                return "alpha is not 1";
            if (K(node) % book.BlockLength != 0)
                return $"k = {K(node)} is not a multiple of the block length {book.BlockLength} (blocks would straddle rows of B)";
            if (c != null && Shape.Size(c.Shape) != 1 && !(c.Shape[c.Rank - 1] == N(node) && Shape.Size(c.Shape) == N(node)))
                return "C varies along the rows (the epilogue adds one bias value per output column)";
            return null;
        }

        public override string Describe(Node node) =>
            $"f32 matrix-vector product with a {node.Inputs[1]!.Codebook!.Centroids}-centroid codebook B (d = {BlockLength(node)}) by table lookup: per row of A, " +
            "a 16-bit table of each block's dot products with the centroids (one step per four blocks), 32 output rows a lookup by their 4-bit codes (vpermw; byte shuffles without AVX-512)";

        public override double EstimatedNanoseconds(Node node)
        {
            long rows = node.Inputs[0]!.Shape[0], groups = K(node) / BlockLength(node), n = N(node);
            long lookups = (n + BlockRows - 1) / BlockRows * (groups + 3) / 4 * 4;
            // ~0.5 ns a lookup of 32 rows with AVX-512 (docs/benchmarks.md, "Codebook GEMV": about the W1A8
            // lookup GEMV's rate, its chunks scaled in float); the tables d multiply-adds, deviations and a rounding a block.
            return rows * (lookups * 0.5 + groups * (2 * BlockLength(node) + 8) * 0.3 + n * 0.1) + 50;
        }

        public override bool ReplacesInput(Node node, int input) => input == 1 || input == 2;

        public override IReadOnlyList<PackedConstant> Pack(Node node)
        {
            var book = node.Inputs[1]!.Codebook!;
            int n = N(node), d = book.BlockLength, groups = K(node) / d;
            var codes = new int[n * groups];
            for (int blockIndex = 0; blockIndex < codes.Length; blockIndex++)
            {
                long code = book.Indices.GetInt64(blockIndex);
                codes[blockIndex] = (int)(code < 0 ? code + book.Centroids : code);
            }
            // Coordinate-major [d][16], zeros past the last centroid.
            var stored = book.Codebook.Floats;
            var centroids = new float[d * Centroids];
            for (int k = 0; k < book.Centroids; k++)
                for (int i = 0; i < d; i++)
                    centroids[i * Centroids + k] = stored[k * d + i];
            var biases = Float32Operands.ColumnBiases(node, n, Blocks(n) * BlockRows);
            var codeLayout = new Lut16Codes(n, groups);
            var centroidLayout = new Float32Vector(centroids.Length);
            var biasLayout = new Float32Vector(biases.Length);
            return new[]
            {
                new PackedConstant("codes", codeLayout, codeLayout.Pack(codes)),
                new PackedConstant("centroids", centroidLayout, centroidLayout.Pack(centroids)),
                new PackedConstant("biases", biasLayout, biasLayout.Pack(biases)),
            };
        }

        public override long WorkspaceBytes(Node node) => SharedBytes(K(node) / BlockLength(node)) + AccumulatorBytes(N(node));

        /// <summary>The tables: 32 16-bit entries a block of k, in whole chunks of four (a multiple of 64 bytes).</summary>
        private static long TableBytes(int groups) => (groups + 3) / 4 * 4 * 32 * 2;

        /// <summary>One step per chunk of four blocks, on a 64-byte boundary.</summary>
        private static long StepBytes(int groups) => ((groups + 3) / 4 * 4L + 63) / 64 * 64;

        /// <summary>What the tiles share: the tables, their steps, then the offset (a float on its own 64 bytes).</summary>
        private static long SharedBytes(int groups) => TableBytes(groups) + StepBytes(groups) + 64;

        private static long AccumulatorBytes(int n) => 4L * BlockRows * Blocks(n);

        private static int Blocks(int n) => (n + BlockRows - 1) / BlockRows;

        /// <summary>One row of A: its tables are built once, and tiles of 32 output rows (a block of codes) run on any thread.</summary>
        public override TileSplit? Split(LayerContext c)
        {
            int rows = c.In(0).Shape[0], groups = c.In(0).Shape[1] / (int)c.Step.Int("block-length"), n = c.Out(0).Shape[1];
            return rows == 1 ? new TileSplit(Blocks(n), SharedBytes(groups), AccumulatorBytes(n)) : null;
        }

        public override void Emit(LayerContext c)
        {
            var a = c.In(0);
            int rows = a.Shape[0], k = a.Shape[1], n = c.Out(0).Shape[1];
            int d = (int)c.Step.Int("block-length"), groups = k / d;
            bool tiled = rows == 1;
            string M = RuntimeNames.Marshal, L = RuntimeNames.Lookup;
            string tables = c.Local("tables"), steps = c.Local("steps"), offset = c.Local("offset");
            long stepsAt = TableBytes(groups), offsetAt = stepsAt + StepBytes(groups);
            c.W.Line($"var {tables} = {M}.Cast<byte, ushort>({c.Workspace}.Slice(0, {CSharp.Int(TableBytes(groups))}));");
            c.W.Line($"var {steps} = {M}.Cast<byte, float>({c.Workspace}.Slice({CSharp.Int(stepsAt)}, {CSharp.Int(4L * ((groups + 3) / 4))}));");
            c.W.Line($"var {offset} = {M}.Cast<byte, float>({c.Workspace}.Slice({CSharp.Int(offsetAt)}, 4));");
            string centroids = c.Local("centroids");
            // The tables of one row of A, their steps and offset kept for the tiles.
            void BuildTables(string row) =>
                c.W.Line($"{offset}[0] = {L}.CodebookGemv.BuildTables({row}, {centroids}, {d}, {tables}, {steps});");
            if (c.Part != LayerPart.Tiles)
                c.W.Line($"var {centroids} = {M}.Cast<byte, float>({c.Packed("centroids")});");
            if (c.EmitsPrologue && tiled)
            {
                BuildTables(c.InName(0));
                if (!c.EmitsTiles)
                    return;
            }

            string acc = c.Local("acc"), codes = c.Local("codes"), biases = c.Local("biases"), act = KernelEpilogue.Activation(c.Step.Activation);
            c.W.Line($"var {acc} = {M}.Cast<byte, float>({(tiled ? c.TileWorkspace : $"{c.Workspace}.Slice({CSharp.Int(SharedBytes(groups))})")});");
            c.W.Line($"var {codes} = {c.Packed("codes")};");
            c.W.Line($"var {biases} = {M}.Cast<byte, float>({c.Packed("biases")});");
            if (c.Part == LayerPart.Tiles)
            {
                // Tiles [start, end) are blocks of codes, output rows [n0, n1).
                string n0 = c.Local("n0"), n1 = c.Local("n1");
                c.W.Line($"int {n0} = {c.TileStart} * {BlockRows}, {n1} = {RuntimeNames.Math}.Min({c.TileEnd} * {BlockRows}, {n});");
                c.W.Line($"{L}.CodebookGemv.Accumulate({tables}, {steps}, {codes}.Slice({c.TileStart} * {CSharp.Int(CodeBlockBytes(groups))}), {c.TileEnd} - {c.TileStart}, {acc});");
                c.W.Line($"{L}.CodebookGemv.Finish({acc}, {offset}[0], {biases}.Slice({n0}), {act}, {c.OutName(0)}.Slice({n0}, {n1} - {n0}));");
                return;
            }
            using var loop = Affine.Loop(c, "i", rows);
            string i = loop.Index;
            if (!tiled)
                BuildTables($"{c.InName(0)}.Slice({Affine.Term(i, k)}, {k})");
            c.W.Line($"{L}.CodebookGemv.Accumulate({tables}, {steps}, {codes}, {Blocks(n)}, {acc});");
            c.W.Line($"{L}.CodebookGemv.Finish({acc}, {offset}[0], {biases}, {act}, {c.OutName(0)}.Slice({Affine.Term(i, n)}, {n}));");
        }

        /// <summary>Bytes of one block of codes (32 rows, whole chunks of four blocks of k).</summary>
        private static int CodeBlockBytes(int groups) => (groups + 3) / 4 * BlockRows * 2;

        public override IEnumerable<PlanAttribute> Lower(Node node) => new[] { PlanAttribute.Of("block-length", BlockLength(node)) };

        private static int BlockLength(Node node) => node.Inputs[1]!.Codebook!.BlockLength;

        private static int K(Node node) => node.Inputs[0]!.Shape[1];

        private static int N(Node node) => node.Inputs[1]!.Shape[0];
    }
}
