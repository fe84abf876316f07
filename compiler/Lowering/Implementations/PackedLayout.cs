using System;
using System.Globalization;

namespace Bitsmith.Compiler.Lowering.Implementations
{
    /// <summary>
    /// How a packed constant's bytes are arranged: a parametrised record, written into the plan
    /// as its <see cref="Text"/>. Each layout packs with a pure function and unpacks back (its
    /// round trip is tested), so the layout is data, not knowledge spread over the emitters.
    /// </summary>
    public abstract record PackedLayout
    {
        /// <summary>The layout in the plan, e.g. <c>c4-rows rows=64 quads=8 taps=9</c>.</summary>
        public abstract string Text { get; }

        protected static string N(long v) => v.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Little-endian int32 values, one per output channel (folded zero-point terms).</summary>
    public sealed record Int32Vector(int Count) : PackedLayout
    {
        public override string Text => $"s32 count={N(Count)}";

        public byte[] Pack(int[] values)
        {
            if (values.Length != Count)
                throw new ArgumentException($"{values.Length} values for {Count}");
            var bytes = new byte[Count * 4];
            Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
            return bytes;
        }

        public int[] Unpack(byte[] bytes)
        {
            var values = new int[Count];
            Buffer.BlockCopy(bytes, 0, values, 0, Count * 4);
            return values;
        }
    }

    /// <summary>Little-endian doubles, one per output channel (requantisation multipliers, biases).</summary>
    public sealed record Float64Vector(int Count) : PackedLayout
    {
        public override string Text => $"f64 count={N(Count)}";

        public byte[] Pack(double[] values)
        {
            if (values.Length != Count)
                throw new ArgumentException($"{values.Length} values for {Count}");
            var bytes = new byte[Count * 8];
            Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
            return bytes;
        }

        public double[] Unpack(byte[] bytes)
        {
            var values = new double[Count];
            Buffer.BlockCopy(bytes, 0, values, 0, Count * 8);
            return values;
        }
    }

    /// <summary>Little-endian floats (depthwise weights <c>w - zw</c> as exact small integers, <c>[rows, taps]</c>).</summary>
    public sealed record Float32Vector(int Count) : PackedLayout
    {
        public override string Text => $"f32 count={N(Count)}";

        public byte[] Pack(float[] values)
        {
            if (values.Length != Count)
                throw new ArgumentException($"{values.Length} values for {Count}");
            var bytes = new byte[Count * 4];
            Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
            return bytes;
        }

        public float[] Unpack(byte[] bytes)
        {
            var values = new float[Count];
            Buffer.BlockCopy(bytes, 0, values, 0, Count * 4);
            return values;
        }
    }

    /// <summary>
    /// Convolution weights for <c>Runtime.Kernels.Int8.ConvKernel</c>: per output channel, one
    /// 32-bit word per (channel quad, tap), in that order, holding the s8 weights of four
    /// consecutive input channels at that tap (zeros past the last channel). Unpacks to
    /// <c>[rows, channels, taps]</c>.
    /// </summary>
    public sealed record C4Rows(int Rows, int Channels, int Taps) : PackedLayout
    {
        public int Quads => (Channels + 3) / 4;

        public int WordsPerRow => Quads * Taps;

        public override string Text => $"c4-rows rows={N(Rows)} channels={N(Channels)} taps={N(Taps)}";

        /// <param name="w">Weights as <c>[rows, channels, taps]</c>, each in [-128, 127].</param>
        public byte[] Pack(int[] w)
        {
            if (w.Length != Rows * Channels * Taps)
                throw new ArgumentException($"{w.Length} weights for {Rows}x{Channels}x{Taps}");
            var bytes = new byte[Rows * WordsPerRow * 4];
            for (int r = 0; r < Rows; r++)
                for (int c = 0; c < Channels; c++)
                    for (int t = 0; t < Taps; t++)
                        bytes[((r * Quads + c / 4) * Taps + t) * 4 + c % 4] = (byte)(sbyte)w[(r * Channels + c) * Taps + t];
            return bytes;
        }

