using Bitsmith.Compiler.Import;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Onnx;

namespace Bitsmith.Compiler.Tests
{
    internal static class TensorDecoderAccess
    {
        public static Tensor Decode(TensorProto proto) => TensorDecoder.Decode(proto, "tensor");
    }
}
