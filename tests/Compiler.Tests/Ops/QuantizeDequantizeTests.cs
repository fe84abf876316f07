using System;
using Bitsmith.Compiler.Export;
using Bitsmith.Compiler.Ir;
using Xunit;
using static Bitsmith.Compiler.Tests.Ops.OpTestKit;

namespace Bitsmith.Compiler.Tests.Ops
{
    /// <summary>QuantizeLinear and DequantizeLinear beyond ONNX 1.12's test data: opset-21 blocks and int4, com.microsoft, bad parameters.</summary>
    public class QuantizeDequantizeTests
    {
        /// <summary>x -> QuantizeLinear -> y (and -> DequantizeLinear -> r), with the given parameters as initializers.</summary>
        private static OnnxModelBuilder QuantizeModel(int opset, int[] shape, Tensor scale, Tensor? zeroPoint, ElementType yType, bool roundTrip, params (string, object)[] attributes)
        {
            var b = new OnnxModelBuilder("q", opset);
            b.Input("x", ElementType.Float32, shape);
            b.Initializer("scale", scale);
            if (zeroPoint != null)
                b.Initializer("zp", zeroPoint);
            var qInputs = zeroPoint != null ? new[] { "x", "scale", "zp" } : new[] { "x", "scale" };
            b.NodeWithOutputs("QuantizeLinear", qInputs, new[] { "y" }, "q", "", attributes);
            b.Output("y", yType, shape);
            if (roundTrip)
            {
                var dqAttributes = Array.FindAll(attributes, a => a.Item1 != "output_dtype");
                b.NodeWithOutputs("DequantizeLinear", new[] { "y", "scale", zeroPoint != null ? "zp" : "" }, new[] { "r" }, "dq", "", dqAttributes);
                b.Output("r", ElementType.Float32, shape);
            }
            return b;
        }

        [Fact]
        public void QuantizeRoundsHalfToEvenAndSaturates()
        {
            var b = QuantizeModel(13, new[] { 8 }, Tensor.Scalar(1f), Of(ElementType.Int8, Array.Empty<int>(), 0), ElementType.Int8, roundTrip: false);
            var y = Run(b, ("x", F32(new[] { 8 }, 0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -2.5f, 200f, -200f)))["y"];
            Assert.Equal(ElementType.Int8, y.Type);
            Assert.Equal(new long[] { 0, 2, 2, 0, -2, -2, 127, -128 }, Ints(y));
        }

        [Fact]
        public void QuantizeAddsTheZeroPointAfterRounding()
        {
            var b = QuantizeModel(13, new[] { 4 }, Tensor.Scalar(2f), Of(ElementType.UInt8, Array.Empty<int>(), 10), ElementType.UInt8, roundTrip: false);
            var y = Run(b, ("x", F32(new[] { 4 }, 1f, 3f, 5f, -1f)))["y"];
            Assert.Equal(new long[] { 10, 12, 12, 10 }, Ints(y));
        }

        [Fact]
        public void WithoutZeroPointTheOutputIsUInt8AroundZero()
        {
            var b = QuantizeModel(13, new[] { 5 }, Tensor.Scalar(1f), null, ElementType.UInt8, roundTrip: true);
            var r = Run(b, ("x", F32(new[] { 5 }, -1f, 0f, 1.4f, 1.6f, 300f)));
            Assert.Equal(ElementType.UInt8, r["y"].Type);
            Assert.Equal(new long[] { 0, 0, 1, 2, 255 }, Ints(r["y"]));
            Assert.Equal(new float[] { 0, 0, 1, 2, 255 }, r["r"].Floats);
        }

        [Theory]
        [InlineData(1)]
        [InlineData(-1)]
        public void PerAxisParametersFollowTheAxis(int axis)
        {
            var b = QuantizeModel(13, new[] { 2, 3 }, F32(new[] { 3 }, 1f, 2f, 4f), Of(ElementType.UInt8, new[] { 3 }, 0, 10, 100), ElementType.UInt8, roundTrip: true, ("axis", axis));
            var r = Run(b, ("x", F32(new[] { 2, 3 }, 2f, 2f, 2f, -4f, 8f, 8f)));
            Assert.Equal(new long[] { 2, 11, 100, 0, 14, 102 }, Ints(r["y"]));
            Assert.Equal(new float[] { 2, 2, 0, 0, 8, 8 }, r["r"].Floats);
        }

