using System;
using System.Globalization;

namespace Bitsmith.Compiler.Ir
{
    /// <summary>
    /// A dense tensor with a static shape: the constants of the IR and the values
    /// the reference interpreter computes. Elements live in one typed array:
    /// float[] (f32, and f16 widened), byte[] (u8, u4 one value per byte),
    /// sbyte[] (s8, s4), int[] (s32), long[] (s64), bool[].
    /// </summary>
    public sealed class Tensor
    {
        public Tensor(ElementType type, int[] shape, Array data)
        {
            if (data.GetType().GetElementType() != type.StorageType())
                throw new ArgumentException($"{type.ShortName()} tensor needs {type.StorageType().Name}[] data, got {data.GetType().Name}");
            if (data.Length != Ir.Shape.Size(shape))
                throw new ArgumentException($"shape {Ir.Shape.Format(shape)} needs {Ir.Shape.Size(shape)} elements, got {data.Length}");
            Type = type;
            Shape = shape;
            Data = data;
        }

        public ElementType Type { get; }

        public int[] Shape { get; }

        /// <summary>The elements, row-major; the array type follows <see cref="ElementTypes.StorageType"/>.</summary>
        public Array Data { get; }

        public int Length => Data.Length;

        public int Rank => Shape.Length;

        /// <summary>A zero-filled tensor.</summary>
        public static Tensor Zeros(ElementType type, int[] shape) =>
            new Tensor(type, shape, Array.CreateInstance(type.StorageType(), Ir.Shape.Size(shape)));

        public static Tensor FromFloats(int[] shape, float[] data) => new Tensor(ElementType.Float32, shape, data);

        public static Tensor FromInt64s(int[] shape, long[] data) => new Tensor(ElementType.Int64, shape, data);

        /// <summary>A u8 vector over <paramref name="data"/> (packed constants).</summary>
        public static Tensor FromBytes(byte[] data) => new Tensor(ElementType.UInt8, new[] { data.Length }, data);

        public static Tensor Scalar(float value) => FromFloats(Array.Empty<int>(), new[] { value });

        public float[] Floats => As<float>();
        public byte[] Bytes => As<byte>();
        public sbyte[] SBytes => As<sbyte>();
        public int[] Ints => As<int>();
        public long[] Longs => As<long>();
        public bool[] Bools => As<bool>();

        private T[] As<T>() => Type.StorageType() == typeof(T)
            ? (T[])Data
            : throw new InvalidOperationException($"{Type.ShortName()} tensor read as {typeof(T).Name}[]");

        // Dispatch on Type, never on the array's runtime type: the CLR lets an sbyte[] pass
        // as a byte[] (array covariance), so "Data is byte[]" is true for s8 tensors too.

        /// <summary>Element <paramref name="i"/> as a double (exact for every type but s64 beyond 2^53).</summary>
        public double GetDouble(int i) => Type.IsFloat() ? ((float[])Data)[i] : GetInt64(i);

        /// <summary>Element <paramref name="i"/> as an integer; throws for floats (use <see cref="GetDouble"/>).</summary>
        public long GetInt64(int i) => Type switch
        {
            ElementType.UInt8 or ElementType.UInt4 => ((byte[])Data)[i],
            ElementType.Int8 or ElementType.Int4 => ((sbyte[])Data)[i],
            ElementType.Int32 => ((int[])Data)[i],
            ElementType.Int64 => ((long[])Data)[i],
            ElementType.Bool => ((bool[])Data)[i] ? 1 : 0,
            _ => throw new InvalidOperationException($"{Type.ShortName()} tensor read as an integer"),
        };

        /// <summary>Stores an integer, wrapping to the element type as ONNX integer arithmetic does.</summary>
        public void SetInt64(int i, long value)
        {
            switch (Type)
            {
                case ElementType.UInt8: ((byte[])Data)[i] = unchecked((byte)value); break;
                case ElementType.UInt4: ((byte[])Data)[i] = (byte)(value & 0xF); break;
                case ElementType.Int8: ((sbyte[])Data)[i] = unchecked((sbyte)value); break;
                case ElementType.Int4: ((sbyte[])Data)[i] = (sbyte)(((int)(value & 0xF) ^ 8) - 8); break;
                case ElementType.Int32: ((int[])Data)[i] = unchecked((int)value); break;
                case ElementType.Int64: ((long[])Data)[i] = value; break;
                case ElementType.Bool: ((bool[])Data)[i] = value != 0; break;
                default: ((float[])Data)[i] = value; break;
            }
        }

        /// <summary>Stores a double: floats as is, integers truncated toward zero and wrapped (callers round first).</summary>
        public void SetDouble(int i, double value)
        {
            if (Type.IsFloat())
                ((float[])Data)[i] = (float)value;
            else if (Type == ElementType.Bool)
                ((bool[])Data)[i] = value != 0;
            else
                SetInt64(i, (long)value);
        }

        /// <summary>All elements as longs (integer tensors), e.g. shape or axes inputs.</summary>
        public long[] ToInt64Array()
        {
            var r = new long[Length];
            for (int i = 0; i < r.Length; i++)
                r[i] = GetInt64(i);
            return r;
        }

        /// <summary>A copy with another shape of the same size (data shared: tensors are not mutated after creation).</summary>
        public Tensor Reshape(int[] shape) => new Tensor(Type, shape, Data);

        public override string ToString() =>
            $"{Type.ShortName()}{Ir.Shape.Format(Shape)}" + (Length <= 8 ? " {" + string.Join(", ", Elements()) + "}" : "");

        private System.Collections.Generic.IEnumerable<string> Elements()
        {
            for (int i = 0; i < Length; i++)
                yield return GetDouble(i).ToString("R", CultureInfo.InvariantCulture);
        }
    }
}
