using System;
using System.IO;
using System.Linq;
using Bitsmith.Compiler.Export;
using Bitsmith.Compiler.Ir;

namespace Bitsmith.Bench
{
    /// <summary>
    /// The benchmark models: seeded QDQ multilayer perceptrons (u8 activations, s8 per-channel
    /// weights, f32 bias, Relu between layers), sized by their weight bytes. Same seed, same file.
    /// </summary>
    public static class BenchModels
    {
        /// <summary>Name, then the layer widths from the input to the 10 logits.</summary>
        public static readonly (string Name, int[] Widths)[] All =
        {
            ("mlp-1mb", new[] { 1024, 1024, 10 }),          // 1,058,816 weight bytes
            ("mlp-20mb", new[] { 4096, 4096, 1024, 10 }),   // 20,981,760 weight bytes
        };

        public static int[] Widths(string name) => All.Single(m => m.Name == name).Widths;

        /// <summary>Writes the model unless an identical one is there (the bytes are a pure function of the name).</summary>
        public static string Write(string directory, string name)
        {
            string path = Path.Combine(directory, name + ".onnx");
            byte[] bytes = Build(name, Widths(name));
            if (!File.Exists(path) || !File.ReadAllBytes(path).AsSpan().SequenceEqual(bytes))
            {
                Directory.CreateDirectory(directory);
                File.WriteAllBytes(path, bytes);
            }
            return path;
        }

        private static byte[] Build(string name, int[] widths)
        {
            var random = new Random(20261201);
            var b = new OnnxModelBuilder(name.Replace('-', '_'), opset: 21);
            b.Input("input", ElementType.Float32, 1, widths[0]);
            string x = QuantizeActivation(b, "input", 1f / 64, "input_q");
            for (int layer = 1; layer < widths.Length; layer++)
            {
                int inputs = widths[layer - 1], outputs = widths[layer];
                string fc = "fc" + layer;
                var weights = new sbyte[outputs * inputs];
                for (int i = 0; i < weights.Length; i++)
                    weights[i] = (sbyte)random.Next(-127, 128);
                b.Initializer(fc + "_w_q", new Tensor(ElementType.Int8, new[] { outputs, inputs }, weights));
                b.Initializer(fc + "_w_scale", new[] { outputs }, Enumerable.Range(0, outputs).Select(_ => (float)((0.5 + random.NextDouble()) * 2.0 / (127 * Math.Sqrt(inputs)))).ToArray());
                b.Initializer(fc + "_w_zp", Tensor.Zeros(ElementType.Int8, new[] { outputs }));
                string w = b.Node("DequantizeLinear", new[] { fc + "_w_q", fc + "_w_scale", fc + "_w_zp" }, ("axis", 0));
                b.Initializer(fc + "_b", new[] { outputs }, Enumerable.Range(0, outputs).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray());
                bool last = layer == widths.Length - 1;
                string y = b.NodeWithOutputs("Gemm", new[] { x, w, fc + "_b" }, new[] { last ? "logits" : fc }, fc, "", ("transB", 1))[0];
                if (!last)
                    x = QuantizeActivation(b, b.Node("Relu", new[] { y }), 1f / 16, fc + "_out_q");
            }
            b.Output("logits", ElementType.Float32, 1, widths[widths.Length - 1]);
            return b.ToBytes();
        }

        /// <summary>Q then DQ of a u8 activation with zero point 0.</summary>
        private static string QuantizeActivation(OnnxModelBuilder b, string x, float scale, string name)
        {
            b.Initializer(name + "_scale", Tensor.Scalar(scale));
            b.Initializer(name + "_zp", Tensor.Zeros(ElementType.UInt8, Array.Empty<int>()));
            string q = b.NodeWithOutputs("QuantizeLinear", new[] { x, name + "_scale", name + "_zp" }, new[] { name }, name, "")[0];
            return b.NodeWithOutputs("DequantizeLinear", new[] { q, name + "_scale", name + "_zp" }, new[] { name + "_dq" }, name + "_dq", "")[0];
        }
    }
}
