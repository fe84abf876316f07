using System;
using System.Collections.Generic;
using System.Linq;
using Bitsmith.Compiler.Export;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Ops;
using Bitsmith.Compiler.Passes;
using Xunit;
using static Bitsmith.Compiler.Tests.Passes.PassTestKit;
using static Bitsmith.Compiler.Tests.Passes.QdqModels;

namespace Bitsmith.Compiler.Tests.Passes
{
    public class QdqRecognitionTests
    {
        private readonly ITestOutputHelper _output;

        public QdqRecognitionTests(ITestOutputHelper output) => _output = output;

        private static readonly (string, Tensor) CnnInput = ("x", RandomFloats(new[] { Batch, 2, 8, 8 }, seed: 11));

        [Theory]
        [InlineData(ElementType.Int8, 13, false)]
        [InlineData(ElementType.Int4, 21, false)]
        [InlineData(ElementType.Int4, 17, true)]
        public void QdqCnnBecomesQuantisedNodes(ElementType weightType, int opset, bool microsoft)
        {
            var (before, after) = BeforeAndAfter(Cnn(weightType, opset, microsoft));
            _output.WriteLine(IrPrinter.Print(after));

            Assert.Equal(new[] { "QuantizeLinear", "Conv", "MaxPool", "Flatten", "Gemm", "DequantizeLinear" }, OpTypes(after));
            var conv = Single(after, "Conv");
            Assert.Equal("Relu", conv.Activation!.ToString());
            Value x = conv.Inputs[0]!, w = conv.Inputs[1]!, bias = conv.Inputs[2]!, y = conv.Outputs[0];
            Assert.Equal(("x_q", ElementType.UInt8, 128), (x.Name, x.Type, x.Quant!.ZeroPoint[0]));
            Assert.Equal(("conv_w", weightType, 0, 4), (w.Name, w.Type, w.Quant!.Axis, w.Quant.Scale.Length));
            Assert.Equal((ElementType.Int32, 4), (bias.Type, bias.Quant!.Scale.Length));
            Assert.Equal((ElementType.UInt8, ActivationScale), (y.Type, y.Quant!.Scale[0]));
            Assert.Same(y, Single(after, "MaxPool").Inputs[0]);
            Assert.NotNull(Single(after, "MaxPool").Outputs[0].Quant);
            Assert.NotNull(Single(after, "Flatten").Outputs[0].Quant);
            var gemm = Single(after, "Gemm");
            Assert.Same(Single(after, "Flatten").Outputs[0], gemm.Inputs[0]);
            Assert.Equal(weightType, gemm.Inputs[1]!.Type);
            Assert.Equal(ElementType.UInt8, gemm.Outputs[0].Type);
            Assert.Equal("y_dq", after.Outputs.Single().Name);

            AssertWithinOneStep(before, after, OutputScale, 0.75, CnnInput);
        }

        [Fact]
        public void QuantisedNodesAgreeWithTheFloatGraphOnEveryIntermediateCode()
        {
            // The codes after the conv: the quantised Conv sums exact integers, the float graph
            // rounds its products, so a few codes near a rounding boundary may differ by one.
            var b = Cnn(ElementType.Int8, 13);
            b.Output("conv_q", ElementType.UInt8);
            var (before, after) = BeforeAndAfter(b);
            Assert.Equal(ElementType.UInt8, after.Outputs.Single(o => o.Name == "conv_q").Type);
            AssertWithinOneStep(before, after, 1, 0.98, CnnInput);
        }

