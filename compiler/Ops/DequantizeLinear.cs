using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Ops
{
    /// <summary>
    /// DequantizeLinear: <c>y = (x - zero_point) · scale</c> in f32, per tensor, per axis or per
    /// block (<see cref="QdqLayout"/>), computed by <see cref="Quantization.Dequantize"/> like
    /// every quantised operand's real value. x is u8/s8 (u4/s4 from opset 21) or s32; an absent
    /// zero point is 0. Registered for the ONNX domain and for "com.microsoft".
    /// </summary>
    public sealed class DequantizeLinear : OperatorBase
    {
        public DequantizeLinear(string domain) => Domain = domain;

        public override string OpType => "DequantizeLinear";

        public override string Domain { get; }

        public override int MinOpset => Domain == QdqLayout.MicrosoftDomain ? 1 : 10;

        public override void Infer(Node node)
        {
            Value x = node.RequiredInput(0), scale = node.RequiredInput(1);
            Value? zp = node.Input(2);
            // Opset 24's output_dtype picks the output type; only f32 is computed here.
            long dtype = node.Domain != QdqLayout.MicrosoftDomain && node.OpsetVersion >= 24 ? node.GetInt("output_dtype", 0) : 0;
            if (dtype != 0 && dtype != (long)Onnx.TensorProto.Types.DataType.Float)
                throw node.Unsupported($"output_dtype {Import.OnnxDataType.Name((int)dtype)} is not supported (f32 is)");
            var types = new System.Collections.Generic.List<ElementType>(QdqLayout.QuantizedTypes(node)) { ElementType.Int32 };
            RequireType(node, x, "input", types.ToArray());
            if (zp != null)
                RequireType(node, zp, "zero point", x.Type);
            QdqLayout.Read(node, x, scale, zp);
            SetOutput(node, 0, ElementType.Float32, x.Shape);
        }

        public override Tensor[] Evaluate(Node node, Tensor?[] inputs)
        {
            Tensor x = inputs[0]!;
            var layout = QdqLayout.Read(node, node.Inputs[0]!, node.Inputs[1]!, node.Input(2));
            var p = layout.Params(inputs[1]!, inputs.Length > 2 ? inputs[2] : null, x.Type);
            return new[] { Tensor.FromFloats(x.Shape, Quantization.Dequantize(x, p)) };
        }
    }
}
