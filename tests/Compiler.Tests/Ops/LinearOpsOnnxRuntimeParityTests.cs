using System;
using System.Collections.Generic;
using System.Linq;
using Bitsmith.Compiler.Export;
using Bitsmith.Compiler.Ir;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Xunit;
using static Bitsmith.Compiler.Tests.Ops.OpTestKit;
using Tensor = Bitsmith.Compiler.Ir.Tensor;

namespace Bitsmith.Compiler.Tests.Ops
{
    /// <summary>
    /// The forms ONNX 1.12's test data lacks (opset-21 blocks and int4, com.microsoft int4,
    /// per-column zero points, ties) run by the interpreter and by ONNX Runtime on the same
    /// model; integer results must be equal, float results within float rounding.
    /// </summary>
    public class LinearOpsOnnxRuntimeParityTests
    {
        /// <summary>
        /// Values within <paramref name="steps"/> steps of zero, most of them on half steps of
        /// element i's scale, so rounding ties are exercised (and a few values saturate).
        /// </summary>
        private static float[] Ties(int n, Func<int, float> scaleOf, int steps, int seed)
        {
            var r = new Random(seed);
            return Enumerable.Range(0, n).Select(i => (r.Next(-steps, steps) + (r.Next(4) == 0 ? 0.25f : 0.5f)) * scaleOf(i)).ToArray();
        }

        [Fact]
        public void BlockedInt4QuantizeDequantize()
        {
            var b = new OnnxModelBuilder("blocked", 21);
            b.Input("x", ElementType.Float32, 3, 7);
            b.Initializer("s", F32(new[] { 3, 3 }, 0.5f, 1f, 0.25f, 2f, 0.5f, 1f, 1f, 1f, 4f));
            b.Initializer("z", Of(ElementType.Int4, new[] { 3, 3 }, 0, 1, -1, 2, 0, -3, 7, -8, 0));
            b.NodeWithOutputs("QuantizeLinear", new[] { "x", "s", "z" }, new[] { "q" }, "q", "", ("axis", 1), ("block_size", 3));
            b.NodeWithOutputs("DequantizeLinear", new[] { "q", "s", "z" }, new[] { "r" }, "dq", "", ("axis", 1), ("block_size", 3));
            b.Output("r", ElementType.Float32, 3, 7);
            float[] s = { 0.5f, 1f, 0.25f, 2f, 0.5f, 1f, 1f, 1f, 4f };
            AssertSame(b, "r", ("x", F32(new[] { 3, 7 }, Ties(21, i => s[i / 7 * 3 + i % 7 / 3], 9, 1))));
        }

        [Fact]
        public void BlockedUInt8QuantizeAlongTheFirstAxis()
        {
            var b = new OnnxModelBuilder("blocked8", 21);
            b.Input("x", ElementType.Float32, 5, 2);
            b.Initializer("s", F32(new[] { 2, 2 }, 0.5f, 0.25f, 1f, 2f));
            b.Initializer("z", Of(ElementType.UInt8, new[] { 2, 2 }, 128, 100, 0, 250));
            b.NodeWithOutputs("QuantizeLinear", new[] { "x", "s", "z" }, new[] { "q" }, "q", "", ("axis", 0), ("block_size", 4));
            b.Output("q", ElementType.UInt8, 5, 2);
            float[] s = { 0.5f, 0.25f, 1f, 2f };
            AssertSame(b, "q", ("x", F32(new[] { 5, 2 }, Ties(10, i => s[i / 2 / 4 * 2 + i % 2], 130, 2))));
        }

        [Fact]
        public void UInt4OutputDtypeWithoutZeroPoint()
        {
            var b = new OnnxModelBuilder("u4", 21);
            b.Input("x", ElementType.Float32, 8);
            b.Initializer("s", Tensor.Scalar(0.5f));
            b.NodeWithOutputs("QuantizeLinear", new[] { "x", "s" }, new[] { "q" }, "q", "", ("output_dtype", 21));
            b.NodeWithOutputs("DequantizeLinear", new[] { "q", "s" }, new[] { "r" }, "dq", "");
            b.Output("r", ElementType.Float32, 8);
            AssertSame(b, "r", ("x", F32(new[] { 8 }, -1f, 0.25f, 0.75f, 1.25f, 3.75f, 7.25f, 7.75f, 9f)));
        }