        [Fact]
        public void BlockedQuantizationHandlesARemainderBlock()
        {
            var scale = F32(new[] { 2, 3 }, 1f, 2f, 4f, 0.5f, 1f, 8f);
            var zp = Of(ElementType.Int8, new[] { 2, 3 }, 0, 0, 0, 1, 2, 3);
            var b = QuantizeModel(21, new[] { 2, 5 }, scale, zp, ElementType.Int8, roundTrip: true, ("axis", 1), ("block_size", 2));
            var r = Run(b, ("x", F32(new[] { 2, 5 }, 1f, 2f, 3f, 4f, 5f, 1f, -1f, 2.5f, 3f, 40f)));
            Assert.Equal(new long[] { 1, 2, 2, 2, 1, 3, -1, 4, 5, 8 }, Ints(r["y"]));
            Assert.Equal(new float[] { 1, 2, 4, 4, 4, 1, -1, 2, 3, 40 }, r["r"].Floats);
        }

        [Fact]
        public void BlockedQuantizationAlongAnOuterAxis()
        {
            var scale = F32(new[] { 2, 2 }, 1f, 10f, 100f, 1000f);
            var b = QuantizeModel(21, new[] { 3, 2 }, scale, null, ElementType.UInt8, roundTrip: false, ("axis", 0), ("block_size", 2));
            var y = Run(b, ("x", F32(new[] { 3, 2 }, 1f, 10f, 2f, 20f, 300f, 4000f)))["y"];
            Assert.Equal(new long[] { 1, 1, 2, 2, 3, 4 }, Ints(y));
        }

        [Fact]
        public void Int4RoundTripSaturatesToItsRange()
        {
            var b = QuantizeModel(21, new[] { 9 }, Tensor.Scalar(1f), Of(ElementType.Int4, Array.Empty<int>(), 0), ElementType.Int4, roundTrip: true);
            var r = Run(b, ("x", F32(new[] { 9 }, -9f, -8f, -7.5f, -1f, 0f, 3.5f, 4.5f, 7f, 8f)));
            Assert.Equal(ElementType.Int4, r["y"].Type);
            Assert.Equal(new long[] { -8, -8, -8, -1, 0, 4, 4, 7, 7 }, Ints(r["y"]));
            Assert.Equal(new float[] { -8, -8, -8, -1, 0, 4, 4, 7, 7 }, r["r"].Floats);
        }

        [Fact]
        public void OutputDtypeChoosesUInt4WithoutZeroPoint()
        {
            var b = QuantizeModel(21, new[] { 6 }, Tensor.Scalar(1f), null, ElementType.UInt4, roundTrip: true, ("output_dtype", 21));
            var r = Run(b, ("x", F32(new[] { 6 }, -1f, 0f, 7.5f, 8.5f, 15f, 16f)));
            Assert.Equal(ElementType.UInt4, r["y"].Type);
            Assert.Equal(new long[] { 0, 0, 8, 8, 15, 15 }, Ints(r["y"]));
            Assert.Equal(new float[] { 0, 0, 8, 8, 15, 15 }, r["r"].Floats);
        }

        [Fact]
        public void PackedInt4WeightDequantizesPerAxis()
        {
            var b = new OnnxModelBuilder("w", 21);
            b.Initializer("w", Of(ElementType.Int4, new[] { 3, 3 }, -8, 7, -1, 0, 1, 2, 3, -3, 5));
            b.Initializer("s", F32(new[] { 3 }, 0.5f, 1f, 2f));
            b.Initializer("z", Of(ElementType.Int4, new[] { 3 }, 0, 1, -1));
            b.NodeWithOutputs("DequantizeLinear", new[] { "w", "s", "z" }, new[] { "r" }, "dq", "", ("axis", 0));
            b.Output("r", ElementType.Float32, 3, 3);
            var r = Run(b)["r"];
            Assert.Equal(new float[] { -4, 3.5f, -0.5f, -1, 0, 1, 8, -4, 12 }, r.Floats);
        }

