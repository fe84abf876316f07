using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Onnx;

namespace Bitsmith.Compiler.Import
{
    /// <summary>Maps ONNX's TensorProto.DataType codes to IR element types.</summary>
    internal static class OnnxDataType
    {
        public static bool TryToElementType(int code, out ElementType type)
        {
            switch ((TensorProto.Types.DataType)code)
            {
                case TensorProto.Types.DataType.Float: type = ElementType.Float32; return true;
                case TensorProto.Types.DataType.Float16: type = ElementType.Float16; return true;
                case TensorProto.Types.DataType.Uint8: type = ElementType.UInt8; return true;
                case TensorProto.Types.DataType.Int8: type = ElementType.Int8; return true;
                case TensorProto.Types.DataType.Uint4: type = ElementType.UInt4; return true;
                case TensorProto.Types.DataType.Int4: type = ElementType.Int4; return true;
                case TensorProto.Types.DataType.Int32: type = ElementType.Int32; return true;
                case TensorProto.Types.DataType.Int64: type = ElementType.Int64; return true;
                case TensorProto.Types.DataType.Bool: type = ElementType.Bool; return true;
                default: type = default; return false;
            }
        }

        public static string Name(int code) =>
            System.Enum.IsDefined(typeof(TensorProto.Types.DataType), code)
                ? ((TensorProto.Types.DataType)code).ToString().ToUpperInvariant()
                : "code " + code.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
