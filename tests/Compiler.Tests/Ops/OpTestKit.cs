using System.Collections.Generic;
using System.Linq;
using Bitsmith.Compiler.Export;
using Bitsmith.Compiler.Import;
using Bitsmith.Compiler.Interpreter;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Ops;

namespace Bitsmith.Compiler.Tests.Ops
{
    /// <summary>Small helpers for operator tests: run a built ONNX model, or one IR node directly.</summary>
    internal static class OpTestKit
    {
        public static Graph Load(OnnxModelBuilder b) => OnnxImporter.Load(b.ToBytes(), "test.onnx");

        /// <summary>Imports the model and runs it; returns the outputs by name.</summary>
        public static Dictionary<string, Tensor> Run(OnnxModelBuilder b, params (string Name, Tensor Value)[] inputs) =>
            ReferenceInterpreter.Run(Load(b), inputs.ToDictionary(i => i.Name, i => i.Value));

        /// <summary>Runs a node's type rule, then its reference semantics on constants or given tensors.</summary>
        public static Tensor Evaluate(Node node, params Tensor?[] inputs)
        {
            var op = OperatorRegistry.For(node);
            op.Infer(node);
            var args = node.Inputs.Select((v, i) => i < inputs.Length && inputs[i] != null ? inputs[i] : v?.Constant).ToArray();
            return op.Evaluate(node, args)[0];
        }

        public static Node Node(string opType, int opset, Value?[] inputs, Value output, string domain = "")
        {
            var node = new Node(opType.ToLowerInvariant(), opType, domain, opset);
            node.Inputs.AddRange(inputs);
            node.Outputs.Add(output);
            return node;
        }

        public static Value Constant(string name, Tensor t) => Value.FromConstant(name, t);

        public static Tensor F32(int[] shape, params float[] data) => Tensor.FromFloats(shape, data);

        public static Tensor Of(ElementType type, int[] shape, params long[] data)
        {
            var t = Tensor.Zeros(type, shape);
            for (int i = 0; i < data.Length; i++)
                t.SetInt64(i, data[i]);
            return t;
        }

        public static long[] Ints(Tensor t) => t.ToInt64Array();

        /// <summary>Deterministic pseudo-random floats in [-range, range).</summary>
        public static float[] Random(int n, int seed, float range)
        {
            var r = new System.Random(seed);
            return Enumerable.Range(0, n).Select(_ => (float)((r.NextDouble() * 2 - 1) * range)).ToArray();
        }
    }
}