        [Fact]
        public void MicrosoftDomainQuantizesInt4PerAxisAtOpset17()
        {
            var b = new OnnxModelBuilder("ms", 17).Opset("com.microsoft", 1);
            b.Input("x", ElementType.Float32, 2, 3);
            b.Initializer("s", F32(new[] { 2 }, 1f, 0.25f));
            b.Initializer("z", Of(ElementType.Int4, new[] { 2 }, 0, -2));
            b.NodeWithOutputs("QuantizeLinear", new[] { "x", "s", "z" }, new[] { "y" }, "q", "com.microsoft", ("axis", 0));
            b.NodeWithOutputs("DequantizeLinear", new[] { "y", "s", "z" }, new[] { "r" }, "dq", "com.microsoft", ("axis", 0));
            b.Output("y", ElementType.Int4, 2, 3);
            b.Output("r", ElementType.Float32, 2, 3);
            var graph = Load(b);
            Assert.All(graph.Nodes, n => Assert.Equal("com.microsoft", n.Domain));
            var r = Interpreter.ReferenceInterpreter.Run(graph, new System.Collections.Generic.Dictionary<string, Tensor>
            {
                ["x"] = F32(new[] { 2, 3 }, 2.5f, -9f, 3f, 0.5f, 1f, 3f),
            });
            Assert.Equal(new long[] { 2, -8, 3, 0, 2, 7 }, Ints(r["y"]));
            Assert.Equal(new float[] { 2, -8, 3, 0.5f, 1f, 2.25f }, r["r"].Floats);
        }

        [Fact]
        public void OnnxDomainRejectsInt4BeforeOpset21()
        {
            var b = QuantizeModel(17, new[] { 2 }, Tensor.Scalar(1f), Of(ElementType.Int4, Array.Empty<int>(), 0), ElementType.Int4, roundTrip: false);
            var e = Assert.Throws<ModelException>(() => Load(b));
            Assert.Equal("q", e.NodeName);
            Assert.Contains("s4", e.Problem);
        }

        [Fact]
        public void Int32InputIsQuantizedWithRoundHalfEven()
        {
            var b = new OnnxModelBuilder("i", 13);
            b.Input("x", ElementType.Int32, 3);
            b.Initializer("s", Tensor.Scalar(2f));
            b.Initializer("z", Of(ElementType.Int8, Array.Empty<int>(), 0));
            b.NodeWithOutputs("QuantizeLinear", new[] { "x", "s", "z" }, new[] { "y" }, "q", "");
            b.Output("y", ElementType.Int8, 3);
            var y = Run(b, ("x", Of(ElementType.Int32, new[] { 3 }, 7, -7, 5)))["y"];
            Assert.Equal(new long[] { 4, -4, 2 }, Ints(y));
        }

        [Fact]
        public void Int32InputDequantizes()
        {
            var b = new OnnxModelBuilder("i", 13);
            b.Input("x", ElementType.Int32, 2);
            b.Initializer("s", Tensor.Scalar(0.5f));
            b.NodeWithOutputs("DequantizeLinear", new[] { "x", "s" }, new[] { "r" }, "dq", "");
            b.Output("r", ElementType.Float32, 2);
            Assert.Equal(new float[] { 500, -3 }, Run(b, ("x", Of(ElementType.Int32, new[] { 2 }, 1000, -6)))["r"].Floats);
        }

        [Fact]
        public void ScaleAndZeroPointMayBeComputedAtRunTime()
        {
            var b = new OnnxModelBuilder("rt", 13);
            b.Input("x", ElementType.Float32, 2, 2);
            b.Input("s", ElementType.Float32, 2);
            b.Input("z", ElementType.Int8, 2);
            b.NodeWithOutputs("QuantizeLinear", new[] { "x", "s", "z" }, new[] { "y" }, "q", "", ("axis", 0));
            b.Output("y", ElementType.Int8, 2, 2);
            var y = Run(b, ("x", F32(new[] { 2, 2 }, 1f, 2f, 1f, 2f)), ("s", F32(new[] { 2 }, 0.5f, 2f)), ("z", Of(ElementType.Int8, new[] { 2 }, 0, -5)))["y"];
            Assert.Equal(new long[] { 2, 4, -5, -4 }, Ints(y));
        }

