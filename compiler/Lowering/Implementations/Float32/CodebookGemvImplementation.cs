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
    /// integers on one step per input, so the result is within <c>blocks · step / 2</c> of the
    /// float product (the kernel's rounding bound), not bit-for-bit the interpreter's.
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
            "each block's dot products rounded to 14-bit steps of the input's largest table deviation (at most half a step a block)";

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
            "a 16-bit table of each block's dot products with the centroids, 32 output rows a lookup by their 4-bit codes (vpermw; byte shuffles without AVX-512)";

        public override double EstimatedNanoseconds(Node node)
        {
            long rows = node.Inputs[0]!.Shape[0], groups = K(node) / BlockLength(node), n = N(node);
            long lookups = (n + BlockRows - 1) / BlockRows * (groups + 3) / 4 * 4;
            // ~0.5 ns a lookup of 32 rows with AVX-512 (docs/benchmarks.md, "Packed GEMV": the W1A8 lookup
            // GEMV's rate); the tables twice d multiply-adds and a rounding for each block.
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

        public override long WorkspaceBytes(Node node) => TableBytes(K(node) / BlockLength(node)) + 4L * BlockRows * Blocks(N(node));

        /// <summary>The tables: 32 16-bit entries a block of k, in whole chunks of four, on a 64-byte boundary.</summary>
        private static long TableBytes(int groups) => ((groups + 3) / 4 * 4 * 32 * 2 + 63) / 64 * 64;

        private static int Blocks(int n) => (n + BlockRows - 1) / BlockRows;

        public override void Emit(LayerContext c)
        {
            var a = c.In(0);
            int rows = a.Shape[0], k = a.Shape[1], n = c.Out(0).Shape[1];
            int d = (int)c.Step.Int("block-length"), groups = k / d;
            string M = RuntimeNames.Marshal, L = RuntimeNames.Lookup;
            string tables = c.Local("tables"), acc = c.Local("acc"), codes = c.Local("codes"), centroids = c.Local("centroids"), biases = c.Local("biases");
            string step = c.Local("step"), offset = c.Local("offset");
            c.W.Line($"var {tables} = {M}.Cast<byte, ushort>({c.Workspace}.Slice(0, {CSharp.Int(TableBytes(groups))}));");
            c.W.Line($"var {acc} = {M}.Cast<byte, int>({c.Workspace}.Slice({CSharp.Int(TableBytes(groups))}, {CSharp.Int(4L * BlockRows * Blocks(n))}));");
            c.W.Line($"var {codes} = {c.Packed("codes")};");
            c.W.Line($"var {centroids} = {M}.Cast<byte, float>({c.Packed("centroids")});");
            c.W.Line($"var {biases} = {M}.Cast<byte, float>({c.Packed("biases")});");
            using var loop = Affine.Loop(c, "i", rows);
            string i = loop.Index;
            c.W.Line($"float {step} = {L}.CodebookGemv.BuildTables({c.InName(0)}.Slice({Affine.Term(i, k)}, {k}), {centroids}, {d}, {tables}, out float {offset});");
            c.W.Line($"{L}.LookupGemv.AccumulateSigned({tables}, {codes}, {Blocks(n)}, {acc});");
            c.W.Line($"{L}.CodebookGemv.Finish({acc}, {step}, {offset}, {biases}, {KernelEpilogue.Activation(c.Step.Activation)}, {c.OutName(0)}.Slice({Affine.Term(i, n)}, {n}));");
        }

        public override IEnumerable<PlanAttribute> Lower(Node node) => new[] { PlanAttribute.Of("block-length", BlockLength(node)) };

        private static int BlockLength(Node node) => node.Inputs[1]!.Codebook!.BlockLength;

        private static int K(Node node) => node.Inputs[0]!.Shape[1];

        private static int N(Node node) => node.Inputs[1]!.Shape[0];
    }
}