        [Fact]
        public void FakeQuantisedWeightsBecomeQuantisedConstantsWithTheirBitwidth()
        {
            // PyTorch's fake-quant export: Q(float w) → DQ, the weights using only 3 bits of s8.
            var b = new OnnxModelBuilder("fake_quant", 13);
            b.Input("x", ElementType.Float32, 1, 2, 5, 5);
            string x = QdqActivation(b, "x", "x_q", InputScale, 128);
            var w = RandomInts(ElementType.Int8, new[] { 3, 2, 3, 3 }, seed: 1, -4, 3);
            b.Initializer("w", Tensor.FromFloats(w.Shape, Enumerable.Range(0, w.Length).Select(i => w.GetInt64(i) * 0.1f).ToArray()));
            string wq = Quantize(b, "w", 0.1f, ElementType.Int8);
            string wdq = Dequantize(b, wq, new[] { 0.1f }, Scalar(ElementType.Int8, 0));
            string conv = b.Node("Conv", new[] { x, wdq });
            b.Output(QdqActivation(b, conv, "y", 0.1f, 128), ElementType.Float32, 1, 3, 3, 3);

            var (before, after) = BeforeAndAfter(b);
            var weight = Single(after, "Conv").Inputs[1]!;
            Assert.Equal(ElementType.Int8, weight.Type);
            Assert.Equal(3, weight.Quant!.Bits);
            Assert.Equal(w.SBytes, weight.Constant!.SBytes);
            AssertWithinOneStep(before, after, 0.1, 0.9, ("x", RandomFloats(new[] { 1, 2, 5, 5 }, seed: 2)));
        }

        [Theory]
        [InlineData(ElementType.Int8, -4, 3, 0, 3)]
        [InlineData(ElementType.Int8, -3, 3, 0, 3)]
        [InlineData(ElementType.Int8, -5, 3, 0, 4)]
        [InlineData(ElementType.Int8, 0, 7, 4, 3)]
        [InlineData(ElementType.Int8, -1, 0, 0, 1)]
        [InlineData(ElementType.Int8, -128, 127, 0, 8)]
        [InlineData(ElementType.UInt8, 0, 15, 7, 4)]
        [InlineData(ElementType.UInt8, 0, 3, 0, 2)]
        [InlineData(ElementType.UInt8, 100, 200, 150, 8)]
        [InlineData(ElementType.Int4, -2, 1, 0, 2)]
        public void WeightBitwidthIsTheRangeOfItsIntegers(ElementType type, int lo, int hi, int zeroPoint, int bits)
        {
            var b = new OnnxModelBuilder("bits", 21);
            b.Input("x", ElementType.Float32, 2, 8);
            var w = RandomInts(type, new[] { 8, 4 }, seed: 3, lo, hi);
            w.SetInt64(0, lo);
            w.SetInt64(1, hi);
            b.Initializer("w", w);
            string wdq = Dequantize(b, "w", new[] { 0.05f }, Scalar(type, zeroPoint));
            b.NodeWithOutputs("MatMul", new[] { "x", wdq }, new[] { "y" }, "mm", "");
            b.Output("y", ElementType.Float32, 2, 4);

            var (before, after) = BeforeAndAfter(b, new QdqRecognition());
            Assert.Equal(bits, Single(after, "MatMul").Inputs[1]!.Quant!.Bits);
            AssertSameFloats(before, after, ("x", RandomFloats(new[] { 2, 8 }, seed: 4)));
        }

        /// <summary>x → Conv → activation → Q(u8, scale, zp 0) → DQ → y, through the whole pipeline.</summary>
        private static OnnxModelBuilder ConvThenQuantize(string activation, float scale, string? bitsMetadata = null)
        {
            var b = new OnnxModelBuilder("act_bits", 14);
            b.Input("x", ElementType.Float32, 1, 2, 4, 4);
            string x = QdqActivation(b, "x", "x_q", InputScale, 128);
            var (w, _) = Weights(b, new Random(3), "w", new[] { 3, 2, 1, 1 }, ElementType.Int8, fanIn: 2);
            string conv = b.Node("Conv", new[] { x, w });
            string act = activation == "Clip"
                ? b.Node("Clip", new[] { conv, b.Initializer("lo", Tensor.Scalar(0)), b.Initializer("hi", Tensor.Scalar(6)) })
                : activation == "None" ? conv : b.Node(activation, new[] { conv });
            string y = QdqActivation(b, act, "y", scale, 0);
            if (bitsMetadata != null)
                b.NodeMetadata("y", QuantBits.MetadataKey, bitsMetadata);
            b.Output(y, ElementType.Float32, 1, 3, 4, 4);
            return b;
        }

