using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Bitsmith.Compiler.Export;
using Bitsmith.Compiler.Import;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Onnx;
using Google.Protobuf;

namespace Bitsmith.Compiler.Tests.Robustness
{
    /// <summary>A valid model the fuzzer mutates: its bytes and its wire-format tree.</summary>
    internal sealed class SeedModel
    {
        public SeedModel(string name, byte[] bytes)
        {
            Name = name;
            Bytes = bytes;
            Tree = WireMessage.Parse(bytes, ModelProto.Descriptor);
        }

        public string Name { get; }

        public byte[] Bytes { get; }

        public WireMessage Tree { get; }
    }

    /// <summary>
    /// The models the fuzzer starts from: small real files from ONNX's backend tests that
    /// use the ops Bitsmith supports (or will), and builder models that reach corners the
    /// test files do not (integer arithmetic, int4 constants, QDQ chains, shape arithmetic).
    /// </summary>
    internal static class FuzzCorpus
    {
        private static readonly string[] OnnxTests =
        {
            "node/test_add", "node/test_add_bcast", "node/test_sub_bcast", "node/test_div", "node/test_mul_bcast",
            "node/test_relu", "node/test_gemm_all_attributes", "node/test_gemm_default_vector_bias", "node/test_matmul_3d",
            "node/test_qlinearconv", "node/test_qlinearmatmul_2D", "node/test_quantizelinear_axis", "node/test_dequantizelinear_axis",
            "node/test_conv_with_strides_padding", "node/test_conv_with_autopad_same", "node/test_maxpool_2d_pads",
            "node/test_maxpool_2d_ceil", "node/test_averagepool_2d_pads_count_include_pad", "node/test_globalaveragepool",
            "node/test_reshape_negative_dim", "node/test_flatten_axis1", "node/test_transpose_all_permutations_3",
            "node/test_concat_3d_axis_1", "node/test_squeeze", "node/test_unsqueeze_two_axes", "node/test_clip_example",
            "node/test_gather_0", "node/test_softmax_axis_1", "node/test_leakyrelu", "node/test_hardswish",
            "node/test_batchnorm_example", "node/test_constant_pad", "node/test_reflect_pad", "node/test_convinteger_with_padding",
            "node/test_matmulinteger", "node/test_globalmaxpool", "node/test_dequantizelinear", "node/test_constant",
            "pytorch-converted/test_Conv2d", "pytorch-converted/test_Conv2d_depthwise_padded", "pytorch-converted/test_Conv1d_groups",
            "pytorch-converted/test_Linear", "pytorch-converted/test_MaxPool2d", "pytorch-converted/test_AvgPool2d_stride",
            "pytorch-converted/test_BatchNorm2d_eval",
            "pytorch-operator/test_operator_view", "pytorch-operator/test_operator_addmm", "pytorch-operator/test_operator_concat2",
            "pytorch-operator/test_operator_permute2", "pytorch-operator/test_operator_mm", "pytorch-operator/test_operator_pad",
            "simple/test_single_relu_model",
        };

        /// <summary>Tests whose integer inputs (a shape, axes, pads) Bitsmith needs as constants: their test data becomes initializers.</summary>
        private static readonly string[] ConstantIntegerInputs =
        {
            "node/test_reshape_negative_dim", "node/test_squeeze", "node/test_unsqueeze_two_axes", "node/test_constant_pad", "node/test_reflect_pad",
        };

        public static List<SeedModel> Load()
        {
            var seeds = OnnxTests.Select(t => new SeedModel(t, OnnxTest(t))).ToList();
            seeds.Add(new SeedModel("builder/integer_arithmetic", IntegerArithmetic()));
            seeds.Add(new SeedModel("builder/int4_symbolic_batch", Int4SymbolicBatch()));
            seeds.Add(new SeedModel("builder/qdq_conv", QdqConv()));
            seeds.Add(new SeedModel("builder/gemm_chain", GemmChain()));
            seeds.Add(new SeedModel("builder/shape_arithmetic", ShapeArithmetic()));
            seeds.Add(new SeedModel("builder/integer_constants", IntegerConstants()));
            return seeds;
        }

        private static byte[] OnnxTest(string test)
        {
            string dir = Path.Combine(OnnxTestData.Root, test);
            byte[] bytes = File.ReadAllBytes(Path.Combine(dir, "model.onnx"));
            if (!ConstantIntegerInputs.Contains(test))
                return bytes;
            var model = OnnxImporter.Parse(bytes);
            var g = model.Graph;
            var inputs = g.Input.Where(i => !g.Initializer.Any(t => t.Name == i.Name)).ToList();
            for (int k = 0; k < inputs.Count; k++)
            {
                if (inputs[k].Type.TensorType.ElemType != (int)TensorProto.Types.DataType.Int64)
                    continue;
                var data = OnnxTensorFile.Load(Path.Combine(dir, "test_data_set_0", $"input_{k}.pb")).Tensor;
                g.Initializer.Add(TensorEncoder.Encode(inputs[k].Name, data));
                g.Input.Remove(inputs[k]);
            }
            model.IrVersion = Math.Max(model.IrVersion, 4); // initializers that are not graph inputs need IR 4
            return model.ToByteArray();
        }

