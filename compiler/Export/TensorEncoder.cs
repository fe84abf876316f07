using System;
using System.Runtime.InteropServices;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Onnx;
using Google.Protobuf;

namespace Bitsmith.Compiler.Export
{
    /// <summary>Writes a <see cref="Tensor"/> as a TensorProto with raw_data (little-endian; int4/uint4 two a byte, low nibble first).</summary>
    public static class TensorEncoder
    {
        public static TensorProto Encode(string name, Tensor t)
        {
            var proto = new TensorProto { Name = name, DataType = (int)DataType(t.Type) };
            foreach (int d in t.Shape)
                proto.Dims.Add(d);
            proto.RawData = ByteString.CopyFrom(RawBytes(t));
            return proto;
        }

        public static TensorProto.Types.DataType DataType(ElementType type) => type switch
        {
            ElementType.Float32 => TensorProto.Types.DataType.Float,
            ElementType.Float16 => TensorProto.Types.DataType.Float16,
            ElementType.UInt8 => TensorProto.Types.DataType.Uint8,
            ElementType.Int8 => TensorProto.Types.DataType.Int8,
            ElementType.UInt4 => TensorProto.Types.DataType.Uint4,
            ElementType.Int4 => TensorProto.Types.DataType.Int4,
            ElementType.Int32 => TensorProto.Types.DataType.Int32,
            ElementType.Int64 => TensorProto.Types.DataType.Int64,
            ElementType.Bool => TensorProto.Types.DataType.Bool,
            _ => throw new ArgumentOutOfRangeException(nameof(type)),
        };

        private static byte[] RawBytes(Tensor t)
        {
            switch (t.Type)
            {
                case ElementType.Float32: return MemoryMarshal.AsBytes(t.Floats.AsSpan()).ToArray();
                case ElementType.UInt8: return (byte[])t.Bytes.Clone();
                case ElementType.Int8: return MemoryMarshal.AsBytes(t.SBytes.AsSpan()).ToArray();
                case ElementType.Int32: return MemoryMarshal.AsBytes(t.Ints.AsSpan()).ToArray();
                case ElementType.Int64: return MemoryMarshal.AsBytes(t.Longs.AsSpan()).ToArray();
                case ElementType.UInt4:
                case ElementType.Int4:
                case ElementType.Bool:
                {
                    bool packed = t.Type != ElementType.Bool;
                    var r = new byte[packed ? (t.Length + 1) / 2 : t.Length];
                    for (int i = 0; i < t.Length; i++)
                    {
                        if (packed)
                            r[i / 2] |= (byte)((t.GetInt64(i) & 0xF) << (i % 2 * 4));
                        else
                            r[i] = (byte)t.GetInt64(i);
                    }
                    return r;
                }
                default: throw new ArgumentException($"cannot encode a {t.Type.ShortName()} tensor");
            }
        }
    }
}
