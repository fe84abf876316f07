using System;
using System.Buffers.Binary;
using System.IO;

namespace Bitsmith.Training.Data;

/// <summary>
/// A small file of labelled images for shipped samples (no dependency beyond the BCL, so an app can
/// link this file alone). Layout, little-endian:
/// <code>
///   "BSIM"  int32 count  int32 rows  int32 columns  labels[count]  pixels[count · rows · columns]
/// </code>
/// </summary>
public static class ImageSampleFile
{
    private static ReadOnlySpan<byte> Magic => "BSIM"u8;
    private const int HeaderBytes = 16;

    public static void Write(string path, LabelledImages images)
    {
        var header = new byte[HeaderBytes];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(4), images.Count);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(8), images.Rows);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(12), images.Columns);
        using var stream = File.Create(path);
        stream.Write(header);
        stream.Write(images.Labels);
        stream.Write(images.Pixels);
    }

    public static LabelledImages Read(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"Image sample file not found: {path}", path);
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length < HeaderBytes || !bytes.AsSpan(0, 4).SequenceEqual(Magic))
            throw new InvalidDataException($"{path}: not an image sample file (no BSIM header).");
        int count = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(4));
        int rows = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8));
        int columns = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(12));
        if (count < 0 || rows <= 0 || columns <= 0 || HeaderBytes + (long)count * (1 + (long)rows * columns) != bytes.Length)
            throw new InvalidDataException($"{path}: {bytes.Length} bytes do not hold {count} images of {rows}×{columns} with labels.");
        byte[] labels = bytes.AsSpan(HeaderBytes, count).ToArray();
        byte[] pixels = bytes.AsSpan(HeaderBytes + count).ToArray();
        return new LabelledImages(pixels, labels, rows, columns);
    }
}