        [Theory]
        [InlineData("Clip", 6f / 15, 4)]
        [InlineData("Clip", 6f / 7, 3)]
        [InlineData("Clip", 6f / 255, 8)]
        [InlineData("Relu", 6f / 15, 8)]
        [InlineData("None", 6f / 15, 8)]
        public void ActivationBitwidthNarrowsUnderAFusedClip(string activation, float scale, int bits)
        {
            var (before, after) = BeforeAndAfter(ConvThenQuantize(activation, scale));
            var y = Single(after, "Conv").Outputs[0];
            Assert.Equal(ElementType.UInt8, y.Type);
            Assert.Equal(bits, y.Quant!.Bits);
            AssertWithinOneStep(before, after, scale, 0.9, ("x", RandomFloats(new[] { 1, 2, 4, 4 }, seed: 5)));
        }

        /// <summary>
        /// The exporter's metadata is a hint, not a proof: after a Relu the codes can reach 255, so
        /// "5" is not taken (a 5-bit kernel would drop bits); after a Clip the clamp proves the width.
        /// </summary>
        [Theory]
        [InlineData("Relu", 0.1f, "5", 8)]
        [InlineData("Clip", 6f / 15, "3", 4)]
        [InlineData("Clip", 6f / 15, "8", 4)]
        public void ActivationBitwidthIsProvenNotTakenFromTheExportersMetadata(string activation, float scale, string metadata, int bits)
        {
            var (_, after) = BeforeAndAfter(ConvThenQuantize(activation, scale, bitsMetadata: metadata));
            Assert.Equal(bits, Single(after, "Conv").Outputs[0].Quant!.Bits);
        }

        [Theory]
        [InlineData("9")]
        [InlineData("0")]
        [InlineData("four")]
        public void AnImpossibleBitwidthInMetadataIsAnError(string bits)
        {
            var e = Assert.Throws<ModelException>(() => Pipeline.Run(ImportModel(ConvThenQuantize("Relu", 0.1f, bitsMetadata: bits))));
            Assert.Contains(QuantBits.MetadataKey, e.Message);
            Assert.Contains("'y'", e.Message);
        }

        [Fact]
        public void PerChannelWeightFollowsATranspose()
        {
            // A Linear layer exported as DQ(w [N, K], axis 0) → Transpose → MatMul.
            var b = new OnnxModelBuilder("transpose", 13);
            b.Input("x", ElementType.Float32, 2, 6);
            var (w, _) = Weights(b, new Random(5), "w", new[] { 4, 6 }, ElementType.Int8);
            string wt = b.Node("Transpose", new[] { w }, ("perm", new[] { 1, 0 }));
            b.NodeWithOutputs("MatMul", new[] { "x", wt }, new[] { "y" }, "mm", "");
            b.Output("y", ElementType.Float32, 2, 4);

            var (before, after) = BeforeAndAfter(b);
            Assert.Equal(new[] { "MatMul" }, OpTypes(after));
            var weight = after.Nodes[0].Inputs[1]!;
            Assert.Equal(new[] { 6, 4 }, weight.Shape);
            Assert.Equal((1, 4), (weight.Quant!.Axis, weight.Quant.Scale.Length));
            AssertSameFloats(before, after, ("x", RandomFloats(new[] { 2, 6 }, seed: 6)));
        }

