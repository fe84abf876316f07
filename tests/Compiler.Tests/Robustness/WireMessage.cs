using System.Collections.Generic;
using System.IO;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Bitsmith.Compiler.Tests.Robustness
{
    /// <summary>
    /// A protobuf message held as its wire-format fields, in file order, with submessages
    /// parsed as trees (the descriptor says which length-delimited fields are messages).
    /// The fuzzer edits fields at any depth and writes the tree back with the enclosing
    /// lengths recomputed, so the mutant is still valid protobuf.
    /// </summary>
    internal sealed class WireMessage
    {
        public List<WireField> Fields { get; } = new List<WireField>();

        /// <summary>Parses a valid message; fields the schema does not know stay opaque.</summary>
        public static WireMessage Parse(byte[] data, MessageDescriptor descriptor)
        {
            var message = new WireMessage();
            var input = new CodedInputStream(data);
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                var field = new WireField(WireFormat.GetTagFieldNumber(tag), WireFormat.GetTagWireType(tag));
                switch (field.WireType)
                {
                    case WireFormat.WireType.Varint: field.Varint = input.ReadUInt64(); break;
                    case WireFormat.WireType.Fixed32: field.Varint = input.ReadFixed32(); break;
                    case WireFormat.WireType.Fixed64: field.Varint = input.ReadFixed64(); break;
                    case WireFormat.WireType.LengthDelimited:
                        byte[] bytes = input.ReadBytes().ToByteArray();
                        var schema = descriptor.FindFieldByNumber(field.Number);
                        if (schema != null && schema.FieldType == FieldType.Message)
                            field.Message = Parse(bytes, schema.MessageType);
                        else
                            field.Bytes = bytes;
                        break;
                    default: throw new InvalidDataException($"wire type {field.WireType} (groups) is not used by ONNX");
                }
                message.Fields.Add(field);
            }
            return message;
        }

        public byte[] ToBytes()
        {
            var stream = new MemoryStream();
            var output = new CodedOutputStream(stream);
            foreach (var f in Fields)
            {
                output.WriteTag(f.Number, f.WireType);
                switch (f.WireType)
                {
                    case WireFormat.WireType.Varint: output.WriteUInt64(f.Varint); break;
                    case WireFormat.WireType.Fixed32: output.WriteFixed32((uint)f.Varint); break;
                    case WireFormat.WireType.Fixed64: output.WriteFixed64(f.Varint); break;
                    default: output.WriteBytes(ByteString.CopyFrom(f.Message != null ? f.Message.ToBytes() : f.Bytes)); break;
                }
            }
            output.Flush();
            return stream.ToArray();
        }

        public WireMessage Clone()
        {
            var copy = new WireMessage();
            foreach (var f in Fields)
                copy.Fields.Add(f.Clone());
            return copy;
        }

        /// <summary>Every field of the tree with the list that holds it, outermost first.</summary>
        public IEnumerable<(List<WireField> Owner, int Index)> AllFields()
        {
            for (int i = 0; i < Fields.Count; i++)
            {
                yield return (Fields, i);
                if (Fields[i].Message != null)
                    foreach (var inner in Fields[i].Message!.AllFields())
                        yield return inner;
            }
        }
    }

    /// <summary>One field occurrence: a scalar (varint or fixed, kept as bits), opaque bytes, or a submessage.</summary>
    internal sealed class WireField
    {
        public WireField(int number, WireFormat.WireType wireType)
        {
            Number = number;
            WireType = wireType;
        }

        public int Number { get; }

        public WireFormat.WireType WireType { get; }

        public ulong Varint { get; set; }

        public byte[] Bytes { get; set; } = System.Array.Empty<byte>();

        public WireMessage? Message { get; set; }

        public WireField Clone() => new WireField(Number, WireType)
        {
            Varint = Varint,
            Bytes = (byte[])Bytes.Clone(),
            Message = Message?.Clone(),
        };
    }
}
