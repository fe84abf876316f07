using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Lowering
{
    /// <summary>
    /// Packs constants into one little-endian byte blob, each at an offset that is a multiple of
    /// <see cref="MemoryPlanner.Alignment"/>, in its storage type: f32, s32, s64 as themselves;
    /// u8, s8 and bool a byte each; u4 and s4 two a byte, the even element in the low nibble
    /// (ONNX's order). A <see cref="WeightLayout.Transposed"/> constant has its last two axes swapped.
    /// </summary>
    public static class WeightPacker
    {
        /// <summary>The blob, and the offset of each tensor in the order given.</summary>
        public static (byte[] Blob, long[] Offsets) Pack(IReadOnlyList<(Tensor Tensor, WeightLayout Layout)> constants)
        {
            if (!BitConverter.IsLittleEndian)
                throw new PlatformNotSupportedException("weights are packed little-endian; this host is big-endian");
            var offsets = new long[constants.Count];
            long size = 0;
            for (int i = 0; i < constants.Count; i++)
            {
                offsets[i] = size;
                size = MemoryPlanner.Align(size + PlanValue.PackedBytes(constants[i].Tensor.Type, constants[i].Tensor.Length));
            }
            if (size > int.MaxValue)
                throw new UnsupportedModelException($"the packed weights take {size} bytes; more than 2 GB is not supported");
            var blob = new byte[size];
            for (int i = 0; i < constants.Count; i++)
            {
                var (tensor, layout) = constants[i];
                Write(layout == WeightLayout.Transposed ? Transpose(tensor) : tensor, blob, (int)offsets[i]);
            }
            return (blob, offsets);
        }

        /// <summary>The SHA-256 of the blob in lowercase hex: the plan names the weights it was made with.</summary>
        public static string Sha256(byte[] blob)
        {
            using var sha = SHA256.Create();
            return Sha256Hex.Format(sha.ComputeHash(blob));
        }

        private static void Write(Tensor t, byte[] blob, int offset)
        {
            switch (t.Type)
            {
                case ElementType.UInt4:
                case ElementType.Int4:
                    for (int i = 0; i < t.Length; i++)
                    {
                        int nibble = (int)(t.GetInt64(i) & 0xF);
                        blob[offset + i / 2] |= (byte)(i % 2 == 0 ? nibble : nibble << 4);
                    }
                    break;
                case ElementType.Float16:
                    throw new UnsupportedModelException("float16 constants are not supported in generated code");
                default:
                    // float[], byte[], sbyte[], int[], long[] and bool[] are primitive arrays: copied as their bytes.
                    Buffer.BlockCopy(t.Data, 0, blob, offset, Buffer.ByteLength(t.Data));
                    break;
            }
        }

        /// <summary>The tensor with its last two axes swapped ([.., K, N] to [.., N, K]).</summary>
        public static Tensor Transpose(Tensor t)
        {
            if (t.Rank < 2)
                return t;
            int k = t.Shape[t.Rank - 2], n = t.Shape[t.Rank - 1], matrix = k * n;
            var shape = (int[])t.Shape.Clone();
            shape[t.Rank - 2] = n;
            shape[t.Rank - 1] = k;
            var result = Tensor.Zeros(t.Type, shape);
            for (int b = 0; matrix > 0 && b < t.Length / matrix; b++)
                for (int r = 0; r < k; r++)
                    for (int c = 0; c < n; c++)
                        Array.Copy(t.Data, b * matrix + r * n + c, result.Data, b * matrix + c * k + r, 1);
            return result;
        }
    }
}
