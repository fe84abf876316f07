using System;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Ops;
using Xunit;

namespace Bitsmith.Compiler.Tests.Ops
{
    /// <summary>Sigmoid, Tanh, LeakyRelu, HardSigmoid, HardSwish, Clip and Softmax beyond ONNX's tests: old opsets, integer Clip, bad models.</summary>
    public class ActivationTests
    {
        private static readonly float[] Xs = { -7f, -2.5f, -0.5f, 0f, 0.5f, 2.5f, 7f };

        private static Tensor X => Tensor.FromFloats(new[] { Xs.Length }, Xs);

        private static void AssertClose(double expected, float actual) =>
            Assert.True(Math.Abs(actual - expected) <= 1e-6 * Math.Max(1, Math.Abs(expected)), $"{actual} != {expected}");

        [Theory]
        [InlineData("Sigmoid", 6)]
        [InlineData("Sigmoid", 1)]
        [InlineData("Tanh", 13)]
        [InlineData("LeakyRelu", 16)]
        [InlineData("HardSigmoid", 6)]
        [InlineData("HardSwish", 14)]
        public void ElementwiseActivationsMatchTheirFormulas(string opType, int opset)
        {
            var y = new OneNodeModel(opType, opset).Input(X).Run(ElementType.Float32).Floats;
            for (int i = 0; i < Xs.Length; i++)
            {
                double x = Xs[i];
                double expected = opType switch
                {
                    "Sigmoid" => 1 / (1 + Math.Exp(-x)),
                    "Tanh" => Math.Tanh(x),
                    "LeakyRelu" => x < 0 ? 0.01 * x : x,
                    "HardSigmoid" => Math.Max(0, Math.Min(1, 0.2 * x + 0.5)),
                    _ => x * Math.Max(0, Math.Min(1, (x + 3) / 6)),
                };
                AssertClose(expected, y[i]);
            }
        }

        [Fact]
        public void HardSigmoidAndLeakyReluReadTheirAttributes()
        {
            var h = new OneNodeModel("HardSigmoid", 6).Input(X).Attr("alpha", 0.5f).Attr("beta", 0.25f).Run(ElementType.Float32).Floats;
            var l = new OneNodeModel("LeakyRelu", 6).Input(X).Attr("alpha", 0.5f).Run(ElementType.Float32).Floats;
            for (int i = 0; i < Xs.Length; i++)
            {
                AssertClose(Math.Max(0, Math.Min(1, 0.5 * Xs[i] + 0.25)), h[i]);
                AssertClose(Xs[i] < 0 ? 0.5 * Xs[i] : Xs[i], l[i]);
            }
        }

        [Fact]
        public void AnAttributeOfTheWrongKindIsAnError()
        {
            var e = Assert.Throws<ModelException>(() => new OneNodeModel("LeakyRelu", 6).Input(X).Attr("alpha", 1L).Import(ElementType.Float32));
            Assert.Contains("attribute 'alpha' must be Float", e.Message);
            Assert.Equal("LeakyRelu", e.OpType);
        }

        [Fact]
        public void FloatActivationsRejectIntegers()
        {
            var e = Assert.Throws<ModelException>(() => new OneNodeModel("Sigmoid", 13).Input(Tensor.FromInt64s(new[] { 1 }, new long[] { 1 })).Import(ElementType.Int64));
            Assert.Contains("element type s64", e.Message);
        }

        [Fact]
        public void HardSwishNeedsOpset14()
        {
            var e = Assert.Throws<UnsupportedModelException>(() => new OneNodeModel("HardSwish", 13).Input(X).Import(ElementType.Float32));
            Assert.Contains("not supported", e.Message);
        }

        [Fact]
        public void ClipBeforeOpset11ReadsAttributes()
        {
            var y = new OneNodeModel("Clip", 6).Input(X).Attr("min", -1f).Attr("max", 2f).Run(ElementType.Float32).Floats;
            Assert.Equal(new[] { -1f, -1f, -0.5f, 0f, 0.5f, 2f, 2f }, y);
            var onlyMax = new OneNodeModel("Clip", 6).Input(X).Attr("max", 0f).Run(ElementType.Float32).Floats;
            Assert.Equal(new[] { -7f, -2.5f, -0.5f, 0f, 0f, 0f, 0f }, onlyMax);
        }

        [Fact]
        public void ClipWithOnlyAMaxInputAndWithMinAboveMax()
        {
            var onlyMax = new OneNodeModel("Clip", 13).Input(X).Absent().Const(Tensor.Scalar(0.5f)).Run(ElementType.Float32).Floats;
            Assert.Equal(new[] { -7f, -2.5f, -0.5f, 0f, 0.5f, 0.5f, 0.5f }, onlyMax);
            var crossed = new OneNodeModel("Clip", 13).Input(X).Const(Tensor.Scalar(3f)).Const(Tensor.Scalar(1f)).Run(ElementType.Float32).Floats;
            Assert.All(crossed, v => Assert.Equal(1f, v)); // max wins
        }

        [Fact]
        public void ClipKeepsNaN()
        {
            var x = Tensor.FromFloats(new[] { 2 }, new[] { float.NaN, 5f });
            var y = new OneNodeModel("Clip", 13).Input(x).Const(Tensor.Scalar(0f)).Const(Tensor.Scalar(1f)).Run(ElementType.Float32).Floats;
            Assert.True(float.IsNaN(y[0]));
            Assert.Equal(1f, y[1]);
        }

