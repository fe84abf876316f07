using System;
using System.IO;
using System.Linq;
using Bitsmith.Compiler.Export;
using Bitsmith.Compiler.Ir;

namespace Bitsmith.Samples.DemoModel
{
    /// <summary>
    /// Writes samples/models/demo-qdq-cnn.onnx: a small Fashion-MNIST-shaped CNN in QDQ form
    /// (u8 activations, s8 per-channel conv1, int4 per-channel conv2, s8 classifier), with
    /// seeded random weights. It shows the formats the compiler reads until the training
    /// sample ships a trained model; its outputs are not meaningful predictions.
    /// Usage: dotnet run --project samples/DemoModel -- OUTPUT.onnx
    /// </summary>
    public static class Program
    {
        public static int Main(string[] args)
        {
            string output = args.Length > 0 ? args[0] : Path.Combine("samples", "models", "demo-qdq-cnn.onnx");
            var random = new Random(20261127);
            var b = new OnnxModelBuilder("demo_qdq_cnn", opset: 21);
            b.Input("image", ElementType.Float32, -1, 1, 28, 28);

            string x = QuantizeActivation(b, "image", 1f / 255, "image_q");
            x = ConvLayer(b, random, x, "conv1", inChannels: 1, outChannels: 8, weightType: ElementType.Int8, inputScale: 1f / 255, outputScale: 0.05f);
            x = Requantized(b, b.Node("MaxPool", new[] { x }, ("kernel_shape", new[] { 2, 2 }), ("strides", new[] { 2, 2 })), 0.05f, "pool1_q");
            x = ConvLayer(b, random, x, "conv2", inChannels: 8, outChannels: 16, weightType: ElementType.Int4, inputScale: 0.05f, outputScale: 0.1f);
            x = Requantized(b, b.Node("MaxPool", new[] { x }, ("kernel_shape", new[] { 2, 2 }), ("strides", new[] { 2, 2 })), 0.1f, "pool2_q");
            x = b.Node("Flatten", new[] { x }, ("axis", 1));

            var (wq, ws) = RandomWeights(random, new[] { 10, 16 * 7 * 7 }, ElementType.Int8);
            b.Initializer("fc_w_q", wq);
            b.Initializer("fc_w_scale", new[] { 10 }, ws);
            b.Initializer("fc_w_zp", Tensor.Zeros(ElementType.Int8, new[] { 10 }));
            string w = b.Node("DequantizeLinear", new[] { "fc_w_q", "fc_w_scale", "fc_w_zp" }, ("axis", 0));
            b.Initializer("fc_b", new[] { 10 }, Enumerable.Range(0, 10).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray());
            b.NodeWithOutputs("Gemm", new[] { x, w, "fc_b" }, new[] { "logits" }, "fc", "", ("transB", 1));
            b.Output("logits", ElementType.Float32, -1, 10);

            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
            b.Save(output);
            Console.WriteLine($"wrote {output} ({new FileInfo(output).Length} bytes)");
            return 0;
        }

        /// <summary>Q then DQ of a u8 activation with zero point 0.</summary>
        private static string QuantizeActivation(OnnxModelBuilder b, string x, float scale, string name)
        {
            b.Initializer(name + "_scale", Tensor.Scalar(scale));
            b.Initializer(name + "_zp", Tensor.Zeros(ElementType.UInt8, Array.Empty<int>()));
            string q = b.NodeWithOutputs("QuantizeLinear", new[] { x, name + "_scale", name + "_zp" }, new[] { name }, name, "")[0];
            return b.NodeWithOutputs("DequantizeLinear", new[] { q, name + "_scale", name + "_zp" }, new[] { name + "_dq" }, name + "_dq", "")[0];
        }

        private static string Requantized(OnnxModelBuilder b, string x, float scale, string name) => QuantizeActivation(b, x, scale, name);

        /// <summary>Conv with DQ'd per-channel weights and an s32 bias, then Relu, then a u8 Q/DQ.</summary>
        private static string ConvLayer(OnnxModelBuilder b, Random random, string x, string name, int inChannels, int outChannels, ElementType weightType, float inputScale, float outputScale)
        {
            var (wq, ws) = RandomWeights(random, new[] { outChannels, inChannels, 3, 3 }, weightType);
            b.Initializer(name + "_w_q", wq);
            b.Initializer(name + "_w_scale", new[] { outChannels }, ws);
            b.Initializer(name + "_w_zp", Tensor.Zeros(weightType, new[] { outChannels }));
            string w = b.Node("DequantizeLinear", new[] { name + "_w_q", name + "_w_scale", name + "_w_zp" }, ("axis", 0));

            var bias = new int[outChannels];
            var biasScale = new float[outChannels];
            for (int c = 0; c < outChannels; c++)
            {
                bias[c] = random.Next(-200, 200);
                biasScale[c] = inputScale * ws[c];
            }
            b.Initializer(name + "_b_q", new Tensor(ElementType.Int32, new[] { outChannels }, bias));
            b.Initializer(name + "_b_scale", new[] { outChannels }, biasScale);
            b.Initializer(name + "_b_zp", Tensor.Zeros(ElementType.Int32, new[] { outChannels }));
            string bq = b.Node("DequantizeLinear", new[] { name + "_b_q", name + "_b_scale", name + "_b_zp" }, ("axis", 0));

            string y = b.NodeWithOutputs("Conv", new[] { x, w, bq }, new[] { name }, name, "", ("kernel_shape", new[] { 3, 3 }), ("pads", new[] { 1, 1, 1, 1 }))[0];
            y = b.Node("Relu", new[] { y });
            return QuantizeActivation(b, y, outputScale, name + "_out_q");
        }

        /// <summary>Symmetric weights using the type's whole signed range, one scale per output channel.</summary>
        private static (Tensor Values, float[] Scales) RandomWeights(Random random, int[] shape, ElementType type)
        {
            var t = Tensor.Zeros(type, shape);
            long lo = type.MinValue() + 1, hi = type.MaxValue();
            for (int i = 0; i < t.Length; i++)
                t.SetInt64(i, random.Next((int)lo, (int)hi + 1));
            int fanIn = t.Length / shape[0];
            var scales = Enumerable.Range(0, shape[0]).Select(_ => (float)((0.5 + random.NextDouble()) * 2.0 / (hi * Math.Sqrt(fanIn)))).ToArray();
            return (t, scales);
        }
    }
}