        /// <summary>s64 and s8 Add/Sub/Mul/Div with broadcasting, constant divisors (-1 among them: MinValue / -1 wraps) and Relu.</summary>
        private static byte[] IntegerArithmetic()
        {
            var b = new OnnxModelBuilder("integer_arithmetic", opset: 14);
            b.Input("a", ElementType.Int64, 2, 3);
            b.Input("b", ElementType.Int64, 3);
            b.Input("c", ElementType.Int8, 4);
            b.Initializer("k", Tensor.FromInt64s(new[] { 1 }, new long[] { -1 }));
            b.Initializer("divisor", Tensor.FromInt64s(new[] { 3 }, new long[] { 3, -1, -2 }));
            b.Initializer("s", new Tensor(ElementType.Int8, new[] { 4 }, new sbyte[] { -128, 127, -1, 3 }));
            string q = b.Node("Div", new[] { "a", "divisor" });
            string m = b.Node("Mul", new[] { q, "b" });
            string d = b.Node("Div", new[] { m, "k" });
            string s = b.Node("Sub", new[] { d, "a" });
            b.NodeWithOutputs("Relu", new[] { s }, new[] { "y" }, "relu_y", "");
            string e = b.Node("Add", new[] { "c", "s" });
            b.NodeWithOutputs("Relu", new[] { e }, new[] { "z" }, "relu_z", "");
            b.Output("y", ElementType.Int64, 2, 3);
            b.Output("z", ElementType.Int8, 4);
            return b.ToBytes();
        }

        private static byte[] Int4SymbolicBatch()
        {
            var b = new OnnxModelBuilder("int4", opset: 21);
            b.Input("x", ElementType.Float32, -1, 3);
            b.Initializer("q", new Tensor(ElementType.Int4, new[] { 3 }, new sbyte[] { -8, 7, -1 }));
            b.Initializer("scale", new[] { 1 }, new[] { 0.5f });
            string w = b.Node("DequantizeLinear", new[] { "q", "scale" });
            string sum = b.Node("Add", new[] { "x", w });
            b.NodeWithOutputs("Relu", new[] { sum }, new[] { "y" }, "relu", "");
            b.Output("y", ElementType.Float32);
            return b.ToBytes();
        }

        /// <summary>The QDQ form of a quantised Conv + Relu, as quantisation tools write it.</summary>
        private static byte[] QdqConv()
        {
            var b = new OnnxModelBuilder("qdq_conv", opset: 13);
            b.Input("x", ElementType.Float32, 1, 2, 5, 5);
            b.Initializer("xs", Tensor.Scalar(0.05f));
            b.Initializer("xz", new Tensor(ElementType.UInt8, new int[0], new byte[] { 128 }));
            b.Initializer("w", new Tensor(ElementType.Int8, new[] { 3, 2, 3, 3 }, Enumerable.Range(0, 54).Select(i => (sbyte)(i * 7 % 41 - 20)).ToArray()));
            b.Initializer("ws", new[] { 3 }, new[] { 0.01f, 0.02f, 0.03f });
            b.Initializer("wz", new Tensor(ElementType.Int8, new[] { 3 }, new sbyte[3]));
            b.Initializer("bias", new Tensor(ElementType.Int32, new[] { 3 }, new[] { 10, -20, 30 }));
            b.Initializer("bs", new[] { 3 }, new[] { 0.0005f, 0.001f, 0.0015f });
            b.Initializer("bz", new Tensor(ElementType.Int32, new[] { 3 }, new int[3]));
            b.Initializer("ys", Tensor.Scalar(0.1f));
            b.Initializer("yz", new Tensor(ElementType.UInt8, new int[0], new byte[] { 0 }));
            string xq = b.Node("QuantizeLinear", new[] { "x", "xs", "xz" });
            string xd = b.Node("DequantizeLinear", new[] { xq, "xs", "xz" });
            string wd = b.Node("DequantizeLinear", new[] { "w", "ws", "wz" }, ("axis", 0));
            string bd = b.Node("DequantizeLinear", new[] { "bias", "bs", "bz" }, ("axis", 0));
            string conv = b.Node("Conv", new[] { xd, wd, bd }, ("kernel_shape", new[] { 3, 3 }), ("pads", new[] { 1, 1, 1, 1 }), ("strides", new[] { 2, 2 }));
            string relu = b.Node("Relu", new[] { conv });
            string yq = b.Node("QuantizeLinear", new[] { relu, "ys", "yz" });
            b.NodeWithOutputs("DequantizeLinear", new[] { yq, "ys", "yz" }, new[] { "y" }, "dq_y", "");
            b.Output("y", ElementType.Float32, 1, 3, 3, 3);
            return b.ToBytes();
        }

