using System;
using System.Collections.Generic;
using System.Linq;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Lowering;
using Bitsmith.Compiler.Ops;
using Attribute = Bitsmith.Compiler.Ir.Attribute;

namespace Bitsmith.Emit.Tests
{
    /// <summary>
    /// Graphs written directly in the IR: the quantised forms that the QDQ pass produces (which an
    /// ONNX file cannot state), int4 weights, fused activations, constant and repeated outputs,
    /// and strategy overrides.
    /// </summary>
    public static class HandBuiltModels
    {
        public static IEnumerable<ModelCase> All()
        {
            yield return QuantizedConv("quantised conv, s8 per-channel weights, u8 output with Relu", ElementType.Int8, perChannel: true, new FusedActivation(ActivationKind.Relu), quantizedOutput: true, group: 1);
            yield return QuantizedConv("quantised conv, s4 weights, f32 output with HardSwish, groups", ElementType.Int4, perChannel: false, new FusedActivation(ActivationKind.HardSwish), quantizedOutput: false, group: 2);
            yield return QuantizedConv("quantised conv, u4 per-channel weights, s8 output with Clip", ElementType.UInt4, perChannel: true, new FusedActivation(ActivationKind.Clip, -1, 2), quantizedOutput: true, group: 1);
            yield return QuantizedPoolsAndAdd();
            yield return QuantizedLinearLayers();
            yield return FloatLayers("float conv with weights (sconv_f32_8x32)", null);
            yield return FloatLayers("float conv with weights (Fp32 override)", "Fp32");
            yield return FloatLayers("float conv with weights (Generic override)", "Generic");
            yield return OutputsThatAreNotComputedInPlace();
            yield return IntegerArithmeticThatWraps();
            yield return CodebookGemm();
            yield return CodebookConv();
            yield return CeilModePoolsOnASmallMap();
        }

        /// <summary>ceil_mode pools whose window is larger than the padded map (PyTorch's 2x2 pools on a 1x1 or 2x3 map): one output each.</summary>
        private static ModelCase CeilModePoolsOnASmallMap()
        {
            var random = new Random(11);
            var g = new Graph("ceil_mode_pools_on_a_small_map", null);
            var x = new Value("x", ElementType.Float32, new[] { 1, 3, 2, 3 });
            g.Inputs.Add(x);
            var max = new Value("max", ElementType.Float32, Array.Empty<int>());
            g.Nodes.Add(Node("max", "MaxPool", new[] { x }, max, ("kernel_shape", new long[] { 4, 4 }), ("strides", new long[] { 3, 3 }), ("ceil_mode", 1L)));
            var avg = new Value("avg", ElementType.Float32, Array.Empty<int>());
            g.Nodes.Add(Node("avg", "AveragePool", new[] { x }, avg, ("kernel_shape", new long[] { 4, 4 }), ("strides", new long[] { 2, 2 }),
                ("pads", new long[] { 1, 1, 0, 0 }), ("ceil_mode", 1L), ("count_include_pad", 1L)));
            g.Outputs.Add(max);
            g.Outputs.Add(avg);
            return Finish(g, random);
        }

        private static ModelCase QuantizedConv(string name, ElementType weightType, bool perChannel, FusedActivation activation, bool quantizedOutput, int group)
        {
            var random = new Random(name.Length);
            var g = new Graph(name.Replace(' ', '_'), null);
            var x = new Value("x", ElementType.UInt8, new[] { 1, 4, 7, 6 }) { Quant = PerTensor(0.02f, 7, 8) };
            g.Inputs.Add(x);
            int m = 6, lo = (int)weightType.MinValue(), hi = (int)weightType.MaxValue();
            var w = Constant("w", Ints(weightType, new[] { m, 4 / group, 3, 3 }, lo, hi, random));
            w.Quant = perChannel
                ? new QuantParams(Enumerable.Range(0, m).Select(i => 0.01f + 0.003f * i).ToArray(), Enumerable.Range(0, m).Select(i => weightType == ElementType.UInt4 ? 8 : 0).ToArray(), 0, 0, weightType.Bits())
                : PerTensor(0.015f, 0, weightType.Bits());
            var b = Constant("b", Ints(ElementType.Int32, new[] { m }, -300, 300, random));
            b.Quant = new QuantParams(Enumerable.Range(0, m).Select(i => 0.02f * w.Quant.Scale[perChannel ? i : 0]).ToArray(), new int[m], 0, 0, 32);
            var y = new Value("y", quantizedOutput ? (weightType == ElementType.UInt4 ? ElementType.Int8 : ElementType.UInt8) : ElementType.Float32, Array.Empty<int>());
            if (quantizedOutput)
                y.Quant = PerTensor(0.05f, weightType == ElementType.UInt4 ? -3 : 10, 8);
            var conv = Node("conv", "Conv", new[] { x, w, b }, y, ("pads", new long[] { 1, 0, 1, 2 }), ("strides", new long[] { 1, 2 }), ("group", (long)group));
            conv.Activation = activation;
            g.Nodes.Add(conv);
            g.Outputs.Add(y);
            return Finish(g, random);
        }

