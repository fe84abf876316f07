using System;
using System.Linq;
using Bitsmith.Compiler.Export;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Ops;
using Xunit;
using static Bitsmith.Compiler.Tests.Ops.OpTestKit;

namespace Bitsmith.Compiler.Tests.Ops
{
    /// <summary>
    /// The quantised forms of Gemm and MatMul (operands carrying <see cref="Value.Quant"/>, as the
    /// QDQ pass leaves them) against the float computation of the same model in QDQ form:
    /// DequantizeLinear of every operand, the float op, QuantizeLinear of the result. The exact
    /// integer sum may differ from the float one by rounding only.
    /// </summary>
    public class QuantizedFormTests
    {
        private const int M = 3, K = 10, N = 4;

        private static readonly float[] X = Random(M * K, 11, 2f);

        private static readonly QuantParams XParams = new QuantParams(new[] { 4f / 255 }, new[] { 128 }, 0, 0, 8);

        private static readonly QuantParams YParams = new QuantParams(new[] { 0.05f }, new[] { 100 }, 0, 0, 8);

        /// <summary>Symmetric s8 parameters for <paramref name="w"/>: one scale per index of <paramref name="axis"/>.</summary>
        private static QuantParams PerChannel(float[] w, int[] shape, int axis)
        {
            int channels = shape[axis];
            var max = new float[channels];
            for (int i = 0; i < w.Length; i++)
            {
                int c = Quantization.ParamIndex(new QuantParams(new float[channels], new int[channels], axis, 0, 8), shape, i);
                max[c] = Math.Max(max[c], Math.Abs(w[i]));
            }
            return new QuantParams(max.Select(m => m / 127).ToArray(), new int[channels], axis, 0, 8);
        }

        private static Value Quantized(string name, ElementType type, int[] shape, QuantParams p, Tensor? constant = null) =>
            new Value(name, type, shape) { Quant = p, Constant = constant };

        private static void AddParams(OnnxModelBuilder b, string prefix, QuantParams p, ElementType zpType, int[]? shape = null)
        {
            int[] s = shape ?? (p.Scale.Length == 1 ? Array.Empty<int>() : new[] { p.Scale.Length });
            b.Initializer(prefix + "_s", F32(s, p.Scale));
            b.Initializer(prefix + "_z", Of(zpType, s, p.ZeroPoint.Select(z => (long)z).ToArray()));
        }

        private static string Dequantize(OnnxModelBuilder b, string input, string prefix, int axis, int blockSize = 0)
        {
            var attributes = blockSize > 0 ? new (string, object)[] { ("axis", axis), ("block_size", blockSize) } : new (string, object)[] { ("axis", axis) };
            return b.NodeWithOutputs("DequantizeLinear", new[] { input, prefix + "_s", prefix + "_z" }, new[] { input + "_real" }, "dq_" + input, "", attributes)[0];
        }

        private static void AssertWithinOneStep(Tensor expected, Tensor actual)
        {
            Assert.Equal(expected.Type, actual.Type);
            Assert.Equal(expected.Shape, actual.Shape);
            long[] e = Ints(expected), a = Ints(actual);
            for (int i = 0; i < e.Length; i++)
                Assert.InRange(a[i], e[i] - 1, e[i] + 1);
            Assert.True(e.Zip(a, (p, q) => p == q).Count(x => x) >= e.Length * 9 / 10, "most elements must agree exactly");
        }

