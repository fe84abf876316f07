using System;
using System.IO;
using System.Linq;
using Bitsmith.Compiler.Export;
using Bitsmith.Compiler.Ir;

namespace Bitsmith.Bench
{
    /// <summary>
    /// One-layer models for the kernel benchmarks (docs/benchmarks.md). Int8 QDQ, u8 in and u8
    /// out so that ONNX Runtime runs one QLinearConv and Bitsmith one kernel: a dense 3x3 conv
    /// 64→64 on 56x56 and a depthwise 3x3 conv of 96 channels on 48x48, both padded, stride 1;
    /// weights seeded and within ±63 (7 bits, as ONNX Runtime's quantiser's reduce_range makes
    /// them), per-channel scales, f32 bias, Relu. Float (layers left in f32): a Gemm of 256 rows
    /// by 256x256 weights with a bias, and the same 3x3 conv 64→64 on 56x56 with Relu, seeded
    /// Gaussian weights. Written by
    /// <c>dotnet run --project bench/Bitsmith.Bench -c Release -- layers bench/models/layers</c>.
    /// </summary>
    public static class LayerModels
    {
        public static int Write(string directory)
        {
            Directory.CreateDirectory(directory);
            File.WriteAllBytes(Path.Combine(directory, "conv3x3-64-56.onnx"), Conv("conv3x3_64_56", 64, 64, 56, group: 1));
            File.WriteAllBytes(Path.Combine(directory, "dwconv3x3-96-48.onnx"), Conv("dwconv3x3_96_48", 96, 96, 48, group: 96));
            File.WriteAllBytes(Path.Combine(directory, "gemm-f32-256.onnx"), FloatGemm("gemm_f32_256", 256));
            File.WriteAllBytes(Path.Combine(directory, "conv3x3-f32-64-56.onnx"), FloatConv("conv3x3_f32_64_56", 64, 56));
            foreach (var (activationBits, weightBits) in new[] { (8, 8), (1, 1), (2, 2) })
                File.WriteAllBytes(Path.Combine(directory, $"conv3x3-w{weightBits}a{activationBits}-64-56.onnx"), NarrowConv($"conv3x3_w{weightBits}a{activationBits}_64_56", activationBits, weightBits, withConv: true));
            File.WriteAllBytes(Path.Combine(directory, "clip-quantize-64-56.onnx"), NarrowConv("clip_quantize_64_56", 1, 1, withConv: false));
            Console.WriteLine($"wrote the layer models to {directory}");
            return 0;
        }

        private static byte[] Conv(string name, int channels, int filters, int size, int group)
        {
            var random = new Random(20261204);
            var b = new OnnxModelBuilder(name, opset: 21);
            b.Input("x", ElementType.UInt8, 1, channels, size, size);
            b.Initializer("x_scale", Tensor.Scalar(1f / 64));
            b.Initializer("x_zp", new Tensor(ElementType.UInt8, Array.Empty<int>(), new byte[] { 3 }));
            string x = b.Node("DequantizeLinear", new[] { "x", "x_scale", "x_zp" });
            int perFilter = channels / group * 9;
            var weights = new sbyte[filters * perFilter];
            for (int i = 0; i < weights.Length; i++)
                weights[i] = (sbyte)Math.Clamp((int)Math.Round(Gaussian(random) * 24), -63, 63);
            b.Initializer("w_q", new Tensor(ElementType.Int8, new[] { filters, channels / group, 3, 3 }, weights));
            b.Initializer("w_scale", new[] { filters }, Enumerable.Range(0, filters).Select(_ => (float)((0.5 + random.NextDouble()) / (24 * Math.Sqrt(perFilter)))).ToArray());
            b.Initializer("w_zp", Tensor.Zeros(ElementType.Int8, new[] { filters }));
            string w = b.Node("DequantizeLinear", new[] { "w_q", "w_scale", "w_zp" }, ("axis", 0));
            b.Initializer("bias", new[] { filters }, Enumerable.Range(0, filters).Select(_ => (float)(random.NextDouble() - 0.5) * 0.1f).ToArray());
            string y = b.Node("Conv", new[] { x, w, "bias" }, ("pads", new long[] { 1, 1, 1, 1 }), ("group", (long)group));
            string relu = b.Node("Relu", new[] { y });
            b.Initializer("y_scale", Tensor.Scalar(1f / 32));
            b.Initializer("y_zp", Tensor.Zeros(ElementType.UInt8, Array.Empty<int>()));
            b.NodeWithOutputs("QuantizeLinear", new[] { relu, "y_scale", "y_zp" }, new[] { "y" }, "y_q", "");
            b.Output("y", ElementType.UInt8, 1, filters, size, size);
            return b.ToBytes();
        }

