using System;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Ops;
using Xunit;
using static Bitsmith.Compiler.Tests.Ops.ConvPoolTestKit;

namespace Bitsmith.Compiler.Tests.Ops
{
    /// <summary>
    /// Conv's quantised form (after the QDQ pass) against the float Conv of the dequantised
    /// operands, which is what the DQ → Conv → Q graph it replaces computes.
    /// </summary>
    public class QuantizedConvTests
    {
        private const int M = 6;

        [Theory]
        [InlineData(ElementType.UInt8, 1, false, "none")]
        [InlineData(ElementType.Int8, 1, true, "f32")]
        [InlineData(ElementType.UInt4, 2, true, "s32")]
        [InlineData(ElementType.Int4, 3, false, "s32")]
        [InlineData(ElementType.Int8, 6, true, "s32")]
        public void IntegerFormMatchesFloatConvOfDequantisedValues(ElementType xType, int group, bool perChannel, string bias)
        {
            var (node, floatNode, inputs, floatInputs) = Build(xType, group, perChannel, bias);
            float[] quantized = Run(node, inputs)[0].Floats;
            float[] reference = Run(floatNode, floatInputs)[0].Floats;
            Assert.Equal(reference.Length, quantized.Length);
            for (int i = 0; i < reference.Length; i++)
                Assert.True(Math.Abs(quantized[i] - reference[i]) <= 1e-4f * (1 + Math.Abs(reference[i])), $"element {i}: {quantized[i]} vs {reference[i]}");
        }

        [Fact]
        public void QuantisedOutputAppliesTheFusedActivationBeforeQuantising()
        {
            var (node, _, inputs, _) = Build(ElementType.UInt8, 2, true, "s32");
            float[] real = Run(node, inputs)[0].Floats;

            var (quantNode, _, quantInputs, _) = Build(ElementType.UInt8, 2, true, "s32");
            var yq = PerTensor(0.05f, 20);
            quantNode.Outputs[0].Quant = yq;
            quantNode.Outputs[0].Type = ElementType.UInt8;
            quantNode.Activation = new FusedActivation(ActivationKind.Relu);
            var y = Run(quantNode, quantInputs)[0];

            Assert.Equal(ElementType.UInt8, y.Type);
            var expected = Quantization.Quantize(Array.ConvertAll(real, v => Math.Max(0, v)), y.Shape, ElementType.UInt8, yq);
            Assert.Equal(expected.Bytes, y.Bytes);
            Assert.Contains(y.Bytes, b => b == 20); // the Relu clamped something to the zero point
            Assert.Contains(y.Bytes, b => b > 20);
        }

        [Fact]
        public void FloatConvAppliesTheFusedActivation()
        {
            var xt = F32(new[] { 1, 1, 3 }, -1, 2, 10);
            var wt = F32(new[] { 1, 1, 1 }, 1);
            var node = Node("Conv", 13, new Value?[] { In("x", xt), Const("w", wt) });
            node.Activation = new FusedActivation(ActivationKind.Clip, 0, 6);
            Assert.Equal(new float[] { 0, 2, 6 }, Run(node, xt, wt)[0].Floats);
        }

        [Fact]
        public void BlockedWeightIsRejected()
        {
            var (node, _, _, _) = Build(ElementType.UInt8, 1, true, "none");
            var w = node.Inputs[1]!;
            w.Quant = new QuantParams(new float[M * 2], new int[M * 2], 0, 2, 8);
            Assert.Contains("per output channel", Assert.Throws<ModelException>(() => Infer(node)).Message);
        }

        [Fact]
        public void PerChannelInputIsRejected()
        {
            var (node, _, _, _) = Build(ElementType.UInt8, 1, false, "none");
            var x = node.Inputs[0]!;
            x.Quant = new QuantParams(new[] { 0.1f, 0.2f, 0.1f, 0.2f, 0.1f, 0.2f }, new int[6], 1, 0, 8);
            Assert.Contains("per-tensor", Assert.Throws<ModelException>(() => Infer(node)).Message);
        }

