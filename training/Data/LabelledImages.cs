using System;

namespace Bitsmith.Training.Data;

/// <summary>Grey-scale images (one byte per pixel, row-major, image after image) with one class label each.</summary>
public sealed class LabelledImages
{
    public LabelledImages(byte[] pixels, byte[] labels, int rows, int columns)
    {
        if (rows <= 0 || columns <= 0)
            throw new ArgumentOutOfRangeException(nameof(rows), "Images need positive rows and columns.");
        if ((long)labels.Length * rows * columns != pixels.Length)
            throw new ArgumentException($"{pixels.Length} pixels are not {labels.Length} images of {rows}×{columns}.", nameof(pixels));
        Pixels = pixels;
        Labels = labels;
        Rows = rows;
        Columns = columns;
    }

    public byte[] Pixels { get; }
    public byte[] Labels { get; }
    public int Rows { get; }
    public int Columns { get; }
    public int Count => Labels.Length;
    public int ImageSize => Rows * Columns;

    /// <summary>The first <paramref name="count"/> images (all if there are fewer).</summary>
    public LabelledImages Take(int count)
    {
        int n = Math.Min(Math.Max(count, 0), Count);
        return n == Count ? this : new LabelledImages(Pixels.AsSpan(0, n * ImageSize).ToArray(), Labels.AsSpan(0, n).ToArray(), Rows, Columns);
    }
}