        /// <summary>
        /// The 3x3 conv 64→64 on 56x56 (pads 1, bias, Relu, u8 out) at low widths, as QAT exports
        /// them: a float input clipped to <c>2^bits - 1</c> steps and quantised (the clamp is what
        /// proves the codes narrow), weights of <paramref name="weightBits"/> bits ({-1, +1} at 1 bit,
        /// the signed range at more), per-channel scales. At 8 and 8 the same layer in int8, so the
        /// files differ only in their widths. Without the conv: the clip and quantiser alone, whose
        /// time the benchmark subtracts to give the conv's.
        /// </summary>
        private static byte[] NarrowConv(string name, int activationBits, int weightBits, bool withConv)
        {
            const int channels = 64, size = 56;
            var random = new Random(20261207);
            var b = new OnnxModelBuilder(name, opset: 21);
            b.Input("x", ElementType.Float32, 1, channels, size, size);
            float step = 1f / 64;
            b.Initializer("lo", Tensor.Scalar(0f));
            b.Initializer("hi", Tensor.Scalar(((1 << activationBits) - 1) * step));
            string clipped = b.Node("Clip", new[] { "x", "lo", "hi" });
            b.Initializer("x_scale", Tensor.Scalar(step));
            b.Initializer("x_zp", Tensor.Zeros(ElementType.UInt8, Array.Empty<int>()));
            if (!withConv)
            {
                b.NodeWithOutputs("QuantizeLinear", new[] { clipped, "x_scale", "x_zp" }, new[] { "y" }, "x_q", "");
                b.Output("y", ElementType.UInt8, 1, channels, size, size);
                return b.ToBytes();
            }
            string x = b.Node("DequantizeLinear", new[] { b.Node("QuantizeLinear", new[] { clipped, "x_scale", "x_zp" }), "x_scale", "x_zp" });
            int perFilter = channels * 9, half = 1 << (weightBits - 1);
            var weights = new sbyte[channels * perFilter];
            for (int i = 0; i < weights.Length; i++)
                weights[i] = (sbyte)(weightBits == 1 ? (random.Next(2) == 0 ? -1 : 1)
                    : weightBits == 8 ? Math.Clamp((int)Math.Round(Gaussian(random) * 24), -63, 63)
                    : random.Next(-half, half));
            b.Initializer("w_q", new Tensor(ElementType.Int8, new[] { channels, channels, 3, 3 }, weights));
            b.Initializer("w_scale", new[] { channels }, Enumerable.Range(0, channels).Select(_ => (float)((0.5 + random.NextDouble()) / (half * Math.Sqrt(perFilter)))).ToArray());
            b.Initializer("w_zp", Tensor.Zeros(ElementType.Int8, new[] { channels }));
            string w = b.Node("DequantizeLinear", new[] { "w_q", "w_scale", "w_zp" }, ("axis", 0));
            b.Initializer("bias", new[] { channels }, Enumerable.Range(0, channels).Select(_ => (float)(random.NextDouble() - 0.5) * 0.1f).ToArray());
            string y = b.Node("Conv", new[] { x, w, "bias" }, ("pads", new long[] { 1, 1, 1, 1 }));
            string relu = b.Node("Relu", new[] { y });
            b.Initializer("y_scale", Tensor.Scalar(1f / 32));
            b.Initializer("y_zp", Tensor.Zeros(ElementType.UInt8, Array.Empty<int>()));
            b.NodeWithOutputs("QuantizeLinear", new[] { relu, "y_scale", "y_zp" }, new[] { "y" }, "y_q", "");
            b.Output("y", ElementType.UInt8, 1, channels, size, size);
            return b.ToBytes();
        }

        /// <summary>Y = X · B + C, X [size, size] in, B [size, size] and C [size] seeded.</summary>
        private static byte[] FloatGemm(string name, int size)
        {
            var random = new Random(20261205);
            var b = new OnnxModelBuilder(name, opset: 21);
            b.Input("x", ElementType.Float32, size, size);
            b.Initializer("b", new[] { size, size }, Enumerable.Range(0, size * size).Select(_ => (float)(Gaussian(random) / Math.Sqrt(size))).ToArray());
            b.Initializer("c", new[] { size }, Enumerable.Range(0, size).Select(_ => (float)(random.NextDouble() - 0.5) * 0.1f).ToArray());
            b.NodeWithOutputs("Gemm", new[] { "x", "b", "c" }, new[] { "y" }, "gemm", "");
            b.Output("y", ElementType.Float32, size, size);
            return b.ToBytes();
        }

        /// <summary>A padded 3x3 conv, stride 1, channels → channels on size x size, bias, Relu.</summary>
        private static byte[] FloatConv(string name, int channels, int size)
        {
            var random = new Random(20261205);
            var b = new OnnxModelBuilder(name, opset: 21);
            b.Input("x", ElementType.Float32, 1, channels, size, size);
            b.Initializer("w", new[] { channels, channels, 3, 3 }, Enumerable.Range(0, channels * channels * 9).Select(_ => (float)(Gaussian(random) / Math.Sqrt(channels * 9))).ToArray());
            b.Initializer("bias", new[] { channels }, Enumerable.Range(0, channels).Select(_ => (float)(random.NextDouble() - 0.5) * 0.1f).ToArray());
            string y = b.Node("Conv", new[] { "x", "w", "bias" }, ("pads", new long[] { 1, 1, 1, 1 }));
            b.NodeWithOutputs("Relu", new[] { y }, new[] { "y" }, "relu", "");
            b.Output("y", ElementType.Float32, 1, channels, size, size);
            return b.ToBytes();
        }

        private static double Gaussian(Random random) =>
            Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
    }
}