        [Fact]
        public void QuantisedWeightMustBeConstant()
        {
            var (node, _, _, _) = Build(ElementType.UInt8, 1, false, "none");
            var w = node.Inputs[1]!;
            node.Inputs[1] = In("w_dynamic", w.Constant!, w.Quant);
            Assert.Contains("must be a constant", Assert.Throws<ModelException>(() => Infer(node)).Message);
        }

        /// <summary>
        /// A quantised Conv over X [2, 6, 5, 4] (pads, stride 2 on one axis, dilation 2 on the
        /// other) and the float Conv over the same operands dequantised.
        /// </summary>
        private static (Node Quantized, Node Float, Tensor?[] Inputs, Tensor?[] FloatInputs) Build(ElementType xType, int group, bool perChannel, string bias)
        {
            int c = 6, cg = c / group;
            bool signed = xType == ElementType.Int8 || xType == ElementType.Int4;
            bool four = xType == ElementType.UInt4 || xType == ElementType.Int4;
            int lo = (int)xType.MinValue(), hi = (int)xType.MaxValue();
            var xq = PerTensor(0.03f, signed ? -1 : (four ? 7 : 120), four ? 4 : 8);
            var xt = RandomInts(xType, new[] { 2, c, 5, 4 }, lo, hi, seed: 1);

            var wType = four ? ElementType.Int4 : ElementType.Int8;
            var wt = RandomInts(wType, new[] { M, cg, 3, 2 }, (int)wType.MinValue(), (int)wType.MaxValue(), seed: 2);
            var wScales = new float[M];
            var wZeros = new int[M];
            for (int m = 0; m < M; m++)
            {
                wScales[m] = perChannel ? 0.01f * (m + 1) : 0.02f;
                wZeros[m] = perChannel ? m % 3 - 1 : 1;
            }
            var wq = perChannel ? new QuantParams(wScales, wZeros, 0, 0, four ? 4 : 8) : PerTensor(0.02f, 1, four ? 4 : 8);

            var x = In("x", xt, xq);
            var w = Const("w", wt, wq);
            Value? b = null;
            Tensor? bt = null;
            if (bias == "f32")
            {
                bt = F32(new[] { M }, 0.5f, -0.25f, 1, 0, -2, 0.125f);
                b = Const("b", bt);
            }
            else if (bias == "s32")
            {
                bt = new Tensor(ElementType.Int32, new[] { M }, new[] { 100, -250, 7, 0, 3000, -1 });
                var bScales = new float[M];
                for (int m = 0; m < M; m++)
                    bScales[m] = xq.Scale[0] * wq.Scale[wq.IsPerTensor ? 0 : m];
                b = Const("b", bt, new QuantParams(bScales, new int[M], 0, 0, 32));
            }
            var attributes = new (string, object)[]
            {
                ("group", group), ("pads", new long[] { 1, 0, 2, 1 }), ("strides", new long[] { 2, 1 }), ("dilations", new long[] { 1, 2 }),
            };
            var node = Node("Conv", 13, new[] { x, w, b }, attributes);

            var xf = Quantization.Dequantize(xt, xq);
            var wf = Quantization.Dequantize(wt, wq);
            float[]? bf = bt == null ? null : b!.Quant != null ? Quantization.Dequantize(bt, b.Quant) : bt.Floats;
            var floatX = F32(xt.Shape, xf);
            var floatW = F32(wt.Shape, wf);
            var floatB = bf == null ? null : F32(new[] { M }, bf);
            var floatNode = Node("Conv", 13, new[] { In("xf", floatX), Const("wf", floatW), floatB == null ? null : Const("bf", floatB) }, attributes);
            return (node, floatNode, new[] { xt, wt, bt }, new[] { floatX, floatW, floatB });
        }
    }
}