        [Fact]
        public void WeightWithNegativeChannelScalesIsQuantised()
        {
            // An exporter that folds a BatchNorm with γ < 0 into the weight scale writes negative scales.
            var b = new OnnxModelBuilder("negative_scale", 13);
            b.Input("x", ElementType.Float32, 1, 3, 4, 4);
            var (w, scales) = Weights(b, new Random(8), "w", new[] { 2, 3, 3, 3 }, ElementType.Int8);
            b.NodeWithOutputs("Conv", new[] { "x", w }, new[] { "y" }, "conv", "");
            b.Output("y", ElementType.Float32, 1, 2, 2, 2);
            var model = b.Build();
            var scaleTensor = model.Graph.Initializer.Single(t => t.Name == "w_scale");
            var negated = Tensor.FromFloats(new[] { 2 }, new[] { -scales[0], scales[1] });
            model.Graph.Initializer.Remove(scaleTensor);
            model.Graph.Initializer.Add(TensorEncoder.Encode("w_scale", negated));

            var before = Bitsmith.Compiler.Import.OnnxImporter.Load(Google.Protobuf.MessageExtensions.ToByteArray(model), "negative_scale.onnx");
            var after = Bitsmith.Compiler.Import.OnnxImporter.Load(Google.Protobuf.MessageExtensions.ToByteArray(model), "negative_scale.onnx");
            Pipeline.Run(after);
            Assert.Equal(new[] { "Conv" }, OpTypes(after));
            Assert.Equal(-scales[0], after.Nodes[0].Inputs[1]!.Quant!.Scale[0]);
            AssertSameFloats(before, after, ("x", RandomFloats(new[] { 1, 3, 4, 4 }, seed: 9)));
        }

        [Fact]
        public void PerChannelWeightFollowsAReshapeThatKeepsItsAxis()
        {
            var b = new OnnxModelBuilder("reshape_w", 13);
            b.Input("x", ElementType.Float32, 1, 6, 3, 3);
            var (w, _) = Weights(b, new Random(6), "w", new[] { 4, 6, 9 }, ElementType.Int8);
            string w4 = b.Node("Reshape", new[] { w, b.Initializer("s", Tensor.FromInt64s(new[] { 4 }, new long[] { 4, 6, 3, 3 })) });
            b.NodeWithOutputs("Conv", new[] { "x", w4 }, new[] { "y" }, "conv", "");
            b.Output("y", ElementType.Float32, 1, 4, 1, 1);

            var (before, after) = BeforeAndAfter(b);
            Assert.Equal(new[] { "Conv" }, OpTypes(after));
            Assert.Equal(0, after.Nodes[0].Inputs[1]!.Quant!.Axis);
            AssertSameFloats(before, after, ("x", RandomFloats(new[] { 1, 6, 3, 3 }, seed: 7)));
        }

        [Fact]
        public void DequantizeMovesPastDataMovementToAReaderWithoutAQuantisedForm()
        {
            var b = new OnnxModelBuilder("softmax", 13);
            b.Input("x", ElementType.Float32, 2, 6);
            string x = QdqActivation(b, "x", "x_q", 0.02f, 128);
            string r = b.NodeWithOutputs("Reshape", new[] { x, b.Initializer("s", Tensor.FromInt64s(new[] { 2 }, new long[] { 3, 4 })) }, new[] { "r" }, "r", "")[0];
            b.NodeWithOutputs("Softmax", new[] { r }, new[] { "y" }, "softmax", "");
            b.Output("y", ElementType.Float32, 3, 4);

            var (before, after) = BeforeAndAfter(b);
            Assert.Equal(new[] { "QuantizeLinear", "Reshape", "DequantizeLinear", "Softmax" }, OpTypes(after));
            var reshaped = Single(after, "Reshape").Outputs[0];
            Assert.Equal((ElementType.UInt8, "r"), (reshaped.Type, reshaped.Name));
            AssertSameFloats(before, after, ("x", RandomFloats(new[] { 2, 6 }, seed: 8)));
        }