        [Theory]
        [InlineData(ElementType.Int32)]
        [InlineData(ElementType.Int64)]
        [InlineData(ElementType.UInt8)]
        [InlineData(ElementType.Int8)]
        [InlineData(ElementType.Int4)]
        public void ClipWorksOnIntegers(ElementType type)
        {
            var x = Tensor.Zeros(type, new[] { 5 });
            long lo = type.MinValue(), hi = type.MaxValue();
            long[] values = { lo, 1, 2, 5, hi };
            for (int i = 0; i < 5; i++)
                x.SetInt64(i, values[i]);
            var min = Tensor.Zeros(type, Array.Empty<int>());
            min.SetInt64(0, 2);
            var y = new OneNodeModel("Clip", 13).Input(x).Const(min).Run(type);
            Assert.Equal(type, y.Type);
            Assert.Equal(new long[] { 2, 2, 2, 5, hi }, y.ToInt64Array());
        }

        [Fact]
        public void ClipRejectsIntegersBeforeOpset12()
        {
            var x = Tensor.FromInt64s(new[] { 1 }, new long[] { 1 });
            var e = Assert.Throws<ModelException>(() => new OneNodeModel("Clip", 11).Input(x).Import(ElementType.Int64));
            Assert.Contains("element type s64", e.Message);
        }

        [Fact]
        public void ClipRejectsBadBounds()
        {
            Assert.Contains("must be a scalar", Assert.Throws<ModelException>(() => new OneNodeModel("Clip", 13).Input(X).Const(Tensor.FromFloats(new[] { 2 }, new[] { 0f, 1f })).Import(ElementType.Float32)).Message);
            Assert.Contains("min", Assert.Throws<ModelException>(() => new OneNodeModel("Clip", 13).Input(X).Const(Tensor.FromInt64s(Array.Empty<int>(), new long[] { 0 })).Import(ElementType.Float32)).Message);
            Assert.Contains("before opset 11 min and max are attributes", Assert.Throws<ModelException>(() => new OneNodeModel("Clip", 6).Input(X).Const(Tensor.Scalar(0f)).Import(ElementType.Float32)).Message);
            Assert.Contains("attribute 'min' must be Float", Assert.Throws<ModelException>(() => new OneNodeModel("Clip", 6).Input(X).Attr("min", 0L).Import(ElementType.Float32)).Message);
        }

        [Fact]
        public void ClipHasNoQuantisedForm()
        {
            var node = new Node("n", "Clip", "", 13);
            node.Inputs.Add(new Value("x", ElementType.Int8, new[] { 2 }) { Quant = new QuantParams(new[] { 0.5f }, new[] { 0 }, 0, 0, 8) });
            node.Outputs.Add(new Value("y", ElementType.Float32, Array.Empty<int>()));
            var e = Assert.Throws<ModelException>(() => OperatorRegistry.For(node).Infer(node));
            Assert.Contains("quantised", e.Message);
        }

        [Fact]
        public void SoftmaxBeforeOpset13NormalisesEverythingFromTheAxisOn()
        {
            var x = Tensor.FromFloats(new[] { 2, 2, 2 }, new[] { 0f, 1f, 2f, 3f, 4f, 5f, 6f, 7f });
            var old = new OneNodeModel("Softmax", 11).Input(x).Run(ElementType.Float32).Floats;
            var now = new OneNodeModel("Softmax", 13).Input(x).Attr("axis", 1).Run(ElementType.Float32).Floats;
            for (int b = 0; b < 2; b++)
            {
                // Opset 11, axis 1 (default): each batch is one row of 4.
                double sum = 0;
                for (int k = 0; k < 4; k++)
                    sum += Math.Exp(x.Floats[b * 4 + k]);
                for (int k = 0; k < 4; k++)
                    AssertClose(Math.Exp(x.Floats[b * 4 + k]) / sum, old[b * 4 + k]);
                // Opset 13, axis 1: pairs (b,0,c) and (b,1,c).
                for (int c = 0; c < 2; c++)
                {
                    double a0 = Math.Exp(x.Floats[b * 4 + c]), a1 = Math.Exp(x.Floats[b * 4 + 2 + c]);
                    AssertClose(a0 / (a0 + a1), now[b * 4 + c]);
                    AssertClose(a1 / (a0 + a1), now[b * 4 + 2 + c]);
                }
            }
        }

        [Fact]
        public void SoftmaxDefaultsToTheLastAxisFromOpset13()
        {
            var x = Tensor.FromFloats(new[] { 2, 2 }, new[] { 0f, 1f, 1000f, 1000f });
            var y = new OneNodeModel("Softmax", 13).Input(x).Run(ElementType.Float32).Floats;
            AssertClose(1 / (1 + Math.E), y[0]);
            AssertClose(0.5, y[2]); // large inputs do not overflow
        }

        [Fact]
        public void SoftmaxRejectsAnAxisOutOfRange()
        {
            var e = Assert.Throws<ModelException>(() => new OneNodeModel("Softmax", 13).Input(X).Attr("axis", 1).Import(ElementType.Float32));
            Assert.Contains("axis 1 is out of range for rank 1", e.Message);
        }
    }
}