        private static byte[] GemmChain()
        {
            var b = new OnnxModelBuilder("gemm_chain", opset: 13);
            b.Input("x", ElementType.Float32, 2, 2, 3);
            b.Initializer("w1", new[] { 4, 6 }, Enumerable.Range(0, 24).Select(i => i * 0.1f - 1).ToArray());
            b.Initializer("b1", new[] { 4 }, new[] { 0.5f, -0.5f, 1, -1 });
            b.Initializer("w2", new[] { 4, 2 }, Enumerable.Range(0, 8).Select(i => 1f - i * 0.25f).ToArray());
            string flat = b.Node("Flatten", new[] { "x" }, ("axis", 1));
            string g1 = b.Node("Gemm", new[] { flat, "w1", "b1" }, ("transB", 1), ("alpha", 0.5f));
            string r = b.Node("Relu", new[] { g1 });
            b.NodeWithOutputs("MatMul", new[] { r, "w2" }, new[] { "y" }, "matmul", "");
            b.Output("y", ElementType.Float32, 2, 2);
            return b.ToBytes();
        }

        /// <summary>Integer tensors computed from constants at import (Expand, ConstantOfShape, Range): a corrupt shape must not become a huge allocation.</summary>
        private static byte[] IntegerConstants()
        {
            var b = new OnnxModelBuilder("integer_constants", opset: 13);
            b.Input("x", ElementType.Int64, 2, 3);
            b.Initializer("c", Tensor.FromInt64s(new[] { 1, 3 }, new long[] { 1, 2, 3 }));
            b.Initializer("shape", Tensor.FromInt64s(new[] { 2 }, new long[] { 2, 3 }));
            b.Initializer("start", Tensor.FromInt64s(new int[0], new long[] { 0 }));
            b.Initializer("limit", Tensor.FromInt64s(new int[0], new long[] { 6 }));
            b.Initializer("delta", Tensor.FromInt64s(new int[0], new long[] { 1 }));
            string e = b.Node("Expand", new[] { "c", "shape" });
            string k = b.Node("ConstantOfShape", new[] { "shape" }, ("value", Tensor.FromInt64s(new[] { 1 }, new long[] { 5 })));
            string r = b.Node("Reshape", new[] { b.Node("Range", new[] { "start", "limit", "delta" }), "shape" });
            string sum = b.Node("Add", new[] { "x", e });
            string product = b.Node("Mul", new[] { sum, k });
            b.NodeWithOutputs("Sub", new[] { product, r }, new[] { "y" }, "sub", "");
            b.Output("y", ElementType.Int64, 2, 3);
            return b.ToBytes();
        }

        /// <summary>The Gather/Unsqueeze/Concat chain exporters write to compute a Reshape's shape (from a Shape op, here a constant).</summary>
        private static byte[] ShapeArithmetic()
        {
            var b = new OnnxModelBuilder("shape_arithmetic", opset: 13);
            b.Input("x", ElementType.Float32, 2, 3, 4);
            b.Initializer("shape", Tensor.FromInt64s(new[] { 3 }, new long[] { 2, 3, 4 }));
            b.Initializer("i0", Tensor.FromInt64s(new int[0], new long[] { 0 }));
            b.Initializer("axes", Tensor.FromInt64s(new[] { 1 }, new long[] { 0 }));
            b.Initializer("rest", Tensor.FromInt64s(new[] { 1 }, new long[] { -1 }));
            string n = b.Node("Gather", new[] { "shape", "i0" }, ("axis", 0));
            string n1 = b.Node("Unsqueeze", new[] { n, "axes" });
            string target = b.Node("Concat", new[] { n1, "rest" }, ("axis", 0));
            string flat = b.Node("Reshape", new[] { "x", target });
            string t = b.Node("Transpose", new[] { flat }, ("perm", new[] { 1, 0 }));
            b.NodeWithOutputs("MaxPool", new[] { b.Node("Unsqueeze", new[] { t, "axes" }) }, new[] { "y" }, "pool", "", ("kernel_shape", new[] { 2 }));
            b.Output("y", ElementType.Float32);
            return b.ToBytes();
        }
    }
}
