using System;

namespace Bitsmith.Runtime
{
    /// <summary>Reads int4 weights packed two a byte, the element at an even index in the low nibble (ONNX's order).</summary>
    public static class Int4
    {
        public static sbyte Signed(ReadOnlySpan<byte> packed, int index) => (sbyte)((Nibble(packed, index) ^ 8) - 8);

        public static byte Unsigned(ReadOnlySpan<byte> packed, int index) => (byte)Nibble(packed, index);

        private static int Nibble(ReadOnlySpan<byte> packed, int index)
        {
            int b = packed[index >> 1];
            return (index & 1) == 0 ? b & 0xF : b >> 4;
        }
    }
}