        [Fact]
        public void ConcatOfBranchesWithOneScaleConcatenatesIntegers()
        {
            var b = new OnnxModelBuilder("concat", 13);
            b.Input("x", ElementType.Float32, 1, 2, 4, 4);
            string x = QdqActivation(b, "x", "x_q", InputScale, 128);
            string p1 = QdqActivation(b, b.Node("MaxPool", new[] { x }, ("kernel_shape", new[] { 2, 2 })), "p1", 0.01f, 128);
            string p2 = QdqActivation(b, b.Node("AveragePool", new[] { x }, ("kernel_shape", new[] { 2, 2 })), "p2", 0.01f, 128);
            string cat = b.NodeWithOutputs("Concat", new[] { p1, p2 }, new[] { "cat" }, "cat", "", ("axis", 1))[0];
            b.Output(cat, ElementType.Float32, 1, 4, 3, 3);

            var (before, after) = BeforeAndAfter(b);
            Assert.Equal(new[] { "QuantizeLinear", "MaxPool", "AveragePool", "Concat", "DequantizeLinear" }, OpTypes(after));
            Assert.Equal(ElementType.UInt8, Single(after, "Concat").Outputs[0].Type);
            Assert.Equal("cat", after.Outputs[0].Name);
            AssertWithinOneStep(before, after, 0.01, 0.95, ("x", RandomFloats(new[] { 1, 2, 4, 4 }, seed: 9)));
        }

        [Fact]
        public void ResidualAddBecomesAQuantisedAddWithItsRelu()
        {
            var b = new OnnxModelBuilder("residual", 13);
            b.Input("x", ElementType.Float32, 1, 2, 4, 4);
            string x = QdqActivation(b, "x", "x_q", InputScale, 128);
            var (w, _) = Weights(b, new Random(8), "w", new[] { 2, 2, 1, 1 }, ElementType.Int8, fanIn: 2);
            string conv = QdqActivation(b, b.Node("Conv", new[] { x, w }), "c_q", 0.02f, 128);
            string sum = b.Node("Add", new[] { conv, x });
            b.Output(QdqActivation(b, b.Node("Relu", new[] { sum }), "y", 0.02f, 0), ElementType.Float32, 1, 2, 4, 4);

            var (before, after) = BeforeAndAfter(b);
            Assert.Equal(new[] { "QuantizeLinear", "Conv", "Add", "DequantizeLinear" }, OpTypes(after));
            var add = Single(after, "Add");
            Assert.Equal("Relu", add.Activation!.ToString());
            Assert.All(add.Inputs, v => Assert.NotNull(v!.Quant));
            Assert.Equal(ElementType.UInt8, add.Outputs[0].Type);
            AssertWithinOneStep(before, after, 0.02, 0.9, ("x", RandomFloats(new[] { 1, 2, 4, 4 }, seed: 10)));
        }

        [Fact]
        public void AQuantizeWhoseOutputIsAGraphOutputLendsItsNameToTheQuantisedNode()
        {
            var b = new OnnxModelBuilder("q_output", 13);
            b.Input("x", ElementType.Float32, 1, 2, 4, 4);
            string x = QdqActivation(b, "x", "x_q", InputScale, 128);
            var (w, _) = Weights(b, new Random(9), "w", new[] { 3, 2, 1, 1 }, ElementType.Int8, fanIn: 2);
            string conv = b.Node("Conv", new[] { x, w });
            b.Output(Quantize(b, conv, 0.02f, ElementType.UInt8, 128, output: "codes"), ElementType.UInt8, 1, 3, 4, 4);

            var (before, after) = BeforeAndAfter(b);
            Assert.Equal(new[] { "QuantizeLinear", "Conv" }, OpTypes(after));
            Assert.Equal("codes", after.Nodes[1].Outputs[0].Name);
            Assert.Same(after.Nodes[1].Outputs[0], after.Outputs.Single());
            AssertWithinOneStep(before, after, 1, 0.9, ("x", RandomFloats(new[] { 1, 2, 4, 4 }, seed: 11)));
        }

