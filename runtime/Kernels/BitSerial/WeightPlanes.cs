using System;

namespace Bitsmith.Runtime.Kernels.BitSerial
{
    /// <summary>
    /// Splits an N x K matrix of unsigned codes (row-major, each below <c>2^bits</c>) into bit-planes
    /// row by row: each row is packed as <see cref="ActivationPlanes"/> packs a vector, and the rows
    /// follow one another. Plane j of row r starts at word <c>(r · bits + j) · WordsPerPlane(K)</c>,
    /// so a row's planes are one contiguous stream of <c>bits · WordsPerPlane(K)</c> ulongs that
    /// <see cref="BitSerialGemv"/> reads once, in order. The compiler packs constant weights so at
    /// build time.
    /// </summary>
    public static class WeightPlanes
    {
        /// <summary>The ulongs that <see cref="Pack"/> writes for <paramref name="rows"/> rows of K codes.</summary>
        public static int Length(int rows, int k, int bits) => rows * ActivationPlanes.Length(k, bits);

        public static void Pack(ReadOnlySpan<byte> codes, int rows, int k, int bits, Span<ulong> planes)
        {
            if (rows < 0 || k < 0 || (long)rows * k != codes.Length)
                throw new ArgumentException($"{codes.Length} codes are not {rows} rows of {k}", nameof(codes));
            int rowLength = ActivationPlanes.Length(k, bits);
            if ((long)rows * rowLength > planes.Length)
                throw new ArgumentException($"{rows} rows of {bits} planes of {k} codes need {(long)rows * rowLength} ulongs, not {planes.Length}", nameof(planes));
            for (int r = 0; r < rows; r++)
                ActivationPlanes.Pack(codes.Slice(r * k, k), bits, planes.Slice(r * rowLength, rowLength));
        }
    }
}