        private static void AssertClose(float[] expected, float[] actual)
        {
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++)
                Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5 * (1 + Math.Abs(expected[i])), $"element {i}: {actual[i]} vs {expected[i]}");
        }

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public void PerChannelGemmMatchesItsQdqGraph(bool quantizedOutput)
        {
            // W is [N, K] with transB = 1: its output channel is axis 0. The bias is s32 with scale sx·sw[n].
            int[] wShape = { N, K };
            float[] w = Random(N * K, 12, 0.5f), bias = Random(N, 13, 1f);
            var wp = PerChannel(w, wShape, 0);
            var wq = Quantization.Quantize(w, wShape, ElementType.Int8, wp);
            var bp = new QuantParams(wp.Scale.Select(s => XParams.Scale[0] * s).ToArray(), new int[N], 0, 0, 32);
            var bq = Quantization.Quantize(bias, new[] { N }, ElementType.Int32, bp);

            var b = new OnnxModelBuilder("qdq_gemm", 13);
            b.Input("x", ElementType.Float32, M, K);
            AddParams(b, "x", XParams, ElementType.UInt8);
            AddParams(b, "w", wp, ElementType.Int8);
            AddParams(b, "b", bp, ElementType.Int32);
            AddParams(b, "y", YParams, ElementType.UInt8);
            b.Initializer("w", wq);
            b.Initializer("b", bq);
            b.NodeWithOutputs("QuantizeLinear", new[] { "x", "x_s", "x_z" }, new[] { "xq" }, "qx", "");
            string gemm = b.NodeWithOutputs("Gemm", new[] { Dequantize(b, "xq", "x", 1), Dequantize(b, "w", "w", 0), Dequantize(b, "b", "b", 0) }, new[] { "yf" }, "gemm", "", ("transB", 1))[0];
            b.NodeWithOutputs("QuantizeLinear", new[] { gemm, "y_s", "y_z" }, new[] { "yq" }, "qy", "");
            b.Output("yf", ElementType.Float32, M, N);
            b.Output("yq", ElementType.UInt8, M, N);
            var reference = Run(b, ("x", F32(new[] { M, K }, X)));

            var node = Node("Gemm", 13, new[]
            {
                Quantized("xq", ElementType.UInt8, new[] { M, K }, XParams),
                Quantized("w", ElementType.Int8, wShape, wp, wq),
                Quantized("b", ElementType.Int32, new[] { N }, bp, bq),
            }, quantizedOutput ? Quantized("y", ElementType.UInt8, Array.Empty<int>(), YParams) : new Value("y", ElementType.Float32, Array.Empty<int>()));
            node.Attributes["transB"] = Ir.Attribute.Int(1);
            var y = Evaluate(node, Quantization.Quantize(X, new[] { M, K }, ElementType.UInt8, XParams));

            if (quantizedOutput)
                AssertWithinOneStep(reference["yq"], y);
            else
                AssertClose(reference["yf"].Floats, y.Floats);
        }

        [Fact]
        public void PerColumnBatchedMatMulWithFusedReluMatchesItsQdqGraph()
        {
            // B is [K, N]: its output column is the last axis. A is batched [2, M, K].
            int[] aShape = { 2, M, K }, wShape = { K, N };
            float[] a = Random(2 * M * K, 14, 2f), w = Random(K * N, 15, 0.5f);
            var wp = PerChannel(w, wShape, 1);
            var wq = Quantization.Quantize(w, wShape, ElementType.Int8, wp);

            var b = new OnnxModelBuilder("qdq_matmul", 13);
            b.Input("x", ElementType.Float32, aShape);
            AddParams(b, "x", XParams, ElementType.UInt8);
            AddParams(b, "w", wp, ElementType.Int8);
            AddParams(b, "y", YParams, ElementType.UInt8);
            b.Initializer("w", wq);
            b.NodeWithOutputs("QuantizeLinear", new[] { "x", "x_s", "x_z" }, new[] { "xq" }, "qx", "");
            string mm = b.NodeWithOutputs("MatMul", new[] { Dequantize(b, "xq", "x", 1), Dequantize(b, "w", "w", 1) }, new[] { "mm" }, "mm", "")[0];
            b.NodeWithOutputs("Relu", new[] { mm }, new[] { "yf" }, "relu", "");
            b.NodeWithOutputs("QuantizeLinear", new[] { "yf", "y_s", "y_z" }, new[] { "yq" }, "qy", "");
            b.Output("yq", ElementType.UInt8, 2, M, N);
            var reference = Run(b, ("x", F32(aShape, a)));

            var node = Node("MatMul", 13, new[]
            {
                Quantized("xq", ElementType.UInt8, aShape, XParams),
                Quantized("w", ElementType.Int8, wShape, wp, wq),
            }, Quantized("y", ElementType.UInt8, Array.Empty<int>(), YParams));
            node.Activation = new FusedActivation(ActivationKind.Relu);
            var y = Evaluate(node, Quantization.Quantize(a, aShape, ElementType.UInt8, XParams));
            AssertWithinOneStep(reference["yq"], y);
        }

        [Fact]
        public void BlockedInt4MatMulMatchesItsQdqGraph()
        {
            // B is int4 [K, N] with blocks of 4 along K (the last block has 2 rows): one integer sum per block.
            const int block = 4, blocks = (K + block - 1) / block;
            int[] wShape = { K, N }, sShape = { blocks, N };
            float[] w = Random(K * N, 16, 0.5f);
            var scales = Enumerable.Range(0, blocks * N).Select(i => 0.02f + 0.01f * (i % 5)).ToArray();
            var zeros = Enumerable.Range(0, blocks * N).Select(i => i % 3 - 1).ToArray();
            var wp = new QuantParams(scales, zeros, 0, block, 4);
            var wq = Quantization.Quantize(w, wShape, ElementType.Int4, wp);
            var ap = new QuantParams(new[] { 0.03f }, new[] { -3 }, 0, 0, 8);

            var b = new OnnxModelBuilder("qdq_blocked", 21);
            b.Input("x", ElementType.Int8, M, K);
            AddParams(b, "x", ap, ElementType.Int8);
            AddParams(b, "w", wp, ElementType.Int4, sShape);
            b.Initializer("w", wq);
            b.NodeWithOutputs("MatMul", new[] { Dequantize(b, "x", "x", 1), Dequantize(b, "w", "w", 0, block) }, new[] { "y" }, "mm", "");
            b.Output("y", ElementType.Float32, M, N);
            var xq = Quantization.Quantize(X, new[] { M, K }, ElementType.Int8, ap);
            var reference = Run(b, ("x", xq));

            var node = Node("MatMul", 21, new[]
            {
                Quantized("x", ElementType.Int8, new[] { M, K }, ap),
                Quantized("w", ElementType.Int4, wShape, wp, wq),
            }, new Value("y", ElementType.Float32, Array.Empty<int>()));
            AssertClose(reference["y"].Floats, Evaluate(node, xq).Floats);
        }

        [Fact]
        public void FloatInputWithQuantizedWeightUsesRealValues()
        {
            int[] wShape = { K, N };
            float[] w = Random(K * N, 17, 0.5f);
            var wp = PerChannel(w, wShape, 1);
            var wq = Quantization.Quantize(w, wShape, ElementType.Int8, wp);
            var node = Node("MatMul", 13, new[] { Constant("x", F32(new[] { M, K }, X)), Quantized("w", ElementType.Int8, wShape, wp, wq) }, new Value("y", ElementType.Float32, Array.Empty<int>()));
            var plain = Node("MatMul", 13, new[] { Constant("x", F32(new[] { M, K }, X)), Constant("w", F32(wShape, Quantization.Dequantize(wq, wp))) }, new Value("y", ElementType.Float32, Array.Empty<int>()));
            Assert.Equal(Evaluate(plain).Floats, Evaluate(node).Floats);
        }

        [Fact]
        public void QuantizedOperandOfANonQuantizedTypeIsRejected()
        {
            var node = Node("MatMul", 13, new[]
            {
                Quantized("x", ElementType.Int32, new[] { M, K }, XParams),
                Constant("w", Tensor.Zeros(ElementType.Float32, new[] { K, N })),
            }, new Value("y", ElementType.Float32, Array.Empty<int>()));
            var e = Assert.Throws<ModelException>(() => Evaluate(node, Tensor.Zeros(ElementType.Int32, new[] { M, K })));
            Assert.Contains("quantised input A", e.Problem);
        }
    }
}