        [Fact]
        public void AQuantisedGraphInputReadOnlyByDequantizeIsReadDirectly()
        {
            var b = new OnnxModelBuilder("u8_input", 13);
            b.Input("xq", ElementType.UInt8, 1, 2, 4, 4);
            string x = Dequantize(b, "xq", new[] { 0.1f }, Scalar(ElementType.UInt8, 10));
            b.NodeWithOutputs("GlobalAveragePool", new[] { x }, new[] { "y" }, "gap", "");
            b.Output("y", ElementType.Float32, 1, 2, 1, 1);

            var (before, after) = BeforeAndAfter(b);
            Assert.Equal(new[] { "GlobalAveragePool" }, OpTypes(after));
            Assert.Equal(10, after.Inputs[0].Quant!.ZeroPoint[0]);
            AssertSameFloats(before, after, ("xq", RandomInts(ElementType.UInt8, new[] { 1, 2, 4, 4 }, seed: 12, 0, 255)));
        }

        [Fact]
        public void IntegersAlsoReadByAnIntegerOpKeepTheirMeaning()
        {
            // xq feeds an integer Add (u8 wrap-around) as well as a DQ: giving xq parameters
            // would turn that Add into a real-valued one, so the DQ stays.
            var b = new OnnxModelBuilder("u8_add", 13);
            b.Input("xq", ElementType.UInt8, 1, 2, 4, 4);
            string x = Dequantize(b, "xq", new[] { 0.1f }, Scalar(ElementType.UInt8, 10));
            b.NodeWithOutputs("MaxPool", new[] { x }, new[] { "y" }, "pool", "", ("kernel_shape", new[] { 2, 2 }));
            b.NodeWithOutputs("Add", new[] { "xq", "xq" }, new[] { "z" }, "add", "");
            b.Output("y", ElementType.Float32, 1, 2, 3, 3);
            b.Output("z", ElementType.UInt8, 1, 2, 4, 4);

            var (before, after) = BeforeAndAfter(b);
            Assert.Equal(new[] { "DequantizeLinear", "MaxPool", "Add" }, OpTypes(after));
            Assert.Null(after.Inputs[0].Quant);
            AssertSameFloats(before, after, ("xq", RandomInts(ElementType.UInt8, new[] { 1, 2, 4, 4 }, seed: 13, 0, 255)));
        }

        [Fact]
        public void RequantisationToOtherParametersStays()
        {
            var b = new OnnxModelBuilder("requant", 13);
            b.Input("x", ElementType.Float32, 1, 2, 4, 4);
            string q = Quantize(b, "x", 0.02f, ElementType.UInt8, 128);
            string dq = Dequantize(b, q, new[] { 0.04f }, Scalar(ElementType.UInt8, 128));
            b.NodeWithOutputs("MaxPool", new[] { dq }, new[] { "y" }, "pool", "", ("kernel_shape", new[] { 2, 2 }));
            b.Output("y", ElementType.Float32, 1, 2, 3, 3);

            var (before, after) = BeforeAndAfter(b);
            Assert.Equal(new[] { "QuantizeLinear", "DequantizeLinear", "MaxPool" }, OpTypes(after));
            AssertSameFloats(before, after, ("x", RandomFloats(new[] { 1, 2, 4, 4 }, seed: 14)));
        }

        [Theory]
        [InlineData(0f)]
        [InlineData(-0.5f)]
        [InlineData(float.PositiveInfinity)]
        public void AScaleThatIsNotPositiveAndFiniteLeavesTheQdqNodesAsWritten(float scale)
        {
            var b = new OnnxModelBuilder("bad_scale", 13);
            b.Input("x", ElementType.Float32, 1, 2, 4, 4);
            string dq = QdqActivation(b, "x", "x_q", scale, 128);
            b.NodeWithOutputs("MaxPool", new[] { dq }, new[] { "y" }, "pool", "", ("kernel_shape", new[] { 2, 2 }));
            b.Output("y", ElementType.Float32, 1, 2, 3, 3);

            var g = ImportModel(b);
            Pipeline.Run(g);
            Assert.Equal(new[] { "QuantizeLinear", "DequantizeLinear", "MaxPool" }, OpTypes(g));
            Assert.All(g.Nodes, n => Assert.All(n.Outputs, o => Assert.Null(o.Quant)));
        }

