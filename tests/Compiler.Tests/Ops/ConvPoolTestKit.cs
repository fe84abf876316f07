using System;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Ops;

namespace Bitsmith.Compiler.Tests.Ops
{
    /// <summary>Builds single IR nodes (quantised values included, which ONNX files cannot express) and runs an op's Infer and Evaluate on them.</summary>
    internal static class ConvPoolTestKit
    {
        public static Value In(string name, Tensor t, QuantParams? quant = null) =>
            new Value(name, t.Type, t.Shape) { Quant = quant };

        public static Value Const(string name, Tensor t, QuantParams? quant = null)
        {
            var v = Value.FromConstant(name, t);
            v.Quant = quant;
            return v;
        }

        public static QuantParams PerTensor(float scale, int zeroPoint, int bits = 8) =>
            new QuantParams(new[] { scale }, new[] { zeroPoint }, 0, 0, bits);

        /// <summary>A node with one f32 output per <paramref name="outputs"/> (set an output's Quant to quantise it).</summary>
        public static Node Node(string opType, int opset, Value?[] inputs, int outputs, params (string Name, object Value)[] attributes)
        {
            var node = new Node(opType.ToLowerInvariant(), opType, "", opset);
            node.Inputs.AddRange(inputs);
            for (int i = 0; i < outputs; i++)
                node.Outputs.Add(new Value("y" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), ElementType.Float32, Array.Empty<int>()));
            foreach (var (name, value) in attributes)
                node.Attributes[name] = value switch
                {
                    long l => Ir.Attribute.Int(l),
                    int n => Ir.Attribute.Int(n),
                    float f => Ir.Attribute.Float(f),
                    string s => Ir.Attribute.String(s),
                    long[] ls => Ir.Attribute.Ints(ls),
                    _ => throw new ArgumentException("unsupported attribute value " + value.GetType().Name),
                };
            return node;
        }

        public static Node Node(string opType, int opset, Value?[] inputs, params (string Name, object Value)[] attributes) =>
            Node(opType, opset, inputs, 1, attributes);

        /// <summary>Infer, then Evaluate on the tensors of the node's inputs (constants included, null for absent).</summary>
        public static Tensor[] Run(Node node, params Tensor?[] inputs)
        {
            var op = OperatorRegistry.For(node);
            op.Infer(node);
            return op.Evaluate(node, inputs);
        }

        public static void Infer(Node node) => OperatorRegistry.For(node).Infer(node);

        public static Tensor F32(int[] shape, params float[] data) => Tensor.FromFloats(shape, data);

        /// <summary>Deterministic integers in [lo, hi] of an integer type.</summary>
        public static Tensor RandomInts(ElementType type, int[] shape, int lo, int hi, int seed)
        {
            var random = new Random(seed);
            var t = Tensor.Zeros(type, shape);
            for (int i = 0; i < t.Length; i++)
                t.SetInt64(i, random.Next(lo, hi + 1));
            return t;
        }
    }
}
