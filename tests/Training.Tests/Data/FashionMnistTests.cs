using System;
using System.IO;
using System.Linq;
using Bitsmith.Training.Data;
using Xunit;

namespace Bitsmith.Training.Tests.Data;

/// <summary>The IDX reader on files the test writes, its errors, the sample file, and the real test set of Debian's dataset-fashion-mnist.</summary>
public sealed class FashionMnistTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "bitsmith-idx-" + Guid.NewGuid().ToString("N"));

    public FashionMnistTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(".gz")]
    [InlineData("")]
    public void ReadsImagesAndLabelsWrittenByHand(string extension)
    {
        // Three 2×3 images; the header is written byte by byte (big-endian dimensions) rather than by IdxFile.Write.
        byte[] pixels = Enumerable.Range(0, 18).Select(i => (byte)(i * 13)).ToArray();
        WriteRaw($"test-images-idx3-ubyte{extension}", new byte[] { 0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 3 }.Concat(pixels).ToArray());
        WriteRaw($"test-labels-idx1-ubyte{extension}", new byte[] { 0, 0, 8, 1, 0, 0, 0, 3, 7, 0, 9 });

        var set = FashionMnist.Load(_dir, "test");

        Assert.Equal(3, set.Count);
        Assert.Equal(2, set.Rows);
        Assert.Equal(3, set.Columns);
        Assert.Equal(new byte[] { 7, 0, 9 }, set.Labels);
        Assert.Equal(pixels, set.Pixels);
        Assert.Equal(new byte[] { 6 * 13, 7 * 13 }, set.Take(2).Pixels.Skip(6).Take(2).ToArray());
    }

    [Fact]
    public void MissingFileIsNamed()
    {
        var e = Assert.Throws<FileNotFoundException>(() => FashionMnist.LoadTest(_dir));
        Assert.Contains(Path.Combine(_dir, "t10k-images-idx3-ubyte.gz"), e.Message);
    }

    [Theory]
    [InlineData(new byte[] { 0, 0, 9, 1, 0, 0, 0, 1, 0 }, "magic")]              // int8 type code
    [InlineData(new byte[] { 0, 0, 8, 1, 0, 0, 0, 5, 1, 2 }, "truncated in the data")]
    [InlineData(new byte[] { 0, 0, 8, 1, 0, 0 }, "truncated in the dimensions")]
    [InlineData(new byte[] { 0, 0, 8, 1, 0, 0, 0, 1, 1, 2 }, "bytes after")]
    public void MalformedFileIsNamed(byte[] bytes, string reason)
    {
        string path = WriteRaw("bad-idx1-ubyte", bytes);
        var e = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path));
        Assert.StartsWith(path, e.Message);
        Assert.Contains(reason, e.Message);
    }

    [Fact]
    public void LabelOutsideTheClassesAndCountMismatchAreRejected()
    {
        IdxFile.Write(Path.Combine(_dir, "a-images-idx3-ubyte.gz"), new[] { 2, 1, 1 }, new byte[] { 1, 2 });
        IdxFile.Write(Path.Combine(_dir, "a-labels-idx1-ubyte.gz"), new[] { 2 }, new byte[] { 3, 10 });
        Assert.Contains("label 1 is 10", Assert.Throws<InvalidDataException>(() => FashionMnist.Load(_dir, "a")).Message);

        IdxFile.Write(Path.Combine(_dir, "a-labels-idx1-ubyte.gz"), new[] { 3 }, new byte[] { 3, 1, 2 });
        Assert.Contains("3 labels for the 2 images", Assert.Throws<InvalidDataException>(() => FashionMnist.Load(_dir, "a")).Message);
    }

    [Fact]
    public void SampleFileRoundTripsAndRejectsAWrongSize()
    {
        var images = new LabelledImages(Enumerable.Range(0, 24).Select(i => (byte)(255 - i)).ToArray(), new byte[] { 4, 8 }, 3, 4);
        string path = Path.Combine(_dir, "sample.bin");
        ImageSampleFile.Write(path, images);
        Assert.Equal(16 + 2 + 24, new FileInfo(path).Length);

        var read = ImageSampleFile.Read(path);
        Assert.Equal((2, 3, 4), (read.Count, read.Rows, read.Columns));
        Assert.Equal(images.Labels, read.Labels);
        Assert.Equal(images.Pixels, read.Pixels);

        File.WriteAllBytes(path, File.ReadAllBytes(path)[..^1]);
        Assert.Contains("do not hold 2 images", Assert.Throws<InvalidDataException>(() => ImageSampleFile.Read(path)).Message);
    }

    [Fact]
    public void ReadsTheRealTestSet()
    {
        // Debian's dataset-fashion-mnist (test.sh installs it).
        var test = FashionMnist.LoadTest();
        Assert.Equal((10_000, 28, 28), (test.Count, test.Rows, test.Columns));
        Assert.Equal(new byte[] { 9, 2, 1, 1, 6, 1, 4, 6, 5, 7 }, test.Labels.Take(10).ToArray());
        Assert.All(Enumerable.Range(0, 10), c => Assert.Equal(1000, test.Labels.Count(l => l == c)));
        Assert.Equal(33456, test.Pixels.Take(784).Sum(p => p));
        Assert.Equal(Convert.FromHexString("00000000000002040100000062886e6d6ea28790959fa7909ea97700"), test.Pixels.Skip(14 * 28).Take(28).ToArray());
    }

    private string WriteRaw(string name, byte[] bytes)
    {
        string path = Path.Combine(_dir, name);
        if (name.EndsWith(".gz", StringComparison.Ordinal))
        {
            using var file = File.Create(path);
            using var gz = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionLevel.Fastest);
            gz.Write(bytes);
        }
        else
            File.WriteAllBytes(path, bytes);
        return path;
    }
}
