using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Bitsmith.Runtime.Kernels.Lookup
{
    /// <summary>
    /// An exact convolution of low-bit codes (activations of <c>bitsA</c>, weights of <c>bitsW</c>
    /// bits, both at most 3) by table lookup, 64 output channels a vector.
    /// <para>The channels of each tap fall into groups of <c>g = 6 / max(bitsA, bitsW)</c>. A group's
    /// g weights of one output channel, packed <c>bitsW</c> bits each, make a 6-bit index; its g
    /// activations of one pixel, packed <c>bitsA</c> bits each, pick a table of the bank, whose entry
    /// i is the group's dot product with the weights that index i stands for (at most
    /// <c>g · (2^bitsA - 1) · (2^bitsW - 1)</c>, a byte). So one byte lookup does g multiply-adds,
    /// and the bank, built once by the compiler (<c>2^(g·bitsA)</c> tables of 64 bytes, 4 KB at
    /// most), holds every table a pixel can need: nothing is built per input but the patterns.</para>
    /// <para>With AVX-512 VBMI, one <c>vpermb</c> looks up one group for 64 output channels (W1A1:
    /// 384 multiply-adds; W2A2: 192), eight pixels sharing each weight vector. The sums are bytes for
    /// <see cref="GroupsPerFlush"/> groups, then 16-bit in registers (the compiler proves each
    /// channel's total fits), then widened to int32 with each channel's weight step and minimum applied:
    /// <c>Σ x·c = step · Σ x'·w' + min · Σ x'</c> for codes <c>x'</c> and weights
    /// <c>c = min + step · w'</c>, so binary weights {-1, +1} are one bit (step 2).</para>
    /// <para>Layouts. Selectors: one plane of 16-bit table offsets (pattern · 64) per channel group
    /// over the padded input, written by <see cref="PackSelectors"/> with the pixel sums
    /// <c>Σ_c x'</c> beside them (and <see cref="SelectorLength"/>'s zeroed slack). Weights: blocks of 64 output channels, then groups (taps outer,
    /// channel groups inner, as <c>groupOffsets</c> lists them), 64 index bytes each.</para>
    /// </summary>
    public static class LowBitConv
    {
        /// <summary>Output channels of one weight block: one byte lane each in a 512-bit vector.</summary>
        public const int Lanes = 64;

        /// <summary>Bytes of one table: the 64 entries a 6-bit index reaches.</summary>
        public const int TableBytes = 64;

        /// <summary>Output pixels that share each weight vector (the last tile of a call computes all of them and keeps what it needs).</summary>
        public const int PixelsPerTile = 8;

        /// <summary>The form this process runs: <c>Vbmi512</c>, <c>Ssse3</c>, <c>Vector128</c> (portable shuffles: ARM64, or x86 without SSSE3) or <c>scalar</c>.</summary>
        public static string Path => UseVbmi ? "Vbmi512" : Ssse3.IsSupported ? "Ssse3" : Vector128.IsHardwareAccelerated ? "Vector128" : "scalar";

        private static bool UseVbmi => Avx512Vbmi.IsSupported && Vector512.IsHardwareAccelerated;

        /// <summary>Codes of one group: as many as fit a 6-bit index (and a 6-bit table choice).</summary>
        public static int GroupSize(int activationBits, int weightBits) => 6 / Math.Max(activationBits, weightBits);

        /// <summary>The largest table entry; byte sums hold <c>255 / LargestEntry</c> groups.</summary>
        public static int LargestEntry(int activationBits, int weightBits) =>
            GroupSize(activationBits, weightBits) * ((1 << activationBits) - 1) * ((1 << weightBits) - 1);

        /// <summary>Groups summed in bytes before they are widened to 16 bits.</summary>
        public static int GroupsPerFlush(int activationBits, int weightBits) => 255 / LargestEntry(activationBits, weightBits);

        /// <summary>
        /// Packs one image's codes (C planes of height × width bytes) for <see cref="Accumulate"/>:
        /// code <c>x' = ((x ^ flip) - codeOffset) &amp; (2^bits - 1)</c> (the compiler proves the mask
        /// changes nothing), pixels outside the input <paramref name="padCode"/>. Selector planes of
        /// <c>planeHeight × planeWidth</c> (the padded input as far as the windows reach), one per
        /// group of <paramref name="groupSize"/> channels; <paramref name="sums"/> one such plane.
        /// </summary>
        public static void PackSelectors(ReadOnlySpan<byte> input, int channels, int height, int width, int padTop, int padLeft, int planeHeight, int planeWidth,
            byte flip, int codeOffset, int padCode, int activationBits, int groupSize, Span<ushort> selectors, Span<ushort> sums)
        {
            int planePixels = planeHeight * planeWidth, groups = (channels + groupSize - 1) / groupSize;
            if (input.Length < channels * height * width || selectors.Length < groups * planePixels || sums.Length < planePixels)
                throw new ArgumentException($"{channels}x{height}x{width} codes into {groups} selector planes of {planeHeight}x{planeWidth}: spans too short");
            int mask = (1 << activationBits) - 1;
            // Rows and columns of the plane that the input covers; the rest is padding.
            int rows = Math.Clamp(planeHeight - padTop, 0, height), columns = Math.Clamp(planeWidth - padLeft, 0, width);
            if (columns == 0)
                rows = 0;
            for (int cg = 0; cg < groups; cg++)
            {
                int inGroup = Math.Min(groupSize, channels - cg * groupSize), padded = 0;
                for (int k = 0; k < inGroup; k++)
                    padded += (padCode & mask) << (k * activationBits + 6);
                var plane = selectors.Slice(cg * planePixels, planePixels);
                plane.Fill((ushort)padded);
                for (int y = 0; y < rows; y++)
                    PatternRow(input.Slice(cg * groupSize * height * width + y * width), height * width, inGroup, columns, flip, codeOffset, mask, activationBits,
                        plane.Slice((y + padTop) * planeWidth + padLeft, columns));
            }
            selectors.Slice(groups * planePixels).Clear();
            sums.Slice(0, planePixels).Fill((ushort)(channels * (padCode & mask)));
            for (int y = 0; y < rows; y++)
                SumRow(input.Slice(y * width), height * width, channels, columns, flip, codeOffset, mask, sums.Slice((y + padTop) * planeWidth + padLeft, columns));
        }

        /// <summary>
        /// One row of a group's patterns: channel k's code shifted to bits <c>k · bits + 6</c>. The
        /// pattern (6 bits at most) is formed in bytes, 32 pixels a step (16 in rows of 16 to 31, or
        /// without 256-bit vectors; 8 in rows of 8 to 15),
        /// the last step overlapping the one before where the row is not a multiple of the step (a
        /// pattern is written, not added, so the overlap is harmless).
        /// </summary>
        private static void PatternRow(ReadOnlySpan<byte> first, int channelStride, int inGroup, int columns, byte flip, int codeOffset, int mask, int bits, Span<ushort> row)
        {
            ref byte source = ref MemoryMarshal.GetReference(first);
            ref ushort destination = ref MemoryMarshal.GetReference(row);
            int step = columns >= 16 ? 16 : 8;
            if (Vector256.IsHardwareAccelerated && columns >= 32)
            {
                var offset = Vector256.Create((byte)(codeOffset - flip));
                var m = Vector256.Create((byte)mask);
                for (int x = 0; x < columns; x = Next(x, 32, columns))
                {
                    Vector256<byte> patterns = default;
                    for (int k = 0; k < inGroup; k++)
                        patterns += (Vector256.LoadUnsafe(ref source, (nuint)(k * channelStride + x)) - offset & m) << (k * bits);
                    (Vector256.WidenLower(patterns) << 6).StoreUnsafe(ref destination, (nuint)x);
                    (Vector256.WidenUpper(patterns) << 6).StoreUnsafe(ref destination, (nuint)(x + 16));
                }
                return;
            }
            if (Vector128.IsHardwareAccelerated && columns >= 8)
            {
                var codes = new CodeBytes(flip, codeOffset, mask);
                for (int x = 0; x < columns; x = Next(x, step, columns))
                {
                    Vector128<byte> patterns = default;
                    for (int k = 0; k < inGroup; k++)
                        patterns += codes.Load(ref Unsafe.Add(ref source, k * channelStride + x), step) << (k * bits);
                    (Vector128.WidenLower(patterns) << 6).StoreUnsafe(ref destination, (nuint)x);
                    if (step == 16)
                        (Vector128.WidenUpper(patterns) << 6).StoreUnsafe(ref destination, (nuint)(x + 8));
                }
                return;
            }
            for (int x = 0; x < columns; x++)
            {
                int pattern = 0;
                for (int k = 0; k < inGroup; k++)
                    pattern += ((Unsafe.Add(ref source, k * channelStride + x) ^ flip) - codeOffset & mask) << (k * bits + 6);
                Unsafe.Add(ref destination, x) = (ushort)pattern;
            }
        }

        /// <summary>One row of pixel sums <c>Σ_c x'</c>, stepped as <see cref="PatternRow"/> steps: summed in bytes as long as no byte can overflow, then in 16 bits.</summary>
        private static void SumRow(ReadOnlySpan<byte> first, int channelStride, int channels, int columns, byte flip, int codeOffset, int mask, Span<ushort> row)
        {
            ref byte source = ref MemoryMarshal.GetReference(first);
            ref ushort destination = ref MemoryMarshal.GetReference(row);
            int step = columns >= 16 ? 16 : 8, perFlush = 255 / Math.Max(mask, 1);
            if (Vector256.IsHardwareAccelerated && columns >= 32)
            {
                var offset = Vector256.Create((byte)(codeOffset - flip));
                var m = Vector256.Create((byte)mask);
                for (int x = 0; x < columns; x = Next(x, 32, columns))
                {
                    Vector256<ushort> low = default, high = default;
                    for (int c = 0; c < channels;)
                    {
                        int end = Math.Min(channels, c + perFlush);
                        Vector256<byte> bytes = default;
                        for (; c < end; c++)
                            bytes += Vector256.LoadUnsafe(ref source, (nuint)(c * channelStride + x)) - offset & m;
                        low += Vector256.WidenLower(bytes);
                        high += Vector256.WidenUpper(bytes);
                    }
                    low.StoreUnsafe(ref destination, (nuint)x);
                    high.StoreUnsafe(ref destination, (nuint)(x + 16));
                }
                return;
            }
            if (Vector128.IsHardwareAccelerated && columns >= 8)
            {
                var codes = new CodeBytes(flip, codeOffset, mask);
                for (int x = 0; x < columns; x = Next(x, step, columns))
                {
                    Vector128<ushort> low = default, high = default;
                    for (int c = 0; c < channels;)
                    {
                        int end = Math.Min(channels, c + perFlush);
                        Vector128<byte> bytes = default;
                        for (; c < end; c++)
                            bytes += codes.Load(ref Unsafe.Add(ref source, c * channelStride + x), step);
                        low += Vector128.WidenLower(bytes);
                        high += Vector128.WidenUpper(bytes);
                    }
                    low.StoreUnsafe(ref destination, (nuint)x);
                    if (step == 16)
                        high.StoreUnsafe(ref destination, (nuint)(x + 8));
                }
                return;
            }
            for (int x = 0; x < columns; x++)
            {
                int sum = 0;
                for (int c = 0; c < channels; c++)
                    sum += (Unsafe.Add(ref source, c * channelStride + x) ^ flip) - codeOffset & mask;
                Unsafe.Add(ref destination, x) = (ushort)sum;
            }
        }

        /// <summary>The start of the step after <paramref name="x"/>: the next, or the last whole step ending at the row's end.</summary>
        private static int Next(int x, int step, int columns) => x + 2 * step <= columns ? x + step : x + step < columns ? columns - step : columns;

        /// <summary>
        /// Stored bytes to codes <c>((x ^ flip) - codeOffset) &amp; mask</c>, 16 or 8 at a time (8 in
        /// the low half). The flip (0 or 0x80) adds 128 modulo 256, so it folds into the offset.
        /// </summary>
        private readonly struct CodeBytes
        {
            private readonly Vector128<byte> _offset, _mask;

            public CodeBytes(byte flip, int codeOffset, int mask)
            {
                _offset = Vector128.Create((byte)(codeOffset - flip));
                _mask = Vector128.Create((byte)mask);
            }

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public Vector128<byte> Load(ref byte source, int step) =>
                (step == 16 ? Vector128.LoadUnsafe(ref source) : Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<ulong>(ref source)).AsByte()) - _offset & _mask;
        }

        /// <summary>
        /// Selector elements <see cref="Accumulate"/> may read: the planes, and past the last the
        /// slack a row's last tile reads beyond the row (its sums are not kept), which
        /// <see cref="PackSelectors"/> zeroes.
        /// </summary>
        public static int SelectorLength(int groups, int planePixels, int strideW) => groups * planePixels + (PixelsPerTile - 1) * strideW;

        /// <summary>
        /// The sums of output pixels <paramref name="firstPixel"/> to <paramref name="endPixel"/>
        /// (raster order over <paramref name="outWidth"/> columns), every block of output channels:
        /// <c>acc[(p - firstPixel) · blocks · 64 + channel] = step · Σ x'·w' + min · Σ x'</c> over the
        /// pixel's window. Pixel p's window starts at plane pixel
        /// <c>(p / outWidth) · strideH · planeWidth + (p % outWidth) · strideW</c>;
        /// <paramref name="groupOffsets"/> gives each group's selector relative to it (its plane and
        /// tap), <paramref name="tapOffsets"/> each tap's pixel. A tile is up to eight pixels of one
        /// output row. Allocates nothing.
        /// </summary>
        public static void Accumulate(ReadOnlySpan<ushort> selectors, ReadOnlySpan<ushort> sums, ReadOnlySpan<int> groupOffsets, ReadOnlySpan<int> tapOffsets,
            ReadOnlySpan<byte> bank, int groupsPerFlush, ReadOnlySpan<byte> weights, int blocks, ReadOnlySpan<int> steps, ReadOnlySpan<int> minima,
            int planeWidth, int outWidth, int strideH, int strideW, int firstPixel, int endPixel, Span<int> acc)
        {
            int groups = groupOffsets.Length, stride = blocks * Lanes;
            if (weights.Length < (long)blocks * groups * Lanes || steps.Length < stride || minima.Length < stride || acc.Length < (long)(endPixel - firstPixel) * stride)
                throw new ArgumentException($"{blocks} blocks of {groups} groups, pixels {firstPixel} to {endPixel}: spans too short");
            if (groupsPerFlush < 1)
                throw new ArgumentOutOfRangeException(nameof(groupsPerFlush), groupsPerFlush, "at least one group between flushes");
            if (bank.Length < TableBytes || (bank.Length & (bank.Length - 1)) != 0)
                throw new ArgumentException($"the bank has {bank.Length} bytes, not a power of two of 64-byte tables", nameof(bank));
            if (endPixel <= firstPixel)
                return;
            int farthest = 0;
            foreach (int offset in groupOffsets)
                farthest = Math.Max(farthest, offset);
            if (selectors.Length < farthest + (endPixel - 1) / outWidth * strideH * planeWidth + (outWidth + PixelsPerTile - 2) * strideW + 1)
                throw new ArgumentException("the selectors end before the last tile's reads (SelectorLength)", nameof(selectors));
            int farthestTap = 0;
            foreach (int t in tapOffsets)
                farthestTap = Math.Max(farthestTap, t);
            Span<int> pixelSums = stackalloc int[PixelsPerTile];
            Span<ushort> words = stackalloc ushort[PixelsPerTile * Lanes];
            ref ushort sel = ref MemoryMarshal.GetReference(selectors);
            for (int p0 = firstPixel; p0 < endPixel;)
            {
                int row = p0 / outWidth, column = p0 % outWidth;
                int count = Math.Min(PixelsPerTile, Math.Min(outWidth - column, endPixel - p0));
                int first = row * strideH * planeWidth + column * strideW;
                WindowSums(sums, tapOffsets, farthestTap, first, count, strideW, pixelSums);
                for (int b = 0; b < blocks; b++)
                {
                    var block = weights.Slice(b * groups * Lanes, groups * Lanes);
                    ref ushort at = ref Unsafe.Add(ref sel, first);
                    if (UseVbmi && strideW <= 4)
                    {
                        // The pixels' selectors sit at constant distances: one address register for all eight.
                        switch (strideW)
                        {
                            case 1: Tile512<StrideOne>(ref at, groupOffsets, bank, groupsPerFlush, block, words); break;
                            case 2: Tile512<StrideTwo>(ref at, groupOffsets, bank, groupsPerFlush, block, words); break;
                            case 3: Tile512<StrideThree>(ref at, groupOffsets, bank, groupsPerFlush, block, words); break;
                            default: Tile512<StrideFour>(ref at, groupOffsets, bank, groupsPerFlush, block, words); break;
                        }
                    }
                    else
                    {
                        words.Clear();
                        for (int p = 0; p < count; p++)
                            PixelShuffled(ref Unsafe.Add(ref at, p * strideW), groupOffsets, bank, groupsPerFlush, block, words.Slice(p * Lanes, Lanes));
                    }
                    Finish(words, count, pixelSums, steps.Slice(b * Lanes, Lanes), minima.Slice(b * Lanes, Lanes), acc.Slice((p0 - firstPixel) * stride + b * Lanes), stride);
                }
                p0 += count;
            }
        }

        /// <summary>A convolution's horizontal stride as a constant of the tile's code.</summary>
        private interface IStride
        {
            static abstract int Value { get; }
        }

        private readonly struct StrideOne : IStride
        {
            public static int Value => 1;
        }

        private readonly struct StrideTwo : IStride
        {
            public static int Value => 2;
        }

        private readonly struct StrideThree : IStride
        {
            public static int Value => 3;
        }

        private readonly struct StrideFour : IStride
        {
            public static int Value => 4;
        }

        /// <summary>
        /// Eight pixels, 64 channels: one <c>vpermb</c> a pixel and group, byte sums widened every
        /// <paramref name="groupsPerFlush"/> groups into 16-bit sums that stay in registers (26 of the
        /// 32 vector registers) and are stored once, into <paramref name="words"/>.
        /// </summary>
        private static void Tile512<TStride>(ref ushort sel, ReadOnlySpan<int> groupOffsets, ReadOnlySpan<byte> bank, int groupsPerFlush, ReadOnlySpan<byte> weights, Span<ushort> words)
            where TStride : IStride
        {
            ref byte tables = ref MemoryMarshal.GetReference(bank);
            ref byte index = ref MemoryMarshal.GetReference(weights);
            ref int offsets = ref MemoryMarshal.GetReference(groupOffsets);
            ref ushort sums = ref MemoryMarshal.GetReference(words);
            int groups = groupOffsets.Length, s = TStride.Value;
            // Every selector is a table's offset; the mask keeps a wrong one inside the bank.
            nuint inBank = (nuint)(bank.Length - TableBytes);
            Vector512<ushort> l0 = default, h0 = default, l1 = default, h1 = default, l2 = default, h2 = default, l3 = default, h3 = default,
                l4 = default, h4 = default, l5 = default, h5 = default, l6 = default, h6 = default, l7 = default, h7 = default;
            for (int j = 0; j < groups;)
            {
                int end = Math.Min(groups, j + groupsPerFlush);
                Vector512<byte> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default;
                for (; j < end; j++)
                {
                    ref ushort g = ref Unsafe.Add(ref sel, (nint)Unsafe.Add(ref offsets, j));
                    var x = Vector512.LoadUnsafe(ref index);
                    index = ref Unsafe.Add(ref index, Lanes);
                    s0 += Avx512Vbmi.PermuteVar64x8(Vector512.LoadUnsafe(ref tables, g & inBank), x);
                    s1 += Avx512Vbmi.PermuteVar64x8(Vector512.LoadUnsafe(ref tables, Unsafe.Add(ref g, s) & inBank), x);
                    s2 += Avx512Vbmi.PermuteVar64x8(Vector512.LoadUnsafe(ref tables, Unsafe.Add(ref g, 2 * s) & inBank), x);
                    s3 += Avx512Vbmi.PermuteVar64x8(Vector512.LoadUnsafe(ref tables, Unsafe.Add(ref g, 3 * s) & inBank), x);
                    s4 += Avx512Vbmi.PermuteVar64x8(Vector512.LoadUnsafe(ref tables, Unsafe.Add(ref g, 4 * s) & inBank), x);
                    s5 += Avx512Vbmi.PermuteVar64x8(Vector512.LoadUnsafe(ref tables, Unsafe.Add(ref g, 5 * s) & inBank), x);
                    s6 += Avx512Vbmi.PermuteVar64x8(Vector512.LoadUnsafe(ref tables, Unsafe.Add(ref g, 6 * s) & inBank), x);
                    s7 += Avx512Vbmi.PermuteVar64x8(Vector512.LoadUnsafe(ref tables, Unsafe.Add(ref g, 7 * s) & inBank), x);
                }
                l0 += Vector512.WidenLower(s0); h0 += Vector512.WidenUpper(s0);
                l1 += Vector512.WidenLower(s1); h1 += Vector512.WidenUpper(s1);
                l2 += Vector512.WidenLower(s2); h2 += Vector512.WidenUpper(s2);
                l3 += Vector512.WidenLower(s3); h3 += Vector512.WidenUpper(s3);
                l4 += Vector512.WidenLower(s4); h4 += Vector512.WidenUpper(s4);
                l5 += Vector512.WidenLower(s5); h5 += Vector512.WidenUpper(s5);
                l6 += Vector512.WidenLower(s6); h6 += Vector512.WidenUpper(s6);
                l7 += Vector512.WidenLower(s7); h7 += Vector512.WidenUpper(s7);
            }
            l0.StoreUnsafe(ref sums, 0); h0.StoreUnsafe(ref sums, 32);
            l1.StoreUnsafe(ref sums, 64); h1.StoreUnsafe(ref sums, 96);
            l2.StoreUnsafe(ref sums, 128); h2.StoreUnsafe(ref sums, 160);
            l3.StoreUnsafe(ref sums, 192); h3.StoreUnsafe(ref sums, 224);
            l4.StoreUnsafe(ref sums, 256); h4.StoreUnsafe(ref sums, 288);
            l5.StoreUnsafe(ref sums, 320); h5.StoreUnsafe(ref sums, 352);
            l6.StoreUnsafe(ref sums, 384); h6.StoreUnsafe(ref sums, 416);
            l7.StoreUnsafe(ref sums, 448); h7.StoreUnsafe(ref sums, 480);
        }

        /// <summary>
        /// One pixel without VBMI. With SSSE3, a 64-entry lookup is four 16-entry <c>pshufb</c>s:
        /// <c>pshufb</c> gives 0 where an index byte's top bit is set, so with the tables chained as
        /// T0, T0^T1, T1^T2, T2^T3 and looked up at i, i-16, i-32, i-48, the XOR of the four is
        /// T_(i/16)[i % 16] (each lower quarter's entry cancels). Other 128-bit machines (ARM64's
        /// <c>tbl</c>) take the portable shuffle, which gives 0 for any index past 15: the OR of the
        /// quarters looked up at i - 16q. Without SIMD, a byte at a time.
        /// </summary>
        private static void PixelShuffled(ref ushort sel, ReadOnlySpan<int> groupOffsets, ReadOnlySpan<byte> bank, int groupsPerFlush, ReadOnlySpan<byte> weights, Span<ushort> words)
        {
            ref byte tables = ref MemoryMarshal.GetReference(bank);
            ref byte w = ref MemoryMarshal.GetReference(weights);
            ref ushort sums = ref MemoryMarshal.GetReference(words);
            int groups = groupOffsets.Length, inBank = bank.Length - TableBytes;
            if (!Vector128.IsHardwareAccelerated)
            {
                for (int j = 0; j < groups; j++)
                {
                    ref byte table = ref Unsafe.Add(ref tables, Unsafe.Add(ref sel, groupOffsets[j]) & inBank);
                    for (int lane = 0; lane < Lanes; lane++)
                        Unsafe.Add(ref sums, lane) += Unsafe.Add(ref table, Unsafe.Add(ref w, j * Lanes + lane) & (TableBytes - 1));
                }
                return;
            }
            var q1 = Vector128.Create((byte)16);
            var q2 = Vector128.Create((byte)32);
            var q3 = Vector128.Create((byte)48);
            for (int j = 0; j < groups;)
            {
                int end = Math.Min(groups, j + groupsPerFlush);
                Vector128<byte> s0 = default, s1 = default, s2 = default, s3 = default;
                for (; j < end; j++)
                {
                    ref byte table = ref Unsafe.Add(ref tables, Unsafe.Add(ref sel, groupOffsets[j]) & inBank);
                    var t0 = Vector128.LoadUnsafe(ref table);
                    var t1 = Vector128.LoadUnsafe(ref table, 16);
                    var t2 = Vector128.LoadUnsafe(ref table, 32);
                    var c1 = t0 ^ t1;
                    var c2 = t1 ^ t2;
                    var c3 = t2 ^ Vector128.LoadUnsafe(ref table, 48);
                    if (Ssse3.IsSupported)
                    {
                        s0 += Lookup64(t0, c1, c2, c3, Vector128.LoadUnsafe(ref w, (nuint)(j * Lanes)), q1, q2, q3);
                        s1 += Lookup64(t0, c1, c2, c3, Vector128.LoadUnsafe(ref w, (nuint)(j * Lanes + 16)), q1, q2, q3);
                        s2 += Lookup64(t0, c1, c2, c3, Vector128.LoadUnsafe(ref w, (nuint)(j * Lanes + 32)), q1, q2, q3);
                        s3 += Lookup64(t0, c1, c2, c3, Vector128.LoadUnsafe(ref w, (nuint)(j * Lanes + 48)), q1, q2, q3);
                    }
                    else
                    {
                        var t3 = Vector128.LoadUnsafe(ref table, 48);
                        s0 += Portable64(t0, t1, t2, t3, Vector128.LoadUnsafe(ref w, (nuint)(j * Lanes)), q1, q2, q3);
                        s1 += Portable64(t0, t1, t2, t3, Vector128.LoadUnsafe(ref w, (nuint)(j * Lanes + 16)), q1, q2, q3);
                        s2 += Portable64(t0, t1, t2, t3, Vector128.LoadUnsafe(ref w, (nuint)(j * Lanes + 32)), q1, q2, q3);
                        s3 += Portable64(t0, t1, t2, t3, Vector128.LoadUnsafe(ref w, (nuint)(j * Lanes + 48)), q1, q2, q3);
                    }
                }
                Widen(s0, ref sums, 0);
                Widen(s1, ref sums, 16);
                Widen(s2, ref sums, 32);
                Widen(s3, ref sums, 48);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector128<byte> Lookup64(Vector128<byte> t0, Vector128<byte> c1, Vector128<byte> c2, Vector128<byte> c3, Vector128<byte> index,
            Vector128<byte> q1, Vector128<byte> q2, Vector128<byte> q3) =>
            Ssse3.Shuffle(t0, index) ^ Ssse3.Shuffle(c1, index - q1) ^ Ssse3.Shuffle(c2, index - q2) ^ Ssse3.Shuffle(c3, index - q3);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector128<byte> Portable64(Vector128<byte> t0, Vector128<byte> t1, Vector128<byte> t2, Vector128<byte> t3, Vector128<byte> index,
            Vector128<byte> q1, Vector128<byte> q2, Vector128<byte> q3) =>
            Vector128.Shuffle(t0, index) | Vector128.Shuffle(t1, index - q1) | Vector128.Shuffle(t2, index - q2) | Vector128.Shuffle(t3, index - q3);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Widen(Vector128<byte> bytes, ref ushort words, int lane)
        {
            (Vector128.LoadUnsafe(ref words, (nuint)lane) + Vector128.WidenLower(bytes)).StoreUnsafe(ref words, (nuint)lane);
            (Vector128.LoadUnsafe(ref words, (nuint)(lane + 8)) + Vector128.WidenUpper(bytes)).StoreUnsafe(ref words, (nuint)(lane + 8));
        }

        /// <summary>
        /// <c>Σ x'</c> over each of the tile's windows: the pixel sums at every tap, eight pixels at
        /// once where they are adjacent (16-bit lanes: a window's sum is at most its 16-bit product bound).
        /// </summary>
        private static void WindowSums(ReadOnlySpan<ushort> sums, ReadOnlySpan<int> tapOffsets, int farthestTap, int first, int count, int strideW, Span<int> pixelSums)
        {
            if (strideW == 1 && Vector128.IsHardwareAccelerated && first + farthestTap + PixelsPerTile <= sums.Length)
            {
                ref ushort at = ref Unsafe.Add(ref MemoryMarshal.GetReference(sums), first);
                Vector128<ushort> total = default;
                foreach (int t in tapOffsets)
                    total += Vector128.LoadUnsafe(ref at, (nuint)t);
                ref int destination = ref MemoryMarshal.GetReference(pixelSums);
                Vector128.WidenLower(total).AsInt32().StoreUnsafe(ref destination);
                Vector128.WidenUpper(total).AsInt32().StoreUnsafe(ref destination, 4);
                return;
            }
            for (int p = 0; p < count; p++)
            {
                int sum = 0;
                foreach (int t in tapOffsets)
                    sum += sums[first + p * strideW + t];
                pixelSums[p] = sum;
            }
        }

        /// <summary><c>acc = step · words + min · Σx'</c> for the tile's first <paramref name="count"/> pixels, 64 channels each.</summary>
        private static void Finish(ReadOnlySpan<ushort> words, int count, ReadOnlySpan<int> pixelSums, ReadOnlySpan<int> steps, ReadOnlySpan<int> minima, Span<int> acc, int stride)
        {
            ref ushort w = ref MemoryMarshal.GetReference(words);
            ref int step = ref MemoryMarshal.GetReference(steps);
            ref int min = ref MemoryMarshal.GetReference(minima);
            ref int output = ref MemoryMarshal.GetReference(acc);
            // Wrapping: a partial term may leave int32, the total the epilogue forms does not.
            if (Vector512.IsHardwareAccelerated)
            {
                // Sixteen channels at a time, their steps and minima held across the pixels.
                for (int c = 0; c < Lanes; c += 16)
                {
                    var steps16 = Vector512.LoadUnsafe(ref step, (nuint)c);
                    var minima16 = Vector512.LoadUnsafe(ref min, (nuint)c);
                    for (int p = 0; p < count; p++)
                    {
                        var v = Vector512.WidenLower(Vector256.LoadUnsafe(ref w, (nuint)(p * Lanes + c)).ToVector512Unsafe()).AsInt32();
                        (steps16 * v + minima16 * Vector512.Create(pixelSums[p])).StoreUnsafe(ref output, (nuint)(p * stride + c));
                    }
                }
                return;
            }
            for (int p = 0; p < count; p++)
            {
                int pixelSum = pixelSums[p], c = 0;
                ref ushort sums = ref Unsafe.Add(ref w, p * Lanes);
                ref int row = ref Unsafe.Add(ref output, p * stride);
                if (Vector256.IsHardwareAccelerated)
                {
                    var sum = Vector256.Create(pixelSum);
                    for (; c < Lanes; c += 16)
                    {
                        var v = Vector256.LoadUnsafe(ref sums, (nuint)c);
                        (Vector256.LoadUnsafe(ref step, (nuint)c) * Vector256.WidenLower(v).AsInt32() + Vector256.LoadUnsafe(ref min, (nuint)c) * sum).StoreUnsafe(ref row, (nuint)c);
                        (Vector256.LoadUnsafe(ref step, (nuint)(c + 8)) * Vector256.WidenUpper(v).AsInt32() + Vector256.LoadUnsafe(ref min, (nuint)(c + 8)) * sum).StoreUnsafe(ref row, (nuint)(c + 8));
                    }
                }
                for (; c < Lanes; c++)
                    Unsafe.Add(ref row, c) = unchecked(Unsafe.Add(ref step, c) * Unsafe.Add(ref sums, c) + Unsafe.Add(ref min, c) * pixelSum);
            }
        }
    }
}
