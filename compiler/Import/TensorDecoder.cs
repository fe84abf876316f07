using System;
using System.Linq;
using System.Runtime.InteropServices;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Onnx;

namespace Bitsmith.Compiler.Import
{
    /// <summary>
    /// Decodes a TensorProto into a <see cref="Tensor"/>: raw_data or the typed fields,
    /// int4/uint4 unpacked (two a byte, low nibble first), float16 widened to f32.
    /// Every length is checked against the dims before anything is allocated.
    /// </summary>
    internal static class TensorDecoder
    {
        public static Tensor Decode(TensorProto proto, string what)
        {
            if (proto.DataLocation == TensorProto.Types.DataLocation.External || proto.ExternalData.Count > 0)
                throw new UnsupportedModelException($"{what} '{proto.Name}' uses external data, which is not supported: save the model with all tensors inside the file");
            if (!OnnxDataType.TryToElementType(proto.DataType, out var type))
                throw new UnsupportedModelException($"{what} '{proto.Name}' has unsupported element type {OnnxDataType.Name(proto.DataType)}");

            var shape = new int[proto.Dims.Count];
            for (int i = 0; i < shape.Length; i++)
            {
                long d = proto.Dims[i];
                if (d < 0 || d > int.MaxValue)
                    throw new ModelException($"{what} '{proto.Name}' has invalid dimension {d}");
                shape[i] = (int)d;
            }
            int n;
            try
            {
                n = Shape.Size(shape);
            }
            catch (ModelException e)
            {
                throw new ModelException($"{what} '{proto.Name}': {e.Problem}");
            }

            var raw = proto.RawData.Span;
            int elementBytes = type == ElementType.Float16 ? 2 : type.Bits() / 8;
            if (raw.Length > 0 || TypedCount(proto, type) == 0)
            {
                long expected = type.Bits() == 4 ? (n + 1L) / 2 : (long)n * elementBytes;
                if (raw.Length != expected)
                    throw new ModelException($"{what} '{proto.Name}' has {raw.Length} bytes of data, expected {expected} for {type.ShortName()}{Shape.Format(shape)}");
                return FromRaw(type, shape, n, raw);
            }
            return FromTyped(proto, type, shape, n, what);
        }

        private static int TypedCount(TensorProto p, ElementType type) => type switch
        {
            ElementType.Float32 => p.FloatData.Count,
            ElementType.Int64 => p.Int64Data.Count,
            _ => p.Int32Data.Count,
        };

        private static Tensor FromRaw(ElementType type, int[] shape, int n, ReadOnlySpan<byte> raw)
        {
            switch (type)
            {
                case ElementType.Float32: return new Tensor(type, shape, MemoryMarshal.Cast<byte, float>(raw).ToArray());
                case ElementType.Float16:
                {
                    var halves = MemoryMarshal.Cast<byte, ushort>(raw);
                    var f = new float[n];
                    for (int i = 0; i < n; i++)
                        f[i] = HalfToSingle(halves[i]);
                    return new Tensor(ElementType.Float32, shape, f);
                }
                case ElementType.UInt8: return new Tensor(type, shape, raw.ToArray());
                case ElementType.Int8: return new Tensor(type, shape, MemoryMarshal.Cast<byte, sbyte>(raw).ToArray());
                case ElementType.Int32: return new Tensor(type, shape, MemoryMarshal.Cast<byte, int>(raw).ToArray());
                case ElementType.Int64: return new Tensor(type, shape, MemoryMarshal.Cast<byte, long>(raw).ToArray());
                case ElementType.Bool:
                {
                    var b = new bool[n];
                    for (int i = 0; i < n; i++)
                        b[i] = raw[i] != 0;
                    return new Tensor(type, shape, b);
                }
                case ElementType.UInt4:
                case ElementType.Int4:
                {
                    var t = Tensor.Zeros(type, shape);
                    for (int i = 0; i < n; i++)
                        t.SetInt64(i, (raw[i / 2] >> (i % 2 * 4)) & 0xF); // SetInt64 sign-extends s4
                    return t;
                }
                default: throw new InvalidOperationException();
            }
        }

        private static Tensor FromTyped(TensorProto p, ElementType type, int[] shape, int n, string what)
        {
            int count = TypedCount(p, type);
            int expected = type.Bits() == 4 ? (n + 1) / 2 : n;
            if (count != expected)
                throw new ModelException($"{what} '{p.Name}' has {count} values, expected {expected} for {type.ShortName()}{Shape.Format(shape)}");
            switch (type)
            {
                case ElementType.Float32: return new Tensor(type, shape, p.FloatData.ToArray());
                case ElementType.Int64: return new Tensor(type, shape, p.Int64Data.ToArray());
                case ElementType.Float16:
                    return new Tensor(ElementType.Float32, shape, p.Int32Data.Select(v => HalfToSingle((ushort)v)).ToArray());
                case ElementType.UInt4:
                case ElementType.Int4:
                    return FromRaw(type, shape, n, p.Int32Data.Select(v => (byte)v).ToArray());
                default:
                {
                    var t = Tensor.Zeros(type, shape);
                    for (int i = 0; i < n; i++)
                        t.SetInt64(i, p.Int32Data[i]);
                    return t;
                }
            }
        }

        /// <summary>IEEE 754 binary16 to binary32 (exact: every half is a float).</summary>
        public static float HalfToSingle(ushort h)
        {
            int sign = (h >> 15) & 1, exp = (h >> 10) & 0x1F, mant = h & 0x3FF;
            float value;
            if (exp == 0)
                value = mant * (1f / (1 << 24)); // subnormal: mant * 2^-24
            else if (exp == 31)
                value = mant == 0 ? float.PositiveInfinity : float.NaN;
            else
                value = (float)((1024 + mant) * Math.Pow(2, exp - 25));
            return sign == 1 ? -value : value;
        }
    }
}