        private static ModelCase QuantizedPoolsAndAdd()
        {
            var random = new Random(3);
            var g = new Graph("quantised_pools_and_add", null);
            var x = new Value("x", ElementType.UInt8, new[] { 1, 3, 6, 6 }) { Quant = PerTensor(0.1f, 12, 8) };
            var skip = new Value("skip", ElementType.Int8, new[] { 3, 1, 1 }) { Quant = new QuantParams(new[] { 0.05f, 0.07f, 0.09f }, new[] { 1, -2, 3 }, 0, 0, 8) };
            g.Inputs.Add(x);
            g.Inputs.Add(skip);
            var pooled = new Value("pooled", ElementType.UInt8, Array.Empty<int>()) { Quant = PerTensor(0.1f, 12, 8) };
            g.Nodes.Add(Node("max", "MaxPool", new[] { x }, pooled, ("kernel_shape", new long[] { 2, 2 }), ("strides", new long[] { 2, 2 })));
            var averaged = new Value("averaged", ElementType.UInt8, Array.Empty<int>()) { Quant = PerTensor(0.08f, 3, 8) };
            g.Nodes.Add(Node("avg", "AveragePool", new[] { pooled }, averaged, ("kernel_shape", new long[] { 2, 2 }), ("pads", new long[] { 1, 1, 0, 0 }), ("count_include_pad", 1L)));
            var sum = new Value("sum", ElementType.Int8, Array.Empty<int>()) { Quant = PerTensor(0.12f, -5, 8) };
            var add = Node("add", "Add", new[] { averaged, skip }, sum);
            add.Activation = new FusedActivation(ActivationKind.Relu);
            g.Nodes.Add(add);
            var global = new Value("global", ElementType.Float32, Array.Empty<int>());
            g.Nodes.Add(Node("gap", "GlobalAveragePool", new[] { sum }, global));
            g.Outputs.Add(global);
            g.Outputs.Add(sum);
            return Finish(g, random);
        }

        /// <summary>A quantised view (Flatten) feeding a quantised Gemm with a per-column weight, and MatMuls whose int4 weights change scale along K (blocked, and per row).</summary>
        private static ModelCase QuantizedLinearLayers()
        {
            var random = new Random(4);
            var g = new Graph("quantised_linear_layers", null);
            var x = new Value("x", ElementType.UInt8, new[] { 1, 2, 4, 4 }) { Quant = PerTensor(0.03f, 9, 8) };
            var a = new Value("a", ElementType.Int8, new[] { 3, 32 }) { Quant = PerTensor(0.05f, -4, 8) };
            g.Inputs.Add(x);
            g.Inputs.Add(a);
            var flat = new Value("flat", ElementType.UInt8, Array.Empty<int>()) { Quant = PerTensor(0.03f, 9, 8) };
            g.Nodes.Add(Node("flatten", "Flatten", new[] { x }, flat, ("axis", 1L)));

            var w = Constant("w", Ints(ElementType.Int8, new[] { 32, 5 }, -127, 127, random));
            w.Quant = new QuantParams(Enumerable.Range(0, 5).Select(i => 0.01f * (i + 1)).ToArray(), new int[5], 1, 0, 8);
            var bias = Constant("bias", Ints(ElementType.Int32, new[] { 5 }, -500, 500, random));
            bias.Quant = new QuantParams(Enumerable.Range(0, 5).Select(i => 0.0003f * (i + 1)).ToArray(), new int[5], 0, 0, 32);
            var fc = new Value("fc", ElementType.Float32, Array.Empty<int>());
            var gemm = Node("fc", "Gemm", new[] { flat, w, bias }, fc);
            gemm.Activation = new FusedActivation(ActivationKind.Relu);
            g.Nodes.Add(gemm);

            var blocked = Constant("blocked", Ints(ElementType.Int4, new[] { 32, 6 }, -8, 7, random));
            blocked.Quant = new QuantParams(Enumerable.Range(0, 24).Select(i => 0.02f + 0.001f * i).ToArray(), Enumerable.Range(0, 24).Select(i => i % 3 - 1).ToArray(), 0, 8, 4);
            var product = new Value("product", ElementType.UInt8, Array.Empty<int>()) { Quant = PerTensor(0.2f, 100, 8) };
            g.Nodes.Add(Node("blocked matmul", "MatMul", new[] { a, blocked }, product));

            var perRow = Constant("per_row", Ints(ElementType.UInt4, new[] { 32, 2 }, 0, 15, random));
            perRow.Quant = new QuantParams(Enumerable.Range(0, 32).Select(i => 0.03f + 0.002f * i).ToArray(), Enumerable.Range(0, 32).Select(i => 8 - i % 2).ToArray(), 0, 0, 4);
            var rows = new Value("rows", ElementType.Float32, Array.Empty<int>());
            g.Nodes.Add(Node("per-row matmul", "MatMul", new[] { a, perRow }, rows));

            g.Outputs.Add(fc);
            g.Outputs.Add(product);
            g.Outputs.Add(rows);
            return Finish(g, random);
        }

