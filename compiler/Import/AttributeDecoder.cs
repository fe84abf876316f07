using System.Linq;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Onnx;
using IrAttribute = Bitsmith.Compiler.Ir.Attribute;

namespace Bitsmith.Compiler.Import
{
    /// <summary>Converts an AttributeProto to an IR attribute; graphs, sparse tensors and type protos are rejected.</summary>
    internal static class AttributeDecoder
    {
        public static IrAttribute Decode(AttributeProto a, Node node)
        {
            if (a.RefAttrName.Length > 0)
                throw node.Unsupported($"attribute '{a.Name}' refers to a function attribute, which is not supported");
            switch (a.Type)
            {
                case AttributeProto.Types.AttributeType.Float: return IrAttribute.Float(a.F);
                case AttributeProto.Types.AttributeType.Int: return IrAttribute.Int(a.I);
                case AttributeProto.Types.AttributeType.String: return IrAttribute.String(a.S.ToStringUtf8());
                case AttributeProto.Types.AttributeType.Tensor:
                    if (a.T == null)
                        throw node.Error($"attribute '{a.Name}' is a tensor attribute without a tensor");
                    return IrAttribute.FromTensor(Decode(a.T, a.Name, node));
                case AttributeProto.Types.AttributeType.Floats: return IrAttribute.Floats(a.Floats.ToArray());
                case AttributeProto.Types.AttributeType.Ints: return IrAttribute.Ints(a.Ints.ToArray());
                case AttributeProto.Types.AttributeType.Strings: return IrAttribute.Strings(a.Strings.Select(s => s.ToStringUtf8()).ToArray());
                default:
                    throw node.Unsupported($"attribute '{a.Name}' has kind {a.Type}, which is not supported");
            }
        }

        private static Tensor Decode(TensorProto t, string name, Node node)
        {
            try
            {
                return TensorDecoder.Decode(t, $"tensor of attribute '{name}'");
            }
            catch (ModelException e)
            {
                throw e is UnsupportedModelException ? node.Unsupported(e.Problem) : node.Error(e.Problem);
            }
        }
    }
}