        public int[] Unpack(byte[] bytes)
        {
            var w = new int[Rows * Channels * Taps];
            for (int r = 0; r < Rows; r++)
                for (int c = 0; c < Channels; c++)
                    for (int t = 0; t < Taps; t++)
                        w[(r * Channels + c) * Taps + t] = (sbyte)bytes[((r * Quads + c / 4) * Taps + t) * 4 + c % 4];
            return w;
        }
    }

    /// <summary>
    /// Matrix weights for <c>Runtime.Kernels.Int8.GemvKernel</c>: output channels in blocks of 16,
    /// each block one sequential stream of <c>[quad of k][16 rows][4 bytes]</c> (zeros past the
    /// last row and the last k). Unpacks to <c>[rows, k]</c>.
    /// </summary>
    public sealed record C4Blocks16(int Rows, int Depth) : PackedLayout
    {
        public const int BlockRows = 16;

        public int Blocks => (Rows + BlockRows - 1) / BlockRows;

        public int Quads => (Depth + 3) / 4;

        public override string Text => $"c4-blocks16 rows={N(Rows)} depth={N(Depth)}";

        /// <param name="w">Weights as <c>[rows, depth]</c>, each in [-128, 127].</param>
        public byte[] Pack(int[] w)
        {
            if (w.Length != Rows * Depth)
                throw new ArgumentException($"{w.Length} weights for {Rows}x{Depth}");
            var bytes = new byte[Blocks * Quads * BlockRows * 4];
            for (int r = 0; r < Rows; r++)
                for (int k = 0; k < Depth; k++)
                    bytes[Index(r, k)] = (byte)(sbyte)w[r * Depth + k];
            return bytes;
        }

        public int[] Unpack(byte[] bytes)
        {
            var w = new int[Rows * Depth];
            for (int r = 0; r < Rows; r++)
                for (int k = 0; k < Depth; k++)
                    w[r * Depth + k] = (sbyte)bytes[Index(r, k)];
            return w;
        }

        private int Index(int r, int k) => ((r / BlockRows * Quads + k / 4) * BlockRows + r % BlockRows) * 4 + k % 4;
    }

    /// <summary>
    /// Transformed 3×3 filters for <c>Runtime.Kernels.Int8.WinogradConv</c>: per block of 16 filters
    /// and per Winograd element e (16), one <see cref="C4Blocks16"/> block over the channels padded to
    /// whole 16-byte rows, <c>[block][e][quad][16 rows][4 bytes]</c>. Packs and unpacks
    /// <c>[rows, channels, 16]</c>, each value in s8.
    /// </summary>
    public sealed record WinogradBlocks16(int Rows, int Channels) : PackedLayout
    {
        public const int BlockRows = 16;

        public const int Elements = 16;

        public int Blocks => (Rows + BlockRows - 1) / BlockRows;

        public int Quads => (Channels + 15) / 16 * 4;

        public override string Text => $"winograd-blocks16 rows={N(Rows)} channels={N(Channels)}";

        public byte[] Pack(int[] u)
        {
            if (u.Length != Rows * Channels * Elements)
                throw new ArgumentException($"{u.Length} transformed weights for {Rows}x{Channels}x{Elements}");
            var bytes = new byte[Blocks * Elements * Quads * BlockRows * 4];
            for (int r = 0; r < Rows; r++)
                for (int c = 0; c < Channels; c++)
                    for (int e = 0; e < Elements; e++)
                        bytes[Index(r, c, e)] = (byte)checked((sbyte)u[(r * Channels + c) * Elements + e]);
            return bytes;
        }

        public int[] Unpack(byte[] bytes)
        {
            var u = new int[Rows * Channels * Elements];
            for (int r = 0; r < Rows; r++)
                for (int c = 0; c < Channels; c++)
                    for (int e = 0; e < Elements; e++)
                        u[(r * Channels + c) * Elements + e] = (sbyte)bytes[Index(r, c, e)];
            return u;
        }

