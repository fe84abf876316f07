using Bitsmith.Compiler.Export;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Passes;
using Xunit;
using static Bitsmith.Compiler.Tests.Passes.PassTestKit;

namespace Bitsmith.Compiler.Tests.Passes
{
    public class CodebookRecognitionTests
    {
        /// <summary>A [K, d] codebook, indices picking one centroid per block of d weights, reshaped to <paramref name="weightShape"/>.</summary>
        private static string Codebook(OnnxModelBuilder b, int k, int d, int[] weightShape, int seed, bool int32Indices = false)
        {
            RandomInitializer(b, "book", new[] { k, d }, seed);
            int blocks = Shape.Size(weightShape) / d;
            var codes = RandomInts(int32Indices ? ElementType.Int32 : ElementType.Int64, new[] { blocks }, seed + 1, -k, k - 1);
            b.Initializer("codes", codes);
            b.Initializer("wshape", Tensor.FromInt64s(new[] { weightShape.Length }, System.Array.ConvertAll(weightShape, x => (long)x)));
            string gathered = b.Node("Gather", new[] { "book", "codes" }, ("axis", 0));
            return b.NodeWithOutputs("Reshape", new[] { gathered, "wshape" }, new[] { "w" }, "w", "")[0];
        }

        [Fact]
        public void ConvWeightBecomesACodebookValue()
        {
            var b = new OnnxModelBuilder("codebook_conv");
            b.Input("x", ElementType.Float32, 1, 4, 5, 5);
            string w = Codebook(b, k: 8, d: 4, new[] { 6, 4, 3, 3 }, seed: 1);
            b.NodeWithOutputs("Conv", new[] { "x", w }, new[] { "y" }, "conv", "");
            b.Output("y", ElementType.Float32, 1, 6, 3, 3);

            var (before, after) = BeforeAndAfter(b);
            Assert.Equal(new[] { "Conv" }, OpTypes(after));
            var weight = after.Nodes[0].Inputs[1]!;
            Assert.Equal("w", weight.Name);
            Assert.Null(weight.Constant);
            Assert.Equal(8, weight.Codebook!.Centroids);
            Assert.Equal(4, weight.Codebook.BlockLength);
            Assert.Contains("%w: f32[6,4,3,3] codebook(K=8, d=4, 54 codes)", IrPrinter.Print(after));
            AssertSameFloats(before, after, ("x", RandomFloats(new[] { 1, 4, 5, 5 }, seed: 2)));
        }

        [Theory]
        [InlineData("MatMul", false)]
        [InlineData("Gemm", true)]
        public void MatrixWeightBecomesACodebookValue(string op, bool int32Indices)
        {
            var b = new OnnxModelBuilder("codebook_" + op);
            b.Input("x", ElementType.Float32, 3, 8);
            string w = Codebook(b, k: 16, d: 2, new[] { 8, 6 }, seed: 3, int32Indices);
            b.NodeWithOutputs(op, new[] { "x", w }, new[] { "y" }, "mm", "");
            b.Output("y", ElementType.Float32, 3, 6);

            var (before, after) = BeforeAndAfter(b, new CodebookRecognition());
            Assert.Equal(new[] { op }, OpTypes(after));
            Assert.NotNull(after.Nodes[0].Inputs[1]!.Codebook);
            AssertSameFloats(before, after, ("x", RandomFloats(new[] { 3, 8 }, seed: 4)));
        }

        [Fact]
        public void AWeightAlsoReadAsDataIsLeftAsGatherAndReshape()
        {
            var b = new OnnxModelBuilder("codebook_shared");
            b.Input("x", ElementType.Float32, 8, 8);
            string w = Codebook(b, k: 4, d: 4, new[] { 8, 8 }, seed: 5);
            string product = b.Node("MatMul", new[] { "x", w });
            b.NodeWithOutputs("Add", new[] { product, w }, new[] { "y" }, "add", "");
            b.Output("y", ElementType.Float32, 8, 8);

            var g = Apply(ImportModel(b), new CodebookRecognition());
            Assert.Equal(new[] { "Gather", "Reshape", "MatMul", "Add" }, OpTypes(g));
        }

        [Fact]
        public void AGatherAlongAnotherAxisIsNotACodebook()
        {
            var b = new OnnxModelBuilder("gather_axis1");
            b.Input("x", ElementType.Float32, 3, 8);
            RandomInitializer(b, "book", new[] { 8, 4 }, seed: 6);
            b.Initializer("codes", Tensor.FromInt64s(new[] { 2, 2 }, new long[] { 0, 1, 2, 3 }));
            b.Initializer("wshape", Tensor.FromInt64s(new[] { 2 }, new long[] { 8, 4 }));
            string gathered = b.Node("Gather", new[] { "book", "codes" }, ("axis", 1));
            string w = b.Node("Reshape", new[] { gathered, "wshape" });
            b.NodeWithOutputs("MatMul", new[] { "x", w }, new[] { "y" }, "mm", "");
            b.Output("y", ElementType.Float32, 3, 4);

            var g = Apply(ImportModel(b), new CodebookRecognition());
            Assert.Equal(new[] { "Gather", "Reshape", "MatMul" }, OpTypes(g));
        }
    }
}