        [Fact]
        public void MicrosoftDomainInt4PerAxis()
        {
            var b = new OnnxModelBuilder("ms", 17).Opset("com.microsoft", 1);
            b.Input("x", ElementType.Float32, 2, 6);
            b.Initializer("s", F32(new[] { 6 }, 0.5f, 0.25f, 1f, 2f, 0.125f, 1f));
            b.Initializer("z", Of(ElementType.Int4, new[] { 6 }, 0, 1, -2, 3, -4, 5));
            b.NodeWithOutputs("QuantizeLinear", new[] { "x", "s", "z" }, new[] { "q" }, "q", "com.microsoft", ("axis", 1));
            b.NodeWithOutputs("DequantizeLinear", new[] { "q", "s", "z" }, new[] { "r" }, "dq", "com.microsoft", ("axis", 1));
            b.Output("r", ElementType.Float32, 2, 6);
            float[] s = { 0.5f, 0.25f, 1f, 2f, 0.125f, 1f };
            AssertSame(b, "r", ("x", F32(new[] { 2, 6 }, Ties(12, i => s[i % 6], 9, 3))));
        }

        [Fact]
        public void MatMulIntegerWithPerColumnZeroPoint()
        {
            var b = new OnnxModelBuilder("mmi", 13);
            b.Input("a", ElementType.UInt8, 2, 3, 4);
            b.Initializer("w", Of(ElementType.Int8, new[] { 4, 5 }, Enumerable.Range(0, 20).Select(i => (long)(i * 37 % 256 - 128)).ToArray()));
            b.Initializer("za", Of(ElementType.UInt8, Array.Empty<int>(), 131));
            b.Initializer("zw", Of(ElementType.Int8, new[] { 5 }, -3, 0, 4, 127, -128));
            b.NodeWithOutputs("MatMulInteger", new[] { "a", "w", "za", "zw" }, new[] { "y" }, "mmi", "");
            b.Output("y", ElementType.Int32, 2, 3, 5);
            var a = Of(ElementType.UInt8, new[] { 2, 3, 4 }, Enumerable.Range(0, 24).Select(i => (long)(i * 53 % 256)).ToArray());
            if (!OnnxRuntimeHost.U8S8MaySaturate)
            {
                AssertSame(b, "y", ("a", a));
                return;
            }
            // ONNX Runtime's byte-pair sums saturate on this CPU for these weights: check the exact integers instead.
            var w = Enumerable.Range(0, 20).Select(i => i * 37 % 256 - 128).ToArray();
            int[] zw = { -3, 0, 4, 127, -128 };
            var y = Run(b, ("a", a))["y"];
            for (int m = 0; m < 6; m++)
                for (int n = 0; n < 5; n++)
                {
                    long sum = 0;
                    for (int k = 0; k < 4; k++)
                        sum += (a.GetInt64(m * 4 + k) - 131) * (w[k * 5 + n] - zw[n]);
                    Assert.Equal(sum, y.GetInt64(m * 5 + n));
                }
        }

        [Fact]
        public void QLinearMatMulWithPerColumnB()
        {
            var b = new OnnxModelBuilder("qlmm", 13);
            b.Input("a", ElementType.Int8, 3, 4);
            b.Initializer("sa", Tensor.Scalar(0.02f));
            b.Initializer("za", Of(ElementType.Int8, Array.Empty<int>(), -5));
            b.Initializer("w", Of(ElementType.Int8, new[] { 4, 3 }, Enumerable.Range(0, 12).Select(i => (long)(i * 71 % 256 - 128)).ToArray()));
            b.Initializer("sw", F32(new[] { 3 }, 0.01f, 0.03f, 0.005f));
            b.Initializer("zw", Of(ElementType.Int8, new[] { 3 }, 0, 0, 0));
            b.Initializer("sy", Tensor.Scalar(0.04f));
            b.Initializer("zy", Of(ElementType.Int8, Array.Empty<int>(), 3));
            b.NodeWithOutputs("QLinearMatMul", new[] { "a", "sa", "za", "w", "sw", "zw", "sy", "zy" }, new[] { "y" }, "qlmm", "");
            b.Output("y", ElementType.Int8, 3, 3);
            var a = Of(ElementType.Int8, new[] { 3, 4 }, Enumerable.Range(0, 12).Select(i => (long)(i * 29 % 256 - 128)).ToArray());
            AssertSame(b, "y", ("a", a));
        }