        private int Index(int r, int c, int e) => (((r / BlockRows * Elements + e) * Quads + c / 4) * BlockRows + r % BlockRows) * 4 + c % 4;
    }

    /// <summary>
    /// Matrix B for <c>Runtime.Kernels.Int8.NarrowGemvKernel</c>: <see cref="C4Blocks16"/> with
    /// <c>8 / Bits</c> weights a byte (Bits = 4, 2 or 1). In each block, the <c>G = 8 / Bits</c> quads
    /// <c>G·p + j</c> of k share one <c>[16 rows][4 bytes]</c> group, quad j in bits
    /// <c>[Bits·j, Bits·(j+1))</c> of each byte; each field holds <c>w - m[r]</c>, the weight above
    /// its row's minimum (<see cref="Minima"/>), in [0, 2^Bits); zero past the last row and the
    /// last k. Unpacks to <c>[rows, k]</c> with the minima.
    /// </summary>
    public sealed record C4Blocks16Narrow(int Rows, int Depth, int Bits) : PackedLayout
    {
        public const int BlockRows = 16;

        public int Blocks => (Rows + BlockRows - 1) / BlockRows;

        public int QuadsPerGroup => 8 / Bits;

        public int Groups => ((Depth + 3) / 4 + QuadsPerGroup - 1) / QuadsPerGroup;

        public override string Text => $"c4-blocks16-u{Bits} rows={N(Rows)} depth={N(Depth)}";

        private int Largest => (1 << Bits) - 1;

        /// <summary>Each row's smallest weight, or null when some row spans more than 2^Bits values.</summary>
        public int[]? Minima(int[] w) => RowMinima(w, Rows, Depth, Largest);

        /// <summary>Each row's smallest weight of <c>[rows, depth]</c>, or null when some row's weights span more than <paramref name="largest"/> above it.</summary>
        internal static int[]? RowMinima(int[] w, int rows, int depth, int largest)
        {
            var minima = new int[rows];
            for (int r = 0; r < rows; r++)
            {
                int lo = int.MaxValue, hi = int.MinValue;
                for (int k = 0; k < depth; k++)
                {
                    lo = Math.Min(lo, w[r * depth + k]);
                    hi = Math.Max(hi, w[r * depth + k]);
                }
                if (hi - lo > largest)
                    return null;
                minima[r] = depth == 0 ? 0 : lo;
            }
            return minima;
        }

        /// <summary>Each row's sum of its stored codes <c>Σ_k (w[r, k] - m[r])</c> (the kernel's AVX-VNNI form needs it: it multiplies the codes by <c>x - 128</c>).</summary>
        public int[] CodeSums(int[] w, int[] minima)
        {
            var sums = new int[Rows];
            for (int r = 0; r < Rows; r++)
                for (int k = 0; k < Depth; k++)
                    sums[r] += w[r * Depth + k] - minima[r];
            return sums;
        }

        /// <param name="w">Weights as <c>[rows, depth]</c>, each row within 2^Bits - 1 of its entry in <paramref name="minima"/>.</param>
        public byte[] Pack(int[] w, int[] minima)
        {
            if (Bits != 4 && Bits != 2 && Bits != 1)
                throw new ArgumentOutOfRangeException(nameof(Bits), Bits, "weights are packed at 4, 2 or 1 bits");
            if (w.Length != Rows * Depth || minima.Length != Rows)
                throw new ArgumentException($"{w.Length} weights and {minima.Length} minima for {Rows}x{Depth}");
            var bytes = new byte[Blocks * Groups * BlockRows * 4];
            for (int r = 0; r < Rows; r++)
            {
                for (int k = 0; k < Depth; k++)
                {
                    int u = w[r * Depth + k] - minima[r];
                    if (u < 0 || u > Largest)
                        throw new ArgumentOutOfRangeException(nameof(w), w[r * Depth + k], $"weight [{r}, {k}] is not within {Largest} above its row's minimum {minima[r]}");
                    var (index, shift) = Place(r, k);
                    bytes[index] |= (byte)(u << shift);
                }
            }
            return bytes;
        }

