using System;
using Bitsmith.Compiler.Import;
using Bitsmith.Compiler.Ir;
using DataType = Bitsmith.Compiler.Onnx.TensorProto.Types.DataType;

namespace Bitsmith.Compiler.Ops
{
    /// <summary>
    /// QuantizeLinear: <c>y = saturate(roundHalfEven(x / scale) + zero_point)</c> per tensor, per
    /// axis or per block (<see cref="QdqLayout"/>), computed by <see cref="Quantization.Quantize(float[], int[], ElementType, QuantParams)"/>
    /// like every quantised node's output. y has the zero point's type; without one, the
    /// <c>output_dtype</c> attribute's (opset 21), else u8 with zero point 0. Float8 and 16-bit
    /// outputs are not supported (so opset 19's <c>saturate</c>, which only float8 reads, never
    /// matters). Registered for the ONNX domain and for "com.microsoft".
    /// </summary>
    public sealed class QuantizeLinear : OperatorBase
    {
        /// <summary>ONNX's quantised types that have no IR type.</summary>
        private static readonly DataType[] UnsupportedQuantizedTypes =
        {
            DataType.Uint16, DataType.Int16, DataType.Float8E4M3Fn, DataType.Float8E4M3Fnuz, DataType.Float8E5M2, DataType.Float8E5M2Fnuz, DataType.Float4E2M1,
        };

        public QuantizeLinear(string domain) => Domain = domain;

        public override string OpType => "QuantizeLinear";

        public override string Domain { get; }

        public override int MinOpset => Domain == QdqLayout.MicrosoftDomain ? 1 : 10;

        public override void Infer(Node node)
        {
            Value x = node.RequiredInput(0), scale = node.RequiredInput(1);
            Value? zp = node.Input(2);
            if (x.Type == ElementType.Float16)
                throw node.Unsupported($"input '{x.Name}' has element type f16, which is not supported (f32 and s32 are)");
            RequireType(node, x, "input", ElementType.Float32, ElementType.Int32);
            // Opset 24's precision sets the type x / scale is computed in; only f32 is computed here.
            long precision = node.Domain != QdqLayout.MicrosoftDomain && node.OpsetVersion >= 24 ? node.GetInt("precision", 0) : 0;
            if (precision != 0 && precision != (long)Onnx.TensorProto.Types.DataType.Float)
                throw node.Unsupported($"precision {Import.OnnxDataType.Name((int)precision)} is not supported (f32 is)");
            var type = OutputType(node, zp);
            QdqLayout.Read(node, x, scale, zp);
            SetOutput(node, 0, type, x.Shape);
        }

        public override Tensor[] Evaluate(Node node, Tensor?[] inputs)
        {
            Tensor x = inputs[0]!;
            var layout = QdqLayout.Read(node, node.Inputs[0]!, node.Inputs[1]!, node.Input(2));
            var type = node.Outputs[0].Type;
            var p = layout.Params(inputs[1]!, inputs.Length > 2 ? inputs[2] : null, type);
            return new[]
            {
                x.Type == ElementType.Int32 ? Quantization.Quantize(x.Ints, x.Shape, type, p) : Quantization.Quantize(x.Floats, x.Shape, type, p),
            };
        }

        private static ElementType OutputType(Node node, Value? zp)
        {
            long dtype = node.Domain != QdqLayout.MicrosoftDomain && node.OpsetVersion >= 21 ? node.GetInt("output_dtype", 0) : 0;
            ElementType declared = ElementType.UInt8;
            if (dtype != 0 && !OnnxDataType.TryToElementType((int)dtype, out declared))
                throw Array.IndexOf(UnsupportedQuantizedTypes, (DataType)dtype) >= 0
                    ? node.Unsupported($"output_dtype {OnnxDataType.Name((int)dtype)} is not supported")
                    : node.Error($"output_dtype {OnnxDataType.Name((int)dtype)} is not a quantised type");
            if (zp != null)
            {
                if (dtype != 0 && declared != zp.Type)
                    throw node.Error($"output_dtype {declared.ShortName()} differs from the type {zp.Type.ShortName()} of zero point '{zp.Name}'");
                declared = zp.Type;
            }
            var allowed = QdqLayout.QuantizedTypes(node);
            if (Array.IndexOf(allowed, declared) < 0)
                throw node.Error($"output element type {declared.ShortName()} {(zp != null ? $"(of zero point '{zp.Name}') " : "")}is not a quantised type of this opset: expected one of {string.Join(", ", System.Linq.Enumerable.Select(allowed, t => t.ShortName()))}");
            return declared;
        }
    }
}
