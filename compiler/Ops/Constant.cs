using System;
using System.Linq;
using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Ops
{
    /// <summary>
    /// Constant: a tensor given by exactly one attribute, value (a tensor), or from opset 12
    /// value_float, value_floats (f32), value_int, value_ints (s64). Sparse and string
    /// constants are not supported. The importer folds these nodes into constant values.
    /// </summary>
    public sealed class Constant : OperatorBase
    {
        private static readonly string[] ValueAttributes =
            { "value", "value_float", "value_floats", "value_int", "value_ints", "sparse_value", "value_string", "value_strings" };

        public override string OpType => "Constant";

        public override void Infer(Node node)
        {
            var t = Value(node);
            SetOutput(node, 0, t.Type, t.Shape);
        }

        public override Tensor[] Evaluate(Node node, Tensor?[] inputs) => new[] { Value(node) };

        private static Tensor Value(Node node)
        {
            var given = ValueAttributes.Where(node.HasAttribute).ToList();
            if (given.Count != 1)
                throw node.Error($"needs exactly one of the attributes {string.Join(", ", ValueAttributes)}; has {(given.Count == 0 ? "none" : string.Join(", ", given))}");
            switch (given[0])
            {
                case "value":
                    return node.GetTensor("value")!;
                case "value_float":
                    return Tensor.Scalar(node.GetFloat("value_float", 0));
                case "value_floats":
                    var floats = node.GetFloats("value_floats")!;
                    return Tensor.FromFloats(new[] { floats.Length }, floats);
                case "value_int":
                    return Tensor.FromInt64s(Array.Empty<int>(), new[] { node.GetInt("value_int") });
                case "value_ints":
                    var ints = node.GetInts("value_ints")!;
                    return Tensor.FromInt64s(new[] { ints.Length }, ints);
                default:
                    throw node.Unsupported($"a constant given by '{given[0]}' is not supported (sparse and string tensors are outside the compiler's types)");
            }
        }
    }
}