        public int[] Unpack(byte[] bytes, int[] minima)
        {
            var w = new int[Rows * Depth];
            for (int r = 0; r < Rows; r++)
            {
                for (int k = 0; k < Depth; k++)
                {
                    var (index, shift) = Place(r, k);
                    w[r * Depth + k] = (bytes[index] >> shift & Largest) + minima[r];
                }
            }
            return w;
        }

        private (int Index, int Shift) Place(int r, int k)
        {
            int quad = k / 4;
            return (((r / BlockRows * Groups + quad / QuadsPerGroup) * BlockRows + r % BlockRows) * 4 + k % 4, Bits * (quad % QuadsPerGroup));
        }
    }

    /// <summary>
    /// Matrix B for <c>Runtime.Kernels.Lookup.LookupGemv</c>: each weight as its code
    /// <c>u = w - m[r]</c> above its row's minimum (<see cref="Minima"/>) in <see cref="Bits"/> bits,
    /// stored as bit-planes of 4-bit patterns. Blocks of 32 rows, then planes j, then chunks of 16
    /// of k; a chunk is 32 little-endian 16-bit lanes, lane r holding in bits <c>4t..4t+3</c> the
    /// bits j of row r's codes at k = 16c + 4t + i (bit i); zero past the last row and the last k.
    /// Unpacks to <c>[rows, k]</c> with the minima.
    /// </summary>
    public sealed record Lut16Planes(int Rows, int Depth, int Bits) : PackedLayout
    {
        public const int BlockRows = 32;

        public int Blocks => (Rows + BlockRows - 1) / BlockRows;

        public int Chunks => (Depth + 15) / 16;

        public override string Text => $"lut16-planes{Bits} rows={N(Rows)} depth={N(Depth)}";

        private int Largest => (1 << Bits) - 1;

        /// <summary>Each row's smallest weight, or null when some row spans more than 2^Bits values.</summary>
        public int[]? Minima(int[] w) => C4Blocks16Narrow.RowMinima(w, Rows, Depth, Largest);

        /// <param name="w">Weights as <c>[rows, depth]</c>, each row within 2^Bits - 1 of its entry in <paramref name="minima"/>.</param>
        public byte[] Pack(int[] w, int[] minima)
        {
            if (Bits < 1 || Bits > 4)
                throw new ArgumentOutOfRangeException(nameof(Bits), Bits, "lookup weights have 1 to 4 bits");
            if (w.Length != Rows * Depth || minima.Length != Rows)
                throw new ArgumentException($"{w.Length} weights and {minima.Length} minima for {Rows}x{Depth}");
            var bytes = new byte[Blocks * Bits * Chunks * BlockRows * 2];
            for (int r = 0; r < Rows; r++)
            {
                for (int k = 0; k < Depth; k++)
                {
                    int u = w[r * Depth + k] - minima[r];
                    if (u < 0 || u > Largest)
                        throw new ArgumentOutOfRangeException(nameof(w), w[r * Depth + k], $"weight [{r}, {k}] is not within {Largest} above its row's minimum {minima[r]}");
                    for (int j = 0; j < Bits; j++)
                    {
                        var (index, bit) = Place(r, k, j);
                        bytes[index] |= (byte)((u >> j & 1) << bit);
                    }
                }
            }
            return bytes;
        }