        [Fact]
        public void AQuantisedFormTheOpRejectsIsUndone()
        {
            // Conv's integer form needs a per-tensor X: with a per-channel X, whichever operand
            // became quantised first stays so and the other keeps its DQ (the real-valued form).
            var b = new OnnxModelBuilder("per_channel_x", 13);
            b.Input("x", ElementType.Float32, 1, 2, 4, 4);
            b.Initializer("xs", Tensor.FromFloats(new[] { 2 }, new[] { 0.01f, 0.02f }));
            b.Initializer("xz", Tensor.Zeros(ElementType.UInt8, new[] { 2 }));
            string q = b.Node("QuantizeLinear", new[] { "x", "xs", "xz" }, ("axis", 1));
            string dq = b.Node("DequantizeLinear", new[] { q, "xs", "xz" }, ("axis", 1));
            var (w, _) = Weights(b, new Random(4), "w", new[] { 3, 2, 1, 1 }, ElementType.Int8, fanIn: 2);
            b.NodeWithOutputs("Conv", new[] { dq, w }, new[] { "y" }, "conv", "");
            b.Output("y", ElementType.Float32, 1, 3, 4, 4);

            var (before, after) = BeforeAndAfter(b);
            Assert.Equal(new[] { "QuantizeLinear", "DequantizeLinear", "Conv" }, OpTypes(after));
            var conv = Single(after, "Conv");
            Assert.Equal(1, conv.Inputs.Count(v => v!.Quant != null));
            AssertSameFloats(before, after, ("x", RandomFloats(new[] { 1, 2, 4, 4 }, seed: 18, 0, 2)));
        }

        [Fact]
        public void CodebookWeightsInAQdqNetwork()
        {
            // Quantised activations around layers whose weights are codebooks: the Conv and Gemm
            // read the u8 activations and the codes, computing on real values.
            var b = new OnnxModelBuilder("codebook_qdq", 13);
            b.Input("x", ElementType.Float32, Batch, 2, 6, 6);
            string x = QdqActivation(b, "x", "x_q", InputScale, 128);
            string w1 = CodebookWeight(b, "c1", k: 8, d: 2, new[] { 4, 2, 3, 3 }, seed: 1);
            string conv = b.Node("Relu", new[] { b.Node("Conv", new[] { x, w1 }) });
            string a = QdqActivation(b, conv, "a_q", ActivationScale, 0);
            string pooled = QdqActivation(b, b.Node("GlobalAveragePool", new[] { a }), "p_q", ActivationScale, 0);
            string flat = b.Node("Flatten", new[] { pooled });
            string w2 = CodebookWeight(b, "c2", k: 4, d: 4, new[] { Classes, 4 }, seed: 2);
            string fc = b.Node("Gemm", new[] { flat, w2 }, ("transB", 1));
            b.Output(QdqActivation(b, fc, "y", OutputScale, 128), ElementType.Float32, Batch, Classes);

            var (before, after) = BeforeAndAfter(b);
            _output.WriteLine(IrPrinter.Print(after));
            Assert.Equal(new[] { "QuantizeLinear", "Conv", "GlobalAveragePool", "Flatten", "Gemm", "DequantizeLinear" }, OpTypes(after));
            Assert.NotNull(Single(after, "Conv").Inputs[1]!.Codebook);
            Assert.NotNull(Single(after, "Gemm").Inputs[1]!.Codebook);
            Assert.NotNull(Single(after, "Conv").Inputs[0]!.Quant);
            Assert.NotNull(Single(after, "Gemm").Outputs[0].Quant);
            AssertWithinOneStep(before, after, OutputScale, 0.75, ("x", RandomFloats(new[] { Batch, 2, 6, 6 }, seed: 16)));
        }

