using System;
using System.Linq;
using Bitsmith.Compiler.Export;
using Bitsmith.Compiler.Ir;
using static Bitsmith.Compiler.Tests.Passes.PassTestKit;

namespace Bitsmith.Compiler.Tests.Passes
{
    /// <summary>Whole QDQ models as quantisers write them, for the pipeline tests.</summary>
    internal static class QdqModels
    {
        public const float InputScale = 2f / 255;
        public const float ActivationScale = 0.05f;
        public const float OutputScale = 0.05f;
        public const int Batch = 4;
        public const int Classes = 5;

        /// <summary>
        /// x [4,2,8,8] → Q/DQ u8 → Conv(DQ(w per channel), DQ(s32 bias)) → Relu → Q/DQ u8 → MaxPool
        /// → Q/DQ → Flatten → Gemm(DQ(w per channel), transB) → Q/DQ u8 → y_dq [4,5]. Weights are
        /// <paramref name="weightType"/>; with <paramref name="microsoft"/> the Q/DQ nodes are ONNX
        /// Runtime's com.microsoft ones (int4 before opset 21).
        /// </summary>
        public static OnnxModelBuilder Cnn(ElementType weightType, int opset, bool microsoft = false)
        {
            var b = new OnnxModelBuilder("qdq_cnn", opset);
            string domain = microsoft ? "com.microsoft" : "";
            if (microsoft)
                b.Opset("com.microsoft", 1);
            var random = new Random(7);
            b.Input("x", ElementType.Float32, Batch, 2, 8, 8);

            string x = QdqActivation(b, "x", "x_q", InputScale, 128, domain);
            var (w1, s1) = Weights(b, random, "conv_w", new[] { 4, 2, 3, 3 }, weightType, domain);
            var bias = new Tensor(ElementType.Int32, new[] { 4 }, Enumerable.Range(0, 4).Select(_ => random.Next(-500, 500)).ToArray());
            b.Initializer("conv_b", bias);
            b.Initializer("conv_b_scale", Tensor.FromFloats(new[] { 4 }, s1.Select(s => s * InputScale).ToArray()));
            b.Initializer("conv_b_zp", Tensor.Zeros(ElementType.Int32, new[] { 4 }));
            string b1 = b.NodeWithOutputs("DequantizeLinear", new[] { "conv_b", "conv_b_scale", "conv_b_zp" }, new[] { "conv_b_dq" }, "conv_b_dq", domain, ("axis", 0))[0];
            string conv = b.NodeWithOutputs("Conv", new[] { x, w1, b1 }, new[] { "conv" }, "conv", "", ("pads", new[] { 1, 1, 1, 1 }))[0];
            string relu = b.Node("Relu", new[] { conv });
            string a1 = QdqActivation(b, relu, "conv_q", ActivationScale, 0, domain);
            string pool = b.NodeWithOutputs("MaxPool", new[] { a1 }, new[] { "pool" }, "pool", "", ("kernel_shape", new[] { 2, 2 }), ("strides", new[] { 2, 2 }))[0];
            string a2 = QdqActivation(b, pool, "pool_q", ActivationScale, 0, domain);
            string flat = b.NodeWithOutputs("Flatten", new[] { a2 }, new[] { "flat" }, "flat", "")[0];
            var (w2, _) = Weights(b, random, "fc_w", new[] { Classes, 4 * 4 * 4 }, weightType, domain, fanIn: 64);
            b.Initializer("fc_b", Tensor.FromFloats(new[] { Classes }, Enumerable.Range(0, Classes).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray()));
            string fc = b.NodeWithOutputs("Gemm", new[] { flat, w2, "fc_b" }, new[] { "fc" }, "fc", "", ("transB", 1))[0];
            b.Output(QdqActivation(b, fc, "y", OutputScale, 128, domain), ElementType.Float32, Batch, Classes);
            return b;
        }

        /// <summary>Q then DQ of an activation to u8; returns the DQ output.</summary>
        public static string QdqActivation(OnnxModelBuilder b, string x, string name, float scale, byte zeroPoint, string domain = "")
        {
            b.Initializer(name + "_scale", Tensor.Scalar(scale));
            b.Initializer(name + "_zp", new Tensor(ElementType.UInt8, Array.Empty<int>(), new[] { zeroPoint }));
            string q = b.NodeWithOutputs("QuantizeLinear", new[] { x, name + "_scale", name + "_zp" }, new[] { name }, name, domain)[0];
            return b.NodeWithOutputs("DequantizeLinear", new[] { q, name + "_scale", name + "_zp" }, new[] { name + "_dq" }, name + "_dq", domain)[0];
        }

        /// <summary>Symmetric integer weights over the type's range, one scale per output channel (axis 0), and their DQ.</summary>
        public static (string Output, float[] Scales) Weights(OnnxModelBuilder b, Random random, string name, int[] shape, ElementType type, string domain = "", int fanIn = 18)
        {
            var w = Tensor.Zeros(type, shape);
            long hi = type.MaxValue();
            for (int i = 0; i < w.Length; i++)
                w.SetInt64(i, random.Next((int)-hi, (int)hi + 1));
            var scales = Enumerable.Range(0, shape[0]).Select(_ => (float)((0.5 + random.NextDouble()) * 1.5 / (hi * Math.Sqrt(fanIn)))).ToArray();
            b.Initializer(name, w);
            b.Initializer(name + "_scale", Tensor.FromFloats(new[] { shape[0] }, scales));
            b.Initializer(name + "_zp", Tensor.Zeros(type, new[] { shape[0] }));
            string dq = b.NodeWithOutputs("DequantizeLinear", new[] { name, name + "_scale", name + "_zp" }, new[] { name + "_dq" }, name + "_dq", domain, ("axis", 0))[0];
            return (dq, scales);
        }
    }
}