        public int[] Unpack(byte[] bytes, int[] minima)
        {
            var w = new int[Rows * Depth];
            for (int r = 0; r < Rows; r++)
            {
                for (int k = 0; k < Depth; k++)
                {
                    int u = 0;
                    for (int j = 0; j < Bits; j++)
                    {
                        var (index, bit) = Place(r, k, j);
                        u |= (bytes[index] >> bit & 1) << j;
                    }
                    w[r * Depth + k] = u + minima[r];
                }
            }
            return w;
        }

        /// <summary>The byte and bit of plane j of weight [r, k]: bit 4t + i of lane r's 16 bits, the low byte first.</summary>
        private (int Index, int Bit) Place(int r, int k, int j)
        {
            int lane = ((r / BlockRows * Bits + j) * Chunks + k / 16) * BlockRows + r % BlockRows;
            int bit = k % 16;
            return (lane * 2 + bit / 8, bit % 8);
        }
    }

    /// <summary>
    /// The codes of a product-quantised B for <c>Runtime.Kernels.Lookup.CodebookGemv</c>: each row's
    /// centroid index (0 to 15) for each of its <see cref="Groups"/> blocks of k, in
    /// <see cref="Lut16Planes"/>' lanes: blocks of 32 rows, then chunks of four groups; a chunk is 32
    /// little-endian 16-bit lanes, lane r holding row r's codes of groups 4c + t in bits <c>4t..4t+3</c>;
    /// zero past the last row and group. Unpacks to <c>[rows, groups]</c>.
    /// </summary>
    public sealed record Lut16Codes(int Rows, int Groups) : PackedLayout
    {
        public const int BlockRows = Lut16Planes.BlockRows;

        public int Blocks => (Rows + BlockRows - 1) / BlockRows;

        public int Chunks => (Groups + 3) / 4;

        public override string Text => $"lut16-codes rows={N(Rows)} groups={N(Groups)}";

        /// <param name="codes">Codes as <c>[rows, groups]</c>, each 0 to 15.</param>
        public byte[] Pack(int[] codes)
        {
            if (codes.Length != Rows * Groups)
                throw new ArgumentException($"{codes.Length} codes for {Rows}x{Groups}");
            var bytes = new byte[Blocks * Chunks * BlockRows * 2];
            for (int r = 0; r < Rows; r++)
            {
                for (int g = 0; g < Groups; g++)
                {
                    int code = codes[r * Groups + g];
                    if (code < 0 || code > 15)
                        throw new ArgumentOutOfRangeException(nameof(codes), code, $"code [{r}, {g}] is not 0 to 15");
                    var (index, shift) = Place(r, g);
                    bytes[index] |= (byte)(code << shift);
                }
            }
            return bytes;
        }

        public int[] Unpack(byte[] bytes)
        {
            var codes = new int[Rows * Groups];
            for (int r = 0; r < Rows; r++)
            {
                for (int g = 0; g < Groups; g++)
                {
                    var (index, shift) = Place(r, g);
                    codes[r * Groups + g] = bytes[index] >> shift & 0xF;
                }
            }
            return codes;
        }

        /// <summary>The byte and shift of code [r, g]: bits 4t..4t+3 of lane r of chunk g / 4, the low byte first.</summary>
        private (int Index, int Shift) Place(int r, int g)
        {
            int lane = (r / BlockRows * Chunks + g / 4) * BlockRows + r % BlockRows;
            int bit = 4 * (g % 4);
            return (lane * 2 + bit / 8, bit % 8);
        }
    }

    /// <summary>
    /// Matrix B for <c>Runtime.Kernels.Float32.Sgemm</c>: columns in panels of <see cref="Width"/>,
    /// each panel one sequential stream of <c>[k][Width]</c> floats (zeros past the last column),
    /// so the kernel reads a panel front to back once per row tile. Unpacks to <c>[depth, columns]</c>.
    /// </summary>
    public sealed record F32Panels(int Depth, int Columns, int Width) : PackedLayout
    {
        public int Panels => (Columns + Width - 1) / Width;

        public override string Text => $"f32-panels depth={N(Depth)} columns={N(Columns)} width={N(Width)}";

