using System;
using System.IO;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Onnx;
using Google.Protobuf;

namespace Bitsmith.Compiler.Import
{
    /// <summary>Reads a serialized TensorProto (the <c>input_0.pb</c> files of ONNX's test data).</summary>
    public static class OnnxTensorFile
    {
        public static (string Name, Tensor Tensor) Load(string path)
        {
            try
            {
                var proto = TensorProto.Parser.ParseFrom(File.ReadAllBytes(path));
                return (proto.Name, TensorDecoder.Decode(proto, "tensor"));
            }
            catch (InvalidProtocolBufferException e)
            {
                throw new ModelException("not a valid TensorProto file: " + e.Message, path, inner: e);
            }
            catch (ModelException e)
            {
                throw e.InFile(path);
            }
        }
    }
}