        [Fact]
        public void QuantizedOutputValueKeepsItsTypeAndResults()
        {
            // After the QDQ pass a QuantizeLinear's output carries its own parameters; the rule and the result stay.
            var x = new Value("x", ElementType.Float32, new[] { 3 });
            var y = new Value("y", ElementType.UInt8, Array.Empty<int>());
            var node = Node("QuantizeLinear", 13, new[] { x, Constant("s", Tensor.Scalar(0.5f)), Constant("z", Of(ElementType.UInt8, Array.Empty<int>(), 128)) }, y);
            var input = F32(new[] { 3 }, -1f, 0.25f, 100f);
            var plain = Evaluate(node, input);
            y.Quant = new QuantParams(new[] { 0.5f }, new[] { 128 }, 0, 0, 8);
            var quantized = Evaluate(node, input);
            Assert.Equal(ElementType.UInt8, y.Type);
            Assert.Equal(new[] { 3 }, y.Shape);
            Assert.Equal(new long[] { 126, 128, 255 }, Ints(plain));
            Assert.Equal(Ints(plain), Ints(quantized));
        }

        public static TheoryData<string, bool, int, int[], Tensor, Tensor?, (string, object)[]> BadParameters => new()
        {
            { "opset 10 has no per-axis", false, 10, new[] { 2, 3 }, F32(new[] { 3 }, 1, 1, 1), null, Array.Empty<(string, object)>() },
            { "must be one value or [3]", false, 13, new[] { 2, 3 }, F32(new[] { 2 }, 1, 1), null, Array.Empty<(string, object)>() },
            { "must be one value or [2]", false, 13, new[] { 2, 3 }, F32(new[] { 3 }, 1, 1, 1), null, new (string, object)[] { ("axis", 0) } },
            { "out of range", false, 13, new[] { 2, 3 }, F32(new[] { 3 }, 1, 1, 1), null, new (string, object)[] { ("axis", 2) } },
            { "must have the shape of scale", false, 13, new[] { 2, 3 }, F32(new[] { 3 }, 1, 1, 1), Of(ElementType.UInt8, new[] { 2 }, 0, 0), Array.Empty<(string, object)>() },
            { "must be one value or [3]", false, 13, new[] { 2, 3 }, F32(new[] { 2, 3 }, 1, 1, 1, 1, 1, 1), null, Array.Empty<(string, object)>() },
            { "must have shape [2,2]", false, 21, new[] { 2, 3 }, F32(new[] { 2, 1 }, 1, 1), null, new (string, object)[] { ("block_size", 2) } },
            { "must have shape [1,3]", false, 21, new[] { 2, 3 }, F32(new[] { 2, 3 }, 1, 1, 1, 1, 1, 1), null, new (string, object)[] { ("axis", 0), ("block_size", 2) } },
            { "'block_size' must be 0", false, 21, new[] { 2, 3 }, F32(new[] { 3 }, 1, 1, 1), null, new (string, object)[] { ("block_size", -1) } },
            { "differs from the type", false, 21, new[] { 3 }, Tensor.Scalar(1), Of(ElementType.UInt8, Array.Empty<int>(), 0), new (string, object)[] { ("output_dtype", 3) } },
            { "output_dtype INT16 is not supported", true, 21, new[] { 3 }, Tensor.Scalar(1), null, new (string, object)[] { ("output_dtype", 5) } },
            { "output_dtype FLOAT8E4M3FN is not supported", true, 21, new[] { 3 }, Tensor.Scalar(1), null, new (string, object)[] { ("output_dtype", 17) } },
            { "output_dtype code 99 is not a quantised type", false, 21, new[] { 3 }, Tensor.Scalar(1), null, new (string, object)[] { ("output_dtype", 99) } },
            { "f32 is not a quantised type", false, 21, new[] { 3 }, Tensor.Scalar(1), null, new (string, object)[] { ("output_dtype", 1) } },
        };