        /// <param name="b">The matrix as <c>[depth, columns]</c>.</param>
        public byte[] Pack(float[] b)
        {
            if (b.Length != Depth * Columns)
                throw new ArgumentException($"{b.Length} values for {Depth}x{Columns}");
            var packed = new float[Panels * Depth * Width];
            for (int k = 0; k < Depth; k++)
                for (int j = 0; j < Columns; j++)
                    packed[Index(k, j)] = b[k * Columns + j];
            var bytes = new byte[packed.Length * 4];
            Buffer.BlockCopy(packed, 0, bytes, 0, bytes.Length);
            return bytes;
        }

        public float[] Unpack(byte[] bytes)
        {
            var packed = new float[bytes.Length / 4];
            Buffer.BlockCopy(bytes, 0, packed, 0, packed.Length * 4);
            var b = new float[Depth * Columns];
            for (int k = 0; k < Depth; k++)
                for (int j = 0; j < Columns; j++)
                    b[k * Columns + j] = packed[Index(k, j)];
            return b;
        }

        private int Index(int k, int j) => (j / Width * Depth + k) * Width + j % Width;
    }

    /// <summary>
    /// Matrix weights for <c>Runtime.Kernels.BitSerial.BitSerialGemv</c> (as its <c>WeightPlanes</c>
    /// packs them): unsigned codes below <c>2^Bits</c>, row by row, each row <see cref="Bits"/>
    /// planes of <see cref="WordsPerPlane"/> little-endian ulongs; bit <c>k % 64</c> of word
    /// <c>k / 64</c> of plane j is bit j of code k, and the bits past the last k are zero.
    /// Unpacks to <c>[rows, depth]</c>.
    /// </summary>
    public sealed record BitPlanes(int Rows, int Depth, int Bits) : PackedLayout
    {
        public int WordsPerPlane => (Depth + 63) / 64;

        public override string Text => $"bit-planes rows={N(Rows)} depth={N(Depth)} bits={N(Bits)}";

        /// <param name="codes">Codes as <c>[rows, depth]</c>, each in [0, 2^Bits).</param>
        public byte[] Pack(int[] codes)
        {
            if (codes.Length != Rows * Depth)
                throw new ArgumentException($"{codes.Length} codes for {Rows}x{Depth}");
            var bytes = new byte[Rows * Bits * WordsPerPlane * 8];
            for (int r = 0; r < Rows; r++)
                for (int k = 0; k < Depth; k++)
                {
                    int code = codes[r * Depth + k];
                    if (code < 0 || code >> Bits != 0)
                        throw new ArgumentException($"code {code} at ({r}, {k}) has more than {Bits} bits");
                    for (int j = 0; j < Bits; j++)
                        bytes[Index(r, j, k)] |= (byte)((code >> j & 1) << k % 8);
                }
            return bytes;
        }

        public int[] Unpack(byte[] bytes)
        {
            var codes = new int[Rows * Depth];
            for (int r = 0; r < Rows; r++)
                for (int k = 0; k < Depth; k++)
                    for (int j = 0; j < Bits; j++)
                        codes[r * Depth + k] |= (bytes[Index(r, j, k)] >> k % 8 & 1) << j;
            return codes;
        }

        /// <summary>The byte holding bit j of code (r, k): little-endian words make bit k of a plane bit k % 8 of its byte k / 8.</summary>
        private int Index(int r, int j, int k) => (r * Bits + j) * WordsPerPlane * 8 + k / 8;
    }

    /// <summary>
    /// Weights for <c>Runtime.Kernels.Lookup.LowBitConv</c>: unsigned codes of <see cref="Bits"/>
    /// bits (at most 3) as <c>[rows, taps, channels]</c>, in blocks of 64 rows (output channels),
    /// then taps, then groups of <see cref="GroupSize"/> channels: one byte a row, channel k of the
    /// group in bits <c>k · Bits</c> upwards, a 6-bit table index. Rows and channels past the last
    /// are zero. Unpacks to <c>[rows, taps, channels]</c>.
    /// </summary>
    public sealed record Lut64Indices(int Rows, int Taps, int Channels, int Bits, int GroupSize) : PackedLayout
    {
        public const int BlockRows = 64;