        private static ModelCase FloatLayers(string name, string? convStrategy)
        {
            var random = new Random(5);
            var g = new Graph(name.Replace(' ', '_'), null);
            var x = new Value("x", ElementType.Float32, new[] { 2, 3, 9, 8 });
            g.Inputs.Add(x);
            var w = Constant("w", Floats(new[] { 4, 3, 3, 3 }, random));
            var b = Constant("b", Floats(new[] { 4 }, random));
            var c = new Value("c", ElementType.Float32, Array.Empty<int>());
            var conv = Node("conv 1", "Conv", new[] { x, w, b }, c, ("pads", new long[] { 1, 1, 1, 1 }), ("dilations", new long[] { 1, 2 }));
            conv.Activation = new FusedActivation(ActivationKind.Clip, 0, 1.5f);
            g.Nodes.Add(conv);
            var padded = new Value("padded", ElementType.Float32, Array.Empty<int>());
            var pads = Constant("pads", Tensor.FromInt64s(new[] { 8 }, new long[] { 0, 0, 2, 1, 0, 0, 1, 3 }));
            g.Nodes.Add(Node("pad", "Pad", new[] { c, pads }, padded, ("mode", "reflect")));
            var pooled = new Value("pooled", ElementType.Float32, Array.Empty<int>());
            g.Nodes.Add(Node("pool", "MaxPool", new[] { padded }, pooled, ("kernel_shape", new long[] { 3, 3 }), ("strides", new long[] { 2, 2 }), ("ceil_mode", 1L)));
            var scale = Constant("scale", Floats(new[] { 4, 1, 1 }, random));
            var y = new Value("y", ElementType.Float32, Array.Empty<int>());
            g.Nodes.Add(Node("mul", "Mul", new[] { pooled, scale }, y));
            g.Outputs.Add(y);
            var options = new CompileOptions();
            if (convStrategy != null)
                options.StrategyOverrides["conv 1"] = convStrategy;
            return Finish(g, random, options);
        }

        /// <summary>Outputs the caller gets by copy: a graph input, and a constant (int4, packed in the blob).</summary>
        private static ModelCase OutputsThatAreNotComputedInPlace()
        {
            var random = new Random(9);
            var g = new Graph("outputs_by_copy", null);
            var x = new Value("x", ElementType.Int32, new[] { 5 });
            g.Inputs.Add(x);
            var y = new Value("y", ElementType.Int32, Array.Empty<int>());
            g.Nodes.Add(Node("relu", "Relu", new[] { x }, y));
            var k = Constant("k", Ints(ElementType.Int4, new[] { 7 }, -8, 7, random));
            g.Outputs.Add(y);
            g.Outputs.Add(x);
            g.Outputs.Add(k);
            return Finish(g, random);
        }

        /// <summary>s64 division truncating toward zero and MinValue / -1 wrapping; s32 products wrapping.</summary>
        private static ModelCase IntegerArithmeticThatWraps()
        {
            var g = new Graph("integer_arithmetic", null);
            var x = new Value("x", ElementType.Int64, new[] { 4 });
            var y = new Value("y", ElementType.Int64, new[] { 4 });
            var p = new Value("p", ElementType.Int32, new[] { 2 });
            g.Inputs.Add(x);
            g.Inputs.Add(y);
            g.Inputs.Add(p);
            var quotient = new Value("quotient", ElementType.Int64, Array.Empty<int>());
            g.Nodes.Add(Node("div", "Div", new[] { x, y }, quotient));
            var square = new Value("square", ElementType.Int32, Array.Empty<int>());
            g.Nodes.Add(Node("mul", "Mul", new[] { p, p }, square));
            g.Outputs.Add(quotient);
            g.Outputs.Add(square);
            TypeInference.Run(g);
            var inputs = new[]
            {
                Tensor.FromInt64s(new[] { 4 }, new[] { long.MinValue, 7, -7, 100 }),
                Tensor.FromInt64s(new[] { 4 }, new long[] { -1, 2, 2, -3 }),
                new Tensor(ElementType.Int32, new[] { 2 }, new[] { int.MaxValue, -65536 }),
            };
            return new ModelCase("hand-built/" + g.Name, g, new[] { inputs });
        }

