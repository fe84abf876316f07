using System;
using System.Linq;
using Bitsmith.Training.Data;
using Xunit;

namespace Bitsmith.Training.Tests.Data;

/// <summary>The seeded hold-out: sizes, disjointness, repeatability, and that the seed matters.</summary>
public sealed class ValidationSplitTests
{
    // 100 one-pixel images whose pixel is their index, so each image can be traced.
    private static LabelledImages Numbered() =>
        new(Enumerable.Range(0, 100).Select(i => (byte)i).ToArray(), Enumerable.Range(0, 100).Select(i => (byte)(i % 10)).ToArray(), 1, 1);

    [Fact]
    public void SplitsIntoDisjointSetsThatCoverEveryImage()
    {
        var (train, validation) = ValidationSplit.Split(Numbered(), 20, seed: 3);

        Assert.Equal(80, train.Count);
        Assert.Equal(20, validation.Count);
        Assert.Empty(train.Pixels.Intersect(validation.Pixels));
        Assert.Equal(Enumerable.Range(0, 100).Select(i => (byte)i), train.Pixels.Concat(validation.Pixels).OrderBy(p => p));
        // Labels travel with their images.
        Assert.All(Enumerable.Range(0, validation.Count), k => Assert.Equal(validation.Pixels[k] % 10, validation.Labels[k]));
        // Not simply the last or first images.
        Assert.NotEqual(Enumerable.Range(80, 20).Select(i => (byte)i), validation.Pixels);
        Assert.NotEqual(Enumerable.Range(0, 20).Select(i => (byte)i), validation.Pixels);
    }

    [Fact]
    public void TheSameSeedGivesTheSameSplitAndAnotherSeedAnother()
    {
        var a = ValidationSplit.Split(Numbered(), 20, seed: 3).Validation.Pixels;
        var b = ValidationSplit.Split(Numbered(), 20, seed: 3).Validation.Pixels;
        var c = ValidationSplit.Split(Numbered(), 20, seed: 4).Validation.Pixels;

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    public void RefusesAnEmptySide(int count) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ValidationSplit.Split(Numbered(), count, seed: 1));
}
