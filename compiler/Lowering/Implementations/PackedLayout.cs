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
    /// Matrix B for <c>Runtime.Kernels.Int8.NibbleGemvKernel</c>: <see cref="C4Blocks16"/> with two
    /// weights a byte. In each block, quads <c>2p</c> and <c>2p + 1</c> of k share one
    /// <c>[16 rows][4 bytes]</c> group, the even quad in the low nibbles, the odd one in the high;
    /// each nibble holds <c>w - m[r]</c>, the weight above its row's minimum (<see cref="Minima"/>),
    /// in [0, 15]; zero past the last row and the last k. Unpacks to <c>[rows, k]</c> with the minima.
    /// </summary>
    public sealed record C4Blocks16Nibbles(int Rows, int Depth) : PackedLayout
    {
        public const int BlockRows = 16;

        public int Blocks => (Rows + BlockRows - 1) / BlockRows;

        public int QuadPairs => ((Depth + 3) / 4 + 1) / 2;

        public override string Text => $"c4-blocks16-u4 rows={N(Rows)} depth={N(Depth)}";

        /// <summary>Each row's smallest weight, or null when some row spans more than 16 values.</summary>
        public int[]? Minima(int[] w)
        {
            var minima = new int[Rows];
            for (int r = 0; r < Rows; r++)
            {
                int lo = int.MaxValue, hi = int.MinValue;
                for (int k = 0; k < Depth; k++)
                {
                    lo = Math.Min(lo, w[r * Depth + k]);
                    hi = Math.Max(hi, w[r * Depth + k]);
                }
                if (hi - lo > 15)
                    return null;
                minima[r] = Depth == 0 ? 0 : lo;
            }
            return minima;
        }

        /// <param name="w">Weights as <c>[rows, depth]</c>, each row within 15 of its entry in <paramref name="minima"/>.</param>
        public byte[] Pack(int[] w, int[] minima)
        {
            if (w.Length != Rows * Depth || minima.Length != Rows)
                throw new ArgumentException($"{w.Length} weights and {minima.Length} minima for {Rows}x{Depth}");
            var bytes = new byte[Blocks * QuadPairs * BlockRows * 4];
            for (int r = 0; r < Rows; r++)
            {
                for (int k = 0; k < Depth; k++)
                {
                    int u = w[r * Depth + k] - minima[r];
                    if (u < 0 || u > 15)
                        throw new ArgumentOutOfRangeException(nameof(w), w[r * Depth + k], $"weight [{r}, {k}] is not within 15 above its row's minimum {minima[r]}");
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
                    w[r * Depth + k] = (bytes[index] >> shift & 0xF) + minima[r];
                }
            }
            return w;
        }

        private (int Index, int Shift) Place(int r, int k)
        {
            int quad = k / 4;
            return (((r / BlockRows * QuadPairs + quad / 2) * BlockRows + r % BlockRows) * 4 + k % 4, 4 * (quad % 2));
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
}