        /// <summary>A Gemm whose weight is product-quantised codes (materialised into the blob until the codebook strategy lands).</summary>
        private static ModelCase CodebookGemm()
        {
            var random = new Random(12);
            var g = new Graph("codebook_gemm", null);
            var x = new Value("x", ElementType.Float32, new[] { 2, 8 });
            g.Inputs.Add(x);
            var indices = Ints(ElementType.Int32, new[] { 12 }, 0, 3, random);
            var w = new Value("w", ElementType.Float32, new[] { 8, 6 }) { Codebook = new CodebookWeight(Floats(new[] { 4, 4 }, random), indices) };
            var y = new Value("y", ElementType.Float32, Array.Empty<int>());
            g.Nodes.Add(Node("gemm", "Gemm", new[] { x, w }, y));
            g.Outputs.Add(y);
            return Finish(g, random);
        }

        /// <summary>
        /// A conv whose weight is iPQ codes of whole 3x3 kernels (d = 9), as FashionTraining exports
        /// iPQ: the f32 conv kernel reads it materialised, and the BatchNormalization and Relu after it,
        /// which no pass can fold into codes, run on their own kernels.
        /// </summary>
        private static ModelCase CodebookConv()
        {
            var random = new Random(13);
            var g = new Graph("codebook_conv", null);
            var x = new Value("x", ElementType.Float32, new[] { 1, 4, 7, 6 });
            g.Inputs.Add(x);
            var indices = Ints(ElementType.Int32, new[] { 6 * 4 }, 0, 7, random);
            var w = new Value("w", ElementType.Float32, new[] { 6, 4, 3, 3 }) { Codebook = new CodebookWeight(Floats(new[] { 8, 9 }, random), indices) };
            var b = Constant("b", Floats(new[] { 6 }, random));
            var conv = new Value("conv", ElementType.Float32, Array.Empty<int>());
            g.Nodes.Add(Node("conv", "Conv", new[] { x, w, b }, conv, ("pads", new long[] { 1, 1, 1, 1 })));
            var norm = new Value("norm", ElementType.Float32, Array.Empty<int>());
            var variance = Floats(new[] { 6 }, random);
            for (int i = 0; i < variance.Length; i++)
                variance.Floats[i] = Math.Abs(variance.Floats[i]) + 0.1f;
            g.Nodes.Add(Node("norm", "BatchNormalization", new[] { conv, Constant("gamma", Floats(new[] { 6 }, random)), Constant("beta", Floats(new[] { 6 }, random)),
                Constant("mean", Floats(new[] { 6 }, random)), Constant("variance", variance) }, norm));
            var y = new Value("y", ElementType.Float32, Array.Empty<int>());
            g.Nodes.Add(Node("relu", "Relu", new[] { norm }, y));
            g.Outputs.Add(y);
            return Finish(g, random);
        }

        private static ModelCase Finish(Graph g, Random random, CompileOptions? options = null)
        {
            TypeInference.Run(g);
            Verifier.Verify(g, VerifierStage.Optimized);
            var c = ModelCases.WithRandomInput(g.Name, g, random.Next());
            return new ModelCase("hand-built/" + g.Name, g, c.InputSets, options);
        }

        internal static Node Node(string name, string op, Value[] inputs, Value output, params (string Name, object Value)[] attributes)
        {
            var node = new Node(name, op, "", 21);
            node.Inputs.AddRange(inputs);
            node.Outputs.Add(output);
            foreach (var (n, v) in attributes)
                node.Attributes[n] = v switch
                {
                    long l => Attribute.Int(l),
                    string s => Attribute.String(s),
                    long[] ls => Attribute.Ints(ls),
                    _ => throw new ArgumentException(n),
                };
            return node;
        }

        internal static Value Constant(string name, Tensor t) => Value.FromConstant(name, t);

        internal static QuantParams PerTensor(float scale, int zeroPoint, int bits) => new QuantParams(new[] { scale }, new[] { zeroPoint }, 0, 0, bits);

        internal static Tensor Ints(ElementType type, int[] shape, int lo, int hi, Random random)
        {
            var t = Tensor.Zeros(type, shape);
            for (int i = 0; i < t.Length; i++)
                t.SetInt64(i, random.Next(lo, hi + 1));
            return t;
        }

        private static Tensor Floats(int[] shape, Random random)
        {
            var t = Tensor.Zeros(ElementType.Float32, shape);
            for (int i = 0; i < t.Length; i++)
                t.Floats[i] = (float)(random.NextDouble() * 2 - 1);
            return t;
        }
    }
}