        [Fact]
        public void GemmWithAllAttributesAndColumnBias()
        {
            var b = new OnnxModelBuilder("gemm", 13);
            b.Input("a", ElementType.Float32, 4, 3);
            b.Initializer("w", F32(new[] { 5, 4 }, Random(20, 21, 1f)));
            b.Initializer("c", F32(new[] { 3, 1 }, Random(3, 22, 1f)));
            b.NodeWithOutputs("Gemm", new[] { "a", "w", "c" }, new[] { "y" }, "gemm", "", ("transA", 1), ("transB", 1), ("alpha", 0.7f), ("beta", -1.5f));
            b.Output("y", ElementType.Float32, 3, 5);
            AssertSame(b, "y", ("a", F32(new[] { 4, 3 }, Random(12, 23, 1f))));
        }

        [Fact]
        public void MatMulBroadcastsBatchesAndPromotesVectors()
        {
            var b = new OnnxModelBuilder("mm", 13);
            b.Input("a", ElementType.Float32, 2, 1, 3, 4);
            b.Initializer("w", F32(new[] { 3, 4, 2 }, Random(24, 31, 1f)));
            b.Initializer("v", F32(new[] { 2 }, 0.5f, -2f));
            string mm = b.Node("MatMul", new[] { "a", "w" });
            b.NodeWithOutputs("MatMul", new[] { mm, "v" }, new[] { "y" }, "mv", "");
            b.Output("y", ElementType.Float32, 2, 3, 3);
            AssertSame(b, "y", ("a", F32(new[] { 2, 1, 3, 4 }, Random(24, 32, 1f))));
        }

        internal static void AssertSame(OnnxModelBuilder b, string output, params (string Name, Tensor Value)[] inputs)
        {
            // ONNX Runtime's MaxPool ignores NaN; ours follows ONNX's reference implementation (MaxPoolNaN). The peer is asked about numbers only.
            Assert.DoesNotContain(inputs, i => i.Value.Type == ElementType.Float32 && i.Value.Floats.Any(float.IsNaN));
            var expected = RunOnnxRuntime(b.ToBytes(), output, inputs);
            var actual = Run(b, inputs)[output];
            Assert.Equal(expected.Type, actual.Type);
            Assert.Equal(expected.Shape, actual.Shape);
            for (int i = 0; i < expected.Length; i++)
            {
                if (expected.Type == ElementType.Float32)
                    Assert.True(Math.Abs(expected.Floats[i] - actual.Floats[i]) <= 1e-6 * (1 + Math.Abs(expected.Floats[i])), $"element {i}: {actual.Floats[i]} vs ONNX Runtime {expected.Floats[i]}");
                else
                    Assert.True(expected.GetInt64(i) == actual.GetInt64(i), $"element {i}: {actual.GetInt64(i)} vs ONNX Runtime {expected.GetInt64(i)}");
            }
        }

        private static Tensor RunOnnxRuntime(byte[] model, string output, (string Name, Tensor Value)[] inputs)
        {
            using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL, IntraOpNumThreads = 1 };
            using var session = new InferenceSession(model, options);
            var feeds = inputs.Select(i => i.Value.Type switch
            {
                ElementType.Float32 => NamedOnnxValue.CreateFromTensor(i.Name, new DenseTensor<float>(i.Value.Floats, i.Value.Shape)),
                ElementType.UInt8 => NamedOnnxValue.CreateFromTensor(i.Name, new DenseTensor<byte>(i.Value.Bytes, i.Value.Shape)),
                ElementType.Int8 => NamedOnnxValue.CreateFromTensor(i.Name, new DenseTensor<sbyte>(i.Value.SBytes, i.Value.Shape)),
                _ => throw new ArgumentException($"no ONNX Runtime feed for {i.Value.Type}"),
            }).ToList();
            using var results = session.Run(feeds, new[] { output });
            var r = results.Single();
            return r.ElementType switch
            {
                TensorElementType.Float => FromOrt(ElementType.Float32, r.AsTensor<float>()),
                TensorElementType.UInt8 => FromOrt(ElementType.UInt8, r.AsTensor<byte>()),
                TensorElementType.Int8 => FromOrt(ElementType.Int8, r.AsTensor<sbyte>()),
                TensorElementType.Int32 => FromOrt(ElementType.Int32, r.AsTensor<int>()),
                _ => throw new ArgumentException($"no conversion of ONNX Runtime's {r.ElementType}"),
            };
        }

        private static Tensor FromOrt<T>(ElementType type, Tensor<T> t) => new Tensor(type, t.Dimensions.ToArray(), t.ToArray());
    }
}