        private static string CodebookWeight(OnnxModelBuilder b, string name, int k, int d, int[] shape, int seed)
        {
            RandomInitializer(b, name + "_book", new[] { k, d }, seed, -0.5f, 0.5f);
            b.Initializer(name + "_codes", RandomInts(ElementType.Int64, new[] { Shape.Size(shape) / d }, seed + 1, 0, k - 1));
            b.Initializer(name + "_shape", Tensor.FromInt64s(new[] { shape.Length }, Array.ConvertAll(shape, s => (long)s)));
            return b.Node("Reshape", new[] { b.Node("Gather", new[] { name + "_book", name + "_codes" }), name + "_shape" });
        }

        /// <summary>Every op the verifier lets read quantised values, each after a DQ: one model per op.</summary>
        private static readonly string[] ReaderOps =
        {
            "Conv", "Gemm", "MatMul", "Add", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool",
            "Reshape", "Flatten", "Squeeze", "Unsqueeze", "Transpose", "Concat", "Identity",
        };

        public static TheoryData<string> QuantizedReaders => new TheoryData<string>(ReaderOps);

        [Fact]
        public void EveryQuantisedReaderOfTheVerifierIsCoveredHere()
        {
            var covered = new HashSet<string>(ReaderOps) { "DequantizeLinear" };
            Assert.True(covered.SetEquals(Verifier.QuantizedConsumers), "the verifier's QuantizedConsumers and this pass's tests differ: " + string.Join(", ", covered.Except(Verifier.QuantizedConsumers).Concat(Verifier.QuantizedConsumers.Except(covered))));
        }

        [Theory]
        [MemberData(nameof(QuantizedReaders))]
        public void EachQuantisedReaderReadsTheIntegersAfterThePass(string op)
        {
            bool matrix = op == "Gemm" || op == "MatMul" || op == "Add";
            int[] shape = matrix ? new[] { 2, 4 } : new[] { 1, 2, 4, 4 };
            var b = new OnnxModelBuilder("reader_" + op, 13);
            b.Input("x", ElementType.Float32, shape);
            string x = QdqActivation(b, "x", "x_q", InputScale, 128);
            string y = op switch
            {
                "Conv" => b.Node(op, new[] { x, RandomInitializer(b, "w", new[] { 3, 2, 1, 1 }, seed: 1) }),
                "Gemm" or "MatMul" => b.Node(op, new[] { x, RandomInitializer(b, "w", new[] { 4, 3 }, seed: 1) }),
                "Add" => b.Node(op, new[] { x, RandomInitializer(b, "c", new[] { 4 }, seed: 1) }),
                "MaxPool" or "AveragePool" => b.Node(op, new[] { x }, ("kernel_shape", new[] { 2, 2 })),
                "Reshape" => b.Node(op, new[] { x, b.Initializer("s", Tensor.FromInt64s(new[] { 2 }, new long[] { 2, 16 })) }),
                "Squeeze" or "Unsqueeze" => b.Node(op, new[] { x, b.Initializer("axes", Tensor.FromInt64s(new[] { 1 }, new long[] { 0 })) }),
                "Transpose" => b.Node(op, new[] { x }, ("perm", new[] { 0, 2, 3, 1 })),
                "Concat" => b.Node(op, new[] { x, x }, ("axis", 1)),
                _ => b.Node(op, new[] { x }),
            };
            b.Output(y, ElementType.Float32);

            var (before, after) = BeforeAndAfter(b, new QdqRecognition());
            var reader = Single(after, op);
            Assert.All(reader.Inputs.Take(op == "Concat" ? 2 : 1), v => Assert.Equal((ElementType.UInt8, 128), (v!.Type, v.Quant!.ZeroPoint[0])));
            AssertSameFloats(before, after, ("x", RandomFloats(shape, seed: 17)));
        }
    }
}
