using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Bitsmith.Runtime.Kernels.Int8
{
    /// <summary>
    /// Exact integer Winograd F(2x2, 3x3) for narrow 3×3 stride-1 convolutions: 16 multiplies per
    /// 2×2 outputs and input channel where the direct conv takes 36.
    /// <para>
    /// With <c>G' = 2G</c> the filter transform <c>U = G' g G'ᵀ</c> is integral (four times Lavin's),
    /// and so is the input transform <c>V = Bᵀ d B</c>. For activation codes in [0, R] every
    /// <c>V</c> lies in [-2R, 4R]; lifted by 2R it is a u8 as long as 6R ≤ 255 (5-bit codes), and
    /// for 4-bit weights every <c>U</c> lies in [-72, 72]. So the 16 element-wise products are
    /// u8 × s8 dot products over the input channels (<see cref="GemmKernel"/>), and
    /// <c>Aᵀ [Σ_c U ⊙ (V + 2R)] A - corrections = 4 · (Σ x·w)</c>, which shifts down by 2 exactly.
    /// Every transform is integer arithmetic: the result is the direct conv's, bit for bit. Wider
    /// codes or weights overflow a byte; the compiler checks the transformed weights and the width.
    /// </para>
    /// Layouts: the input is first laid channels-last into a padded plane (<see cref="PlaneBytes"/>),
    /// <c>[2·tilesH + 2][2·tilesW + 2][4·quads]</c>; the transformed tiles are
    /// <c>[tile group][element e = 4i + j][4 tiles][4·quads]</c>; the weights
    /// <c>[block of 16 filters][e][quad][16][4]</c> (<see cref="GemvKernel"/>'s blocks, one per element);
    /// the sums are channels-last, <c>[output pixel][16·blocks]</c>.
    /// </summary>
    public static class WinogradConv
    {
        /// <summary>Elements of a transformed tile.</summary>
        public const int Elements = 16;

        /// <summary>Tiles whose products are computed together (the GEMM's register tile).</summary>
        public const int TilesPerGroup = GemmKernel.RowsPerTile;

        /// <summary>Input channels a transformed row holds: whole 16-byte vectors.</summary>
        public static int Quads(int channels) => (channels + 15) / 16 * 4;

        public static int Tiles(int outSize) => (outSize + 1) / 2;

        public static int TileGroups(int tiles) => (tiles + TilesPerGroup - 1) / TilesPerGroup;

        public static int PlaneBytes(int tilesH, int tilesW, int quads) => (2 * tilesH + 2) * (2 * tilesW + 2) * 4 * quads;

        public static int TransformedBytes(int tiles, int quads) => TileGroups(tiles) * Elements * TilesPerGroup * 4 * quads;

        /// <summary>Ints of the per-group products: 16 elements × 4 tiles × 16 filters.</summary>
        public const int ProductInts = Elements * TilesPerGroup * GemvKernel.Rows;

        /// <summary>
        /// Lays image <paramref name="x"/> (NCHW bytes, one image) channels-last into the padded
        /// plane as codes <c>(x ^ flip) - codeOffset</c> in [0, R], the padding as <paramref name="padCode"/>,
        /// then writes every tile's 16 transformed values plus <paramref name="lift"/> (2R), wrapping
        /// bytes whose exact values the width proves in [0, 255].
        /// </summary>
        public static void Transform(ReadOnlySpan<byte> x, int channels, int height, int width, int padTop, int padLeft, int tilesH, int tilesW, int quads,
            byte flip, int codeOffset, int padCode, int lift, Span<byte> plane, Span<byte> transformed)
        {
            int stride = 4 * quads, planeW = 2 * tilesW + 2, planeH = 2 * tilesH + 2, tiles = tilesH * tilesW;
            if (stride % 16 != 0 || stride < channels || x.Length < channels * height * width || height + padTop > planeH || width + padLeft > planeW
                || plane.Length < PlaneBytes(tilesH, tilesW, quads) || transformed.Length < TransformedBytes(tiles, quads))
                throw new ArgumentException("the quads, the plane or the transformed tiles are shorter than the image");
            plane.Slice(0, PlaneBytes(tilesH, tilesW, quads)).Fill((byte)padCode);
            Lay(x, channels, height, width, padTop, padLeft, planeW, stride, flip, codeOffset, plane);

            ref byte p = ref MemoryMarshal.GetReference(plane);
            ref byte t = ref MemoryMarshal.GetReference(transformed);
            bool wide = Vector256.IsHardwareAccelerated && stride % 32 == 0;
            var up = Vector128.Create((byte)lift);
            for (int tile = 0; tile < tiles; tile++)
            {
                int ty = tile / tilesW, tx = tile % tilesW;
                ref byte d = ref Unsafe.Add(ref p, (2 * ty * planeW + 2 * tx) * stride);
                ref byte v = ref Unsafe.Add(ref t, (tile / TilesPerGroup * Elements * TilesPerGroup + tile % TilesPerGroup) * stride);
                if (wide)
                    for (int k = 0; k < stride; k += 32)
                        Tile32(ref Unsafe.Add(ref d, k), planeW * stride, stride, ref Unsafe.Add(ref v, k), TilesPerGroup * stride, Vector256.Create(up, up));
                else
                    for (int k = 0; k < stride; k += 16)
                        Tile16(ref Unsafe.Add(ref d, k), planeW * stride, stride, ref Unsafe.Add(ref v, k), TilesPerGroup * stride, up);
            }
        }

        /// <summary>
        /// The image channels-last into the plane, as codes: pixel (y, x)'s channel c at
        /// <c>plane[((y + padTop) · planeW + padLeft + x) · stride + c]</c>. Sixteen pixels a step
        /// (across rows: a channel's pixels are one run), four channels at a time interleaved into
        /// 4-byte words in registers (SSE2's unpacks), so a pixel takes one 32-bit store where bytes
        /// would take four.
        /// </summary>
        private static void Lay(ReadOnlySpan<byte> x, int channels, int height, int width, int padTop, int padLeft, int planeW, int stride, byte flip, int codeOffset, Span<byte> plane)
        {
            int pixels = height * width, p = 0;
            int Destination(int pixel) => ((pixel / width + padTop) * planeW + padLeft + pixel % width) * stride;
            if (Sse2.IsSupported && channels >= 4)
            {
                var f = Vector128.Create(flip);
                var o = Vector128.Create(unchecked((byte)codeOffset));
                ref byte src = ref MemoryMarshal.GetReference(x);
                ref byte dst = ref MemoryMarshal.GetReference(plane);
                Span<int> at = stackalloc int[16];
                for (; p + 16 <= pixels; p += 16)
                {
                    for (int k = 0; k < 16; k++)
                        at[k] = Destination(p + k);
                    for (int c = 0; c + 4 <= channels; c += 4)
                    {
                        ref byte r0 = ref Unsafe.Add(ref src, c * pixels + p);
                        var a0 = (Vector128.LoadUnsafe(ref r0) ^ f) - o;
                        var a1 = (Vector128.LoadUnsafe(ref r0, (nuint)pixels) ^ f) - o;
                        var a2 = (Vector128.LoadUnsafe(ref r0, (nuint)(2 * pixels)) ^ f) - o;
                        var a3 = (Vector128.LoadUnsafe(ref r0, (nuint)(3 * pixels)) ^ f) - o;
                        var lo01 = Sse2.UnpackLow(a0, a1).AsInt16();
                        var hi01 = Sse2.UnpackHigh(a0, a1).AsInt16();
                        var lo23 = Sse2.UnpackLow(a2, a3).AsInt16();
                        var hi23 = Sse2.UnpackHigh(a2, a3).AsInt16();
                        ref byte dc = ref Unsafe.Add(ref dst, c);
                        Words(Sse2.UnpackLow(lo01, lo23).AsInt32(), ref dc, at, 0);
                        Words(Sse2.UnpackHigh(lo01, lo23).AsInt32(), ref dc, at, 4);
                        Words(Sse2.UnpackLow(hi01, hi23).AsInt32(), ref dc, at, 8);
                        Words(Sse2.UnpackHigh(hi01, hi23).AsInt32(), ref dc, at, 12);
                    }
                    for (int c = channels / 4 * 4; c < channels; c++)
                        for (int k = 0; k < 16; k++)
                            plane[at[k] + c] = unchecked((byte)((x[c * pixels + p + k] ^ flip) - codeOffset));
                }
            }
            for (; p < pixels; p++)
            {
                int d = Destination(p);
                for (int c = 0; c < channels; c++)
                    plane[d + c] = unchecked((byte)((x[c * pixels + p] ^ flip) - codeOffset));
            }
        }

        /// <summary>Pixels <paramref name="first"/> to first + 3's words, each at its destination.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Words(Vector128<int> words, ref byte dst, Span<int> at, int first)
        {
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref dst, at[first]), words.GetElement(0));
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref dst, at[first + 1]), words.GetElement(1));
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref dst, at[first + 2]), words.GetElement(2));
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref dst, at[first + 3]), words.GetElement(3));
        }

        /// <summary><c>Bᵀ d B + lift</c> of 32 channels: d's rows <paramref name="rowStride"/> apart, its columns <paramref name="colStride"/>; element e written <c>e · elementStride</c> on.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Tile32(ref byte r0, int rowStride, int colStride, ref byte v, int elementStride, Vector256<byte> lift)
        {
            // Bᵀ = [[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]] on d's rows (t_ij: row i of the result, column j), then on t's columns.
            nuint c = (nuint)colStride, s = (nuint)elementStride;
            ref byte r1 = ref Unsafe.Add(ref r0, rowStride);
            ref byte r2 = ref Unsafe.Add(ref r0, 2 * rowStride);
            ref byte r3 = ref Unsafe.Add(ref r0, 3 * rowStride);
            Vector256<byte> d00 = Vector256.LoadUnsafe(ref r0, 0 * c), d10 = Vector256.LoadUnsafe(ref r1, 0 * c), d20 = Vector256.LoadUnsafe(ref r2, 0 * c), d30 = Vector256.LoadUnsafe(ref r3, 0 * c);
            Vector256<byte> t00 = d00 - d20, t10 = d10 + d20, t20 = d20 - d10, t30 = d10 - d30;
            Vector256<byte> d01 = Vector256.LoadUnsafe(ref r0, 1 * c), d11 = Vector256.LoadUnsafe(ref r1, 1 * c), d21 = Vector256.LoadUnsafe(ref r2, 1 * c), d31 = Vector256.LoadUnsafe(ref r3, 1 * c);
            Vector256<byte> t01 = d01 - d21, t11 = d11 + d21, t21 = d21 - d11, t31 = d11 - d31;
            Vector256<byte> d02 = Vector256.LoadUnsafe(ref r0, 2 * c), d12 = Vector256.LoadUnsafe(ref r1, 2 * c), d22 = Vector256.LoadUnsafe(ref r2, 2 * c), d32 = Vector256.LoadUnsafe(ref r3, 2 * c);
            Vector256<byte> t02 = d02 - d22, t12 = d12 + d22, t22 = d22 - d12, t32 = d12 - d32;
            Vector256<byte> d03 = Vector256.LoadUnsafe(ref r0, 3 * c), d13 = Vector256.LoadUnsafe(ref r1, 3 * c), d23 = Vector256.LoadUnsafe(ref r2, 3 * c), d33 = Vector256.LoadUnsafe(ref r3, 3 * c);
            Vector256<byte> t03 = d03 - d23, t13 = d13 + d23, t23 = d23 - d13, t33 = d13 - d33;
            (t00 - t02 + lift).StoreUnsafe(ref v, 0 * s);
            (t01 + t02 + lift).StoreUnsafe(ref v, 1 * s);
            (t02 - t01 + lift).StoreUnsafe(ref v, 2 * s);
            (t01 - t03 + lift).StoreUnsafe(ref v, 3 * s);
            (t10 - t12 + lift).StoreUnsafe(ref v, 4 * s);
            (t11 + t12 + lift).StoreUnsafe(ref v, 5 * s);
            (t12 - t11 + lift).StoreUnsafe(ref v, 6 * s);
            (t11 - t13 + lift).StoreUnsafe(ref v, 7 * s);
            (t20 - t22 + lift).StoreUnsafe(ref v, 8 * s);
            (t21 + t22 + lift).StoreUnsafe(ref v, 9 * s);
            (t22 - t21 + lift).StoreUnsafe(ref v, 10 * s);
            (t21 - t23 + lift).StoreUnsafe(ref v, 11 * s);
            (t30 - t32 + lift).StoreUnsafe(ref v, 12 * s);
            (t31 + t32 + lift).StoreUnsafe(ref v, 13 * s);
            (t32 - t31 + lift).StoreUnsafe(ref v, 14 * s);
            (t31 - t33 + lift).StoreUnsafe(ref v, 15 * s);
        }

        /// <summary><c>Bᵀ d B + lift</c> of 16 channels: d's rows <paramref name="rowStride"/> apart, its columns <paramref name="colStride"/>; element e written <c>e · elementStride</c> on.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Tile16(ref byte r0, int rowStride, int colStride, ref byte v, int elementStride, Vector128<byte> lift)
        {
            // Bᵀ = [[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]] on d's rows (t_ij: row i of the result, column j), then on t's columns.
            nuint c = (nuint)colStride, s = (nuint)elementStride;
            ref byte r1 = ref Unsafe.Add(ref r0, rowStride);
            ref byte r2 = ref Unsafe.Add(ref r0, 2 * rowStride);
            ref byte r3 = ref Unsafe.Add(ref r0, 3 * rowStride);
            Vector128<byte> d00 = Vector128.LoadUnsafe(ref r0, 0 * c), d10 = Vector128.LoadUnsafe(ref r1, 0 * c), d20 = Vector128.LoadUnsafe(ref r2, 0 * c), d30 = Vector128.LoadUnsafe(ref r3, 0 * c);
            Vector128<byte> t00 = d00 - d20, t10 = d10 + d20, t20 = d20 - d10, t30 = d10 - d30;
            Vector128<byte> d01 = Vector128.LoadUnsafe(ref r0, 1 * c), d11 = Vector128.LoadUnsafe(ref r1, 1 * c), d21 = Vector128.LoadUnsafe(ref r2, 1 * c), d31 = Vector128.LoadUnsafe(ref r3, 1 * c);
            Vector128<byte> t01 = d01 - d21, t11 = d11 + d21, t21 = d21 - d11, t31 = d11 - d31;
            Vector128<byte> d02 = Vector128.LoadUnsafe(ref r0, 2 * c), d12 = Vector128.LoadUnsafe(ref r1, 2 * c), d22 = Vector128.LoadUnsafe(ref r2, 2 * c), d32 = Vector128.LoadUnsafe(ref r3, 2 * c);
            Vector128<byte> t02 = d02 - d22, t12 = d12 + d22, t22 = d22 - d12, t32 = d12 - d32;
            Vector128<byte> d03 = Vector128.LoadUnsafe(ref r0, 3 * c), d13 = Vector128.LoadUnsafe(ref r1, 3 * c), d23 = Vector128.LoadUnsafe(ref r2, 3 * c), d33 = Vector128.LoadUnsafe(ref r3, 3 * c);
            Vector128<byte> t03 = d03 - d23, t13 = d13 + d23, t23 = d23 - d13, t33 = d13 - d33;
            (t00 - t02 + lift).StoreUnsafe(ref v, 0 * s);
            (t01 + t02 + lift).StoreUnsafe(ref v, 1 * s);
            (t02 - t01 + lift).StoreUnsafe(ref v, 2 * s);
            (t01 - t03 + lift).StoreUnsafe(ref v, 3 * s);
            (t10 - t12 + lift).StoreUnsafe(ref v, 4 * s);
            (t11 + t12 + lift).StoreUnsafe(ref v, 5 * s);
            (t12 - t11 + lift).StoreUnsafe(ref v, 6 * s);
            (t11 - t13 + lift).StoreUnsafe(ref v, 7 * s);
            (t20 - t22 + lift).StoreUnsafe(ref v, 8 * s);
            (t21 + t22 + lift).StoreUnsafe(ref v, 9 * s);
            (t22 - t21 + lift).StoreUnsafe(ref v, 10 * s);
            (t21 - t23 + lift).StoreUnsafe(ref v, 11 * s);
            (t30 - t32 + lift).StoreUnsafe(ref v, 12 * s);
            (t31 + t32 + lift).StoreUnsafe(ref v, 13 * s);
            (t32 - t31 + lift).StoreUnsafe(ref v, 14 * s);
            (t31 - t33 + lift).StoreUnsafe(ref v, 15 * s);
        }

        /// <summary>
        /// The products of every tile group with the transformed weights, and the output transform:
        /// <c>sums[(y · outWidth + x) · 16·blocks + f] = Σ_c Σ_taps x'·w</c> for every output pixel.
        /// <paramref name="corrections"/> is <c>[4 pixels of a tile][16·blocks]</c>: <c>Aᵀ (2R · Σ_c U) A</c>.
        /// <paramref name="products"/> is a scratch of <see cref="ProductInts"/>.
        /// </summary>
        public static void Accumulate<TDot>(ReadOnlySpan<byte> transformed, int tilesH, int tilesW, int quads, ReadOnlySpan<sbyte> weights, int blocks,
            ReadOnlySpan<int> corrections, int outHeight, int outWidth, Span<int> products, Span<int> sums) where TDot : IDot4
        {
            int tiles = tilesH * tilesW, lanes = blocks * GemvKernel.Rows, blockBytes = quads * GemvKernel.Rows * 4;
            if (transformed.Length < TransformedBytes(tiles, quads) || weights.Length < blocks * Elements * blockBytes || corrections.Length < 4 * lanes
                || products.Length < ProductInts || sums.Length < outHeight * outWidth * lanes || tilesH != Tiles(outHeight) || tilesW != Tiles(outWidth))
                throw new ArgumentException("the tiles, the weights, the corrections or the sums are shorter than the layer");
            ref int x = ref Unsafe.As<byte, int>(ref MemoryMarshal.GetReference(transformed));
            ref sbyte w = ref MemoryMarshal.GetReference(weights);
            ref int prod = ref MemoryMarshal.GetReference(products);
            ref int corr = ref MemoryMarshal.GetReference(corrections);
            ref int sum = ref MemoryMarshal.GetReference(sums);
            for (int g = 0; g < TileGroups(tiles); g++)
            {
                ref int xg = ref Unsafe.Add(ref x, g * Elements * TilesPerGroup * quads);
                int inGroup = Math.Min(TilesPerGroup, tiles - g * TilesPerGroup);
                for (int b = 0; b < blocks; b++)
                {
                    ref sbyte wb = ref Unsafe.Add(ref w, b * Elements * blockBytes);
                    for (int e = 0; e < Elements; e++)
                        GemmKernel.Block<TDot>(ref Unsafe.Add(ref xg, e * TilesPerGroup * quads), quads, inGroup, ref Unsafe.Add(ref wb, e * blockBytes),
                            ref Unsafe.Add(ref prod, e * TilesPerGroup * GemvKernel.Rows), GemvKernel.Rows);
                    for (int r = 0; r < inGroup; r++)
                    {
                        int tile = g * TilesPerGroup + r, y = 2 * (tile / tilesW), xo = 2 * (tile % tilesW);
                        ref int m = ref Unsafe.Add(ref prod, r * GemvKernel.Rows);
                        ref int c = ref Unsafe.Add(ref corr, b * GemvKernel.Rows);
                        ref int at = ref Unsafe.Add(ref sum, (y * outWidth + xo) * lanes + b * GemvKernel.Rows);
                        int right = xo + 1 < outWidth ? lanes : -1, below = y + 1 < outHeight ? outWidth * lanes : -1;
                        if (Vector256.IsHardwareAccelerated)
                        {
                            Finish256(ref m, ref c, lanes, ref at, right, below);
                            Finish256(ref Unsafe.Add(ref m, 8), ref Unsafe.Add(ref c, 8), lanes, ref Unsafe.Add(ref at, 8), right, below);
                        }
                        else
                            for (int k = 0; k < GemvKernel.Rows; k += 4)
                                Finish128(ref Unsafe.Add(ref m, k), ref Unsafe.Add(ref c, k), lanes, ref Unsafe.Add(ref at, k), right, below);
                    }
                }
            }
        }

        /// <summary>The output transform of one tile's eight filters (see <see cref="Finish128"/>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Finish256(ref int m, ref int c, int lanes, ref int at, int right, int below)
        {
            const int E = TilesPerGroup * GemvKernel.Rows;
            Vector256<int> m4 = Vector256.LoadUnsafe(ref m, 4 * E), m5 = Vector256.LoadUnsafe(ref m, 5 * E), m6 = Vector256.LoadUnsafe(ref m, 6 * E), m7 = Vector256.LoadUnsafe(ref m, 7 * E);
            Vector256<int> m8 = Vector256.LoadUnsafe(ref m, 8 * E), m9 = Vector256.LoadUnsafe(ref m, 9 * E), m10 = Vector256.LoadUnsafe(ref m, 10 * E), m11 = Vector256.LoadUnsafe(ref m, 11 * E);
            Vector256<int> s00 = Vector256.LoadUnsafe(ref m) + m4 + m8, s01 = Vector256.LoadUnsafe(ref m, E) + m5 + m9;
            Vector256<int> s02 = Vector256.LoadUnsafe(ref m, 2 * E) + m6 + m10, s03 = Vector256.LoadUnsafe(ref m, 3 * E) + m7 + m11;
            Vector256<int> s10 = m4 - m8 - Vector256.LoadUnsafe(ref m, 12 * E), s11 = m5 - m9 - Vector256.LoadUnsafe(ref m, 13 * E);
            Vector256<int> s12 = m6 - m10 - Vector256.LoadUnsafe(ref m, 14 * E), s13 = m7 - m11 - Vector256.LoadUnsafe(ref m, 15 * E);
            Vector256.ShiftRightArithmetic(s00 + s01 + s02 - Vector256.LoadUnsafe(ref c), 2).StoreUnsafe(ref at);
            if (right >= 0)
                Vector256.ShiftRightArithmetic(s01 - s02 - s03 - Vector256.LoadUnsafe(ref c, (nuint)lanes), 2).StoreUnsafe(ref at, (nuint)right);
            if (below >= 0)
            {
                Vector256.ShiftRightArithmetic(s10 + s11 + s12 - Vector256.LoadUnsafe(ref c, (nuint)(2 * lanes)), 2).StoreUnsafe(ref at, (nuint)below);
                if (right >= 0)
                    Vector256.ShiftRightArithmetic(s11 - s12 - s13 - Vector256.LoadUnsafe(ref c, (nuint)(3 * lanes)), 2).StoreUnsafe(ref at, (nuint)(below + right));
            }
        }

        /// <summary>
        /// The output transform of one tile's four filters: <c>(Aᵀ M A - corrections) / 4</c> into its
        /// pixels, the one to the right <paramref name="right"/> ints on and the row below
        /// <paramref name="below"/> (negative where that pixel lies past the output).
        /// <c>Aᵀ = [[1, 1, 1, 0], [0, 1, -1, -1]]</c>: M's rows first, then its columns.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Finish128(ref int m, ref int c, int lanes, ref int at, int right, int below)
        {
            const int E = TilesPerGroup * GemvKernel.Rows;
            Vector128<int> m4 = Vector128.LoadUnsafe(ref m, 4 * E), m5 = Vector128.LoadUnsafe(ref m, 5 * E), m6 = Vector128.LoadUnsafe(ref m, 6 * E), m7 = Vector128.LoadUnsafe(ref m, 7 * E);
            Vector128<int> m8 = Vector128.LoadUnsafe(ref m, 8 * E), m9 = Vector128.LoadUnsafe(ref m, 9 * E), m10 = Vector128.LoadUnsafe(ref m, 10 * E), m11 = Vector128.LoadUnsafe(ref m, 11 * E);
            Vector128<int> s00 = Vector128.LoadUnsafe(ref m) + m4 + m8, s01 = Vector128.LoadUnsafe(ref m, E) + m5 + m9;
            Vector128<int> s02 = Vector128.LoadUnsafe(ref m, 2 * E) + m6 + m10, s03 = Vector128.LoadUnsafe(ref m, 3 * E) + m7 + m11;
            Vector128<int> s10 = m4 - m8 - Vector128.LoadUnsafe(ref m, 12 * E), s11 = m5 - m9 - Vector128.LoadUnsafe(ref m, 13 * E);
            Vector128<int> s12 = m6 - m10 - Vector128.LoadUnsafe(ref m, 14 * E), s13 = m7 - m11 - Vector128.LoadUnsafe(ref m, 15 * E);
            Vector128.ShiftRightArithmetic(s00 + s01 + s02 - Vector128.LoadUnsafe(ref c), 2).StoreUnsafe(ref at);
            if (right >= 0)
                Vector128.ShiftRightArithmetic(s01 - s02 - s03 - Vector128.LoadUnsafe(ref c, (nuint)lanes), 2).StoreUnsafe(ref at, (nuint)right);
            if (below >= 0)
            {
                Vector128.ShiftRightArithmetic(s10 + s11 + s12 - Vector128.LoadUnsafe(ref c, (nuint)(2 * lanes)), 2).StoreUnsafe(ref at, (nuint)below);
                if (right >= 0)
                    Vector128.ShiftRightArithmetic(s11 - s12 - s13 - Vector128.LoadUnsafe(ref c, (nuint)(3 * lanes)), 2).StoreUnsafe(ref at, (nuint)(below + right));
            }
        }
    }
}