        public int Blocks => (Rows + BlockRows - 1) / BlockRows;

        public int GroupsPerTap => (Channels + GroupSize - 1) / GroupSize;

        public override string Text => $"lut64-indices rows={N(Rows)} taps={N(Taps)} channels={N(Channels)} bits={N(Bits)} group={N(GroupSize)}";

        /// <param name="codes">Codes as <c>[rows, taps, channels]</c>, each in [0, 2^Bits).</param>
        public byte[] Pack(int[] codes)
        {
            if (codes.Length != Rows * Taps * Channels)
                throw new ArgumentException($"{codes.Length} codes for {Rows}x{Taps}x{Channels}");
            if (GroupSize * Bits > 6)
                throw new ArgumentException($"{GroupSize} codes of {Bits} bits do not fit a 6-bit index");
            var bytes = new byte[Blocks * Taps * GroupsPerTap * BlockRows];
            for (int r = 0; r < Rows; r++)
                for (int t = 0; t < Taps; t++)
                    for (int c = 0; c < Channels; c++)
                    {
                        int code = codes[(r * Taps + t) * Channels + c];
                        if (code < 0 || code >> Bits != 0)
                            throw new ArgumentException($"code {code} at ({r}, {t}, {c}) has more than {Bits} bits");
                        bytes[Index(r, t, c)] |= (byte)(code << c % GroupSize * Bits);
                    }
            return bytes;
        }

        public int[] Unpack(byte[] bytes)
        {
            var codes = new int[Rows * Taps * Channels];
            for (int r = 0; r < Rows; r++)
                for (int t = 0; t < Taps; t++)
                    for (int c = 0; c < Channels; c++)
                        codes[(r * Taps + t) * Channels + c] = bytes[Index(r, t, c)] >> c % GroupSize * Bits & ((1 << Bits) - 1);
            return codes;
        }

        private int Index(int r, int t, int c) => ((r / BlockRows * Taps + t) * GroupsPerTap + c / GroupSize) * BlockRows + r % BlockRows;
    }

    /// <summary>
    /// The table bank of <c>Runtime.Kernels.Lookup.LowBitConv</c>: for every pattern p of
    /// <see cref="GroupSize"/> activation codes (<see cref="ActivationBits"/> bits each, code k in
    /// bits <c>k · ActivationBits</c>), a table of 64 bytes whose entry i is that group's dot
    /// product with the weight codes index i stands for (<see cref="Lut64Indices"/>). Built from
    /// the widths alone.
    /// </summary>
    public sealed record Lut64Bank(int ActivationBits, int WeightBits, int GroupSize) : PackedLayout
    {
        public const int TableBytes = 64;

        public int Tables => 1 << GroupSize * ActivationBits;

        public override string Text => $"lut64-bank activation-bits={N(ActivationBits)} weight-bits={N(WeightBits)} group={N(GroupSize)}";

        public byte[] Pack()
        {
            var bytes = new byte[Tables * TableBytes];
            for (int p = 0; p < Tables; p++)
                for (int i = 0; i < TableBytes; i++)
                    bytes[p * TableBytes + i] = checked((byte)Entry(p, i));
            return bytes;
        }

        /// <summary><c>Σ_k a_k(p) · w_k(i)</c> over the group's k.</summary>
        public int Entry(int pattern, int index)
        {
            int sum = 0, ma = (1 << ActivationBits) - 1, mw = (1 << WeightBits) - 1;
            for (int k = 0; k < GroupSize; k++)
                sum += (pattern >> k * ActivationBits & ma) * (index >> k * WeightBits & mw);
            return sum;
        }
    }
}
