using System;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Bitsmith.Runtime.Kernels.Int8
{
    /// <summary>
    /// Packs one activation row for <see cref="GemvKernel"/>: its bytes (s8 flipped to u8 by
    /// <c>^ 0x80</c>) as 32-bit words, the last word filled with the zero point past the row's end.
    /// </summary>
    public static class RowPacker
    {
        public static void Pack(ReadOnlySpan<byte> row, byte fill, byte flip, Span<int> words)
        {
            int quads = (row.Length + 3) / 4;
            if (words.Length < quads)
                throw new ArgumentException($"{words.Length} words for a row of {row.Length}", nameof(words));
            var bytes = MemoryMarshal.AsBytes(words.Slice(0, quads));
            int i = 0;
            if (Vector128.IsHardwareAccelerated)
            {
                var f = Vector128.Create(flip);
                for (; i + 16 <= row.Length; i += 16)
                    (Vector128.Create(row.Slice(i, 16)) ^ f).CopyTo(bytes.Slice(i));
            }
            for (; i < row.Length; i++)
                bytes[i] = (byte)(row[i] ^ flip);
            for (; i < bytes.Length; i++)
                bytes[i] = fill;
        }
    }
}
