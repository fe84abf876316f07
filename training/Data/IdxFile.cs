using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;

namespace Bitsmith.Training.Data;

/// <summary>
/// Reads the IDX files of (Fashion-)MNIST: a 4-byte magic <c>0x00 0x00 0x08 rank</c> (type 0x08 =
/// unsigned byte), <c>rank</c> big-endian int32 dimensions, then the bytes in row-major order. A
/// file whose name ends in <c>.gz</c> is gunzipped on the fly. Errors name the file.
/// </summary>
public static class IdxFile
{
    private const byte UnsignedByte = 0x08;

    /// <summary>The dimensions and bytes of the file at <paramref name="path"/>.</summary>
    public static (int[] Shape, byte[] Data) Read(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"IDX file not found: {path}", path);
        try
        {
            using Stream file = File.OpenRead(path);
            using Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
            return Read(stream, path);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: not a valid IDX file ({e.Message})", e);
        }
    }

    private static (int[] Shape, byte[] Data) Read(Stream stream, string path)
    {
        byte[] magic = ReadExactly(stream, 4, path, "the header");
        if (magic[0] != 0 || magic[1] != 0 || magic[2] != UnsignedByte || magic[3] == 0)
            throw new InvalidDataException($"{path}: not an IDX file of unsigned bytes (magic {magic[0]:X2} {magic[1]:X2} {magic[2]:X2} {magic[3]:X2}).");
        int rank = magic[3];
        byte[] dims = ReadExactly(stream, 4 * rank, path, "the dimensions");
        var shape = new int[rank];
        long size = 1;
        for (int i = 0; i < rank; i++)
        {
            shape[i] = BinaryPrimitives.ReadInt32BigEndian(dims.AsSpan(4 * i));
            if (shape[i] < 0)
                throw new InvalidDataException($"{path}: dimension {i} is negative ({shape[i]}).");
            size *= shape[i];
            if (size > int.MaxValue)
                throw new InvalidDataException($"{path}: the dimensions give more than {int.MaxValue} bytes.");
        }
        byte[] data = ReadExactly(stream, (int)size, path, "the data");
        if (stream.ReadByte() != -1)
            throw new InvalidDataException($"{path}: bytes after the {size} the dimensions give.");
        return (shape, data);
    }

    private static byte[] ReadExactly(Stream stream, int count, string path, string what)
    {
        var buffer = new byte[count];
        int read = 0;
        while (read < count)
        {
            int n = stream.Read(buffer, read, count - read);
            if (n == 0)
                throw new InvalidDataException($"{path}: truncated in {what} ({read} of {count} bytes).");
            read += n;
        }
        return buffer;
    }

    /// <summary>Writes an IDX file of unsigned bytes (gzipped when the name ends in <c>.gz</c>).</summary>
    public static void Write(string path, int[] shape, byte[] data)
    {
        long size = 1;
        foreach (int d in shape)
            size *= d;
        if (shape.Length is 0 or > 255 || size != data.Length)
            throw new ArgumentException($"{data.Length} bytes do not fill the shape [{string.Join(", ", shape)}].", nameof(data));
        using Stream file = File.Create(path);
        using Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionLevel.Optimal) : file;
        stream.Write(new byte[] { 0, 0, UnsignedByte, (byte)shape.Length });
        var dim = new byte[4];
        foreach (int d in shape)
        {
            BinaryPrimitives.WriteInt32BigEndian(dim, d);
            stream.Write(dim);
        }
        stream.Write(data);
    }
}