        [Theory]
        [MemberData(nameof(BadParameters))]
        public void BadParametersRaiseModelException(string expected, bool unsupported, int opset, int[] shape, Tensor scale, Tensor? zeroPoint, (string, object)[] attributes)
        {
            // A broken model is a plain ModelException; a valid one outside the supported set is an UnsupportedModelException.
            var b = QuantizeModel(opset, shape, scale, zeroPoint, zeroPoint?.Type ?? ElementType.UInt8, roundTrip: false, attributes);
            var e = unsupported ? Assert.Throws<UnsupportedModelException>(() => Load(b)) : Assert.Throws<ModelException>(() => Load(b));
            Assert.Equal("QuantizeLinear", e.OpType);
            Assert.Contains(expected, e.Problem);
        }

        [Fact]
        public void DynamicQuantizeOfAllZerosUsesScaleOne()
        {
            var node = Node("DynamicQuantizeLinear", 11, new[] { Constant("x", F32(new[] { 3 }, 0, 0, 0)) }, new Value("y", ElementType.UInt8, Array.Empty<int>()));
            node.Outputs.Add(new Value("s", ElementType.Float32, Array.Empty<int>()));
            node.Outputs.Add(new Value("z", ElementType.UInt8, Array.Empty<int>()));
            var op = Compiler.Ops.OperatorRegistry.For(node);
            op.Infer(node);
            var r = op.Evaluate(node, new[] { node.Inputs[0]!.Constant });
            Assert.Equal(new long[] { 0, 0, 0 }, Ints(r[0]));
            Assert.Equal(new float[] { 1 }, r[1].Floats);
            Assert.Equal(new long[] { 0 }, Ints(r[2]));
        }

        [Theory]
        [InlineData(new[] { 0.5f, 1.5f, 2.5f, 255f }, 0, new long[] { 0, 2, 2, 255 })]
        [InlineData(new[] { -51f, 0.5f, 1.5f, 204f }, 51, new long[] { 0, 51, 53, 255 })]
        public void DynamicQuantizeRangeContainsZeroAndRoundsHalfToEven(float[] x, long zeroPoint, long[] expected)
        {
            // Both ranges span 255, so the scale is exactly 1.
            var node = Node("DynamicQuantizeLinear", 11, new[] { Constant("x", F32(new[] { x.Length }, x)) }, new Value("y", ElementType.UInt8, Array.Empty<int>()));
            node.Outputs.Add(new Value("s", ElementType.Float32, Array.Empty<int>()));
            node.Outputs.Add(new Value("z", ElementType.UInt8, Array.Empty<int>()));
            var op = Compiler.Ops.OperatorRegistry.For(node);
            op.Infer(node);
            var r = op.Evaluate(node, new[] { node.Inputs[0]!.Constant });
            Assert.Equal(new float[] { 1 }, r[1].Floats);
            Assert.Equal(new[] { zeroPoint }, Ints(r[2]));
            Assert.Equal(expected, Ints(r[0]));
        }

        [Fact]
        public void DequantizeRejectsAZeroPointOfAnotherType()
        {
            var b = new OnnxModelBuilder("dq", 13);
            b.Input("x", ElementType.UInt8, 2);
            b.Initializer("s", Tensor.Scalar(1f));
            b.Initializer("z", Of(ElementType.Int8, Array.Empty<int>(), 0));
            b.NodeWithOutputs("DequantizeLinear", new[] { "x", "s", "z" }, new[] { "r" }, "dq", "");
            b.Output("r", ElementType.Float32, 2);
            var e = Assert.Throws<ModelException>(() => Load(b));
            Assert.Contains("zero point", e.Problem);
        }

        [Fact]
        public void DequantizeRejectsFloatInput()
        {
            var b = new OnnxModelBuilder("dq", 13);
            b.Input("x", ElementType.Float32, 2);
            b.Initializer("s", Tensor.Scalar(1f));
            b.NodeWithOutputs("DequantizeLinear", new[] { "x", "s" }, new[] { "r" }, "dq", "");
            b.Output("r", ElementType.Float32, 2);
            var e = Assert.Throws<ModelException>(() => Load(b));
            Assert.Contains("f32", e.Problem);
        }
    }
}
