using System;
using System.Collections.Generic;
using System.Linq;
using Bitsmith.Training.Model;
using Bitsmith.Training.Modules;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Bitsmith.Training.Tests;

public sealed class ProductQuantizerTests
{
    [Fact]
    public void KMeansFindsSeparatedClusters()
    {
        using var scope = NewDisposeScope();
        var centres = new[] { (0f, 0f), (10f, 0f), (0f, 10f) };
        var gen = new Generator(4);
        Tensor points = cat(centres.Select(c => tensor(new[] { c.Item1, c.Item2 }) + randn(new long[] { 20, 2 }, generator: gen) * 0.5f).ToArray(), 0);

        var (centroids, assignments) = KMeans.Fit(points, 3, iterations: 10, seed: 1);

        long[] a = assignments.data<long>().ToArray();
        for (int c = 0; c < 3; c++)
        {
            Assert.Single(a.Skip(20 * c).Take(20).Distinct());                 // one cluster per group
            Tensor mean = points[TensorIndex.Slice(20 * c, 20 * c + 20)].mean(new long[] { 0 });
            Assert.True(centroids[a[20 * c]].allclose(mean, atol: 1e-5), $"centroid {c}");
        }
        Assert.Equal(3, a.Distinct().Count());
    }

    [Fact]
    public void EveryCentroidIsUsedWhenKEqualsTheDistinctPoints()
    {
        using var scope = NewDisposeScope();
        Tensor points = tensor(new float[] { 0, 0, 1, 0, 0, 1, 1, 1, 1, 1, 0, 0 }).reshape(6, 2);
        var (centroids, assignments) = KMeans.Fit(points, 4, iterations: 5, seed: 2);
        Assert.Equal(4, assignments.data<long>().ToArray().Distinct().Count());
        Assert.Equal(0.0, (centroids.index_select(0, assignments) - points).abs().max().item<float>());
    }

    [Fact]
    public void ReconstructionErrorDecreasesWithK()
    {
        using var scope = NewDisposeScope();
        Tensor w = randn(new long[] { 16, 32 }, generator: new Generator(9));
        var errors = new List<double>();
        foreach (int k in new[] { 2, 4, 16, 64 })
        {
            using var pq = Quant.ProductQuantizer(blockSize: 4, centroids: k, iterations: 15, seed: 3);
            pq.Fit(w);
            errors.Add((pq.Reconstruct() - w).pow(2).mean().item<float>());
        }
        for (int i = 1; i < errors.Count; i++)
            Assert.True(errors[i] < errors[i - 1], $"errors {string.Join(", ", errors)}");
        Assert.True(errors[^1] < 0.5 * errors[0]);
    }

    [Fact]
    public void CentroidGradientIsTheMeanOfItsBlockGradients()
    {
        using var scope = NewDisposeScope();
        // Blocks (d = 2): (1, 1), (1.2, 0.8), (-3, -3), (0.8, 1.2): K = 2 puts three blocks in one cluster.
        Tensor w = tensor(new float[] { 1, 1, 1.2f, 0.8f, -3, -3, 0.8f, 1.2f }).reshape(2, 4);
        using var pq = Quant.ProductQuantizer(blockSize: 2, centroids: 2, iterations: 5, seed: 0);
        pq.Fit(w);
        long[] idx = pq.Indices.data<long>().ToArray();
        Assert.Equal(idx[0], idx[1]);
        Assert.Equal(idx[0], idx[3]);
        Assert.NotEqual(idx[0], idx[2]);
        TensorAssert.Close(new[] { 1.0, 1.0 }, pq.codebook[idx[0]], 1e-6);

        pq.train();
        Tensor g = tensor(new float[] { 1, 2, 3, 4, 5, 6, 8, 9 }).reshape(2, 4);
        Tensor y = pq.forward(w);
        TensorAssert.Close(new double[] { 1, 1, 1, 1, -3, -3, 1, 1 }, y, 1e-6);
        (y * g).sum().backward();
        // Cluster of blocks 0, 1, 3: mean of (1, 2), (3, 4), (8, 9); cluster of block 2: (5, 6).
        TensorAssert.Close(new[] { 4.0, 5.0 }, pq.codebook.grad![idx[0]], 1e-6);
        TensorAssert.Close(new[] { 5.0, 6.0 }, pq.codebook.grad![idx[2]], 1e-6);
    }

    [Fact]
    public void StorageIsCentroidsPlusIndexBits()
    {
        using var scope = NewDisposeScope();
        using var small = Quant.ProductQuantizer(blockSize: 2, centroids: 3, iterations: 2);
        small.Fit(randn(2, 6));          // 6 blocks of ceil(log2 3) = 2 bits
        Assert.Equal(2, small.IndexBits);
        Assert.Equal(3 * 2 * 4 + 2, small.StorageBytes);
        using var large = Quant.ProductQuantizer(blockSize: 8, centroids: 256, iterations: 1);
        large.Fit(randn(64, 64));        // 512 blocks of 8 bits
        Assert.Equal(256 * 8 * 4 + 512, large.StorageBytes);
    }

    [Fact]
    public void LayersAreQuantisedOneAtATimeWithFineTuningBetween()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(5);
        var first = Quant.ProductQuantizer(blockSize: 4, centroids: 4, noiseRate: 0.1, seed: 1);
        var second = Quant.ProductQuantizer(blockSize: 4, centroids: 4, noiseRate: 0.1, seed: 2);
        using var net = Layers.Sequential(Layers.Linear(8, 8, weightQuantizer: first), Layers.ReLU(), Layers.Linear(8, 4, weightQuantizer: second));
        Assert.Equal(new[] { first, second }, ProductQuantization.Layers(net).Select(l => l.Quantizer));
        net.eval();
        Tensor x = randn(3, 8);
        Tensor before = net.forward(x);   // unfitted and eval: the float network

        var seen = new List<(int, bool, bool)>();
        ProductQuantization.QuantizeLayers(net, i => seen.Add((i, first.IsFitted, second.IsFitted)));
        Assert.Equal(new[] { (0, true, false), (1, true, true) }, seen);
        Assert.False(net.forward(x).eq(before).all().item<bool>());
        Assert.Contains(net.parameters(), p => ReferenceEquals(p, first.codebook));
    }

    [Fact]
    public void AHalfQuantisedNetworkResumesFromItsSavedState()
    {
        using var scope = NewDisposeScope();
        QuantSequential Build() => Layers.Sequential(
            Layers.Linear(8, 8, weightQuantizer: Quant.ProductQuantizer(blockSize: 4, centroids: 4, seed: 1)), Layers.ReLU(),
            Layers.Linear(8, 4, weightQuantizer: Quant.ProductQuantizer(blockSize: 4, centroids: 4, seed: 2)));
        torch.manual_seed(6);
        using var saved = Build();
        var layers = ProductQuantization.Layers(saved);
        layers[0].Quantizer.Fit(layers[0].Weight);
        string path = System.IO.Path.GetTempFileName();
        try
        {
            saved.save(path);
            using var resumed = Build();
            resumed.load(path);
            var again = ProductQuantization.Layers(resumed);
            Assert.True(again[0].Quantizer.IsFitted);
            Assert.False(again[1].Quantizer.IsFitted);
            Assert.Equal(layers[0].Quantizer.Indices.data<long>().ToArray(), again[0].Quantizer.Indices.data<long>().ToArray());
            saved.eval();
            resumed.eval();
            Tensor x = randn(3, 8);
            Assert.True(resumed.forward(x).allclose(saved.forward(x)));

            // Quantising the rest skips the fitted layer: its codes stay.
            var fitted = new List<int>();
            ProductQuantization.QuantizeLayers(resumed, fitted.Add);
            Assert.Equal(new[] { 1 }, fitted);
            Assert.Equal(layers[0].Quantizer.Indices.data<long>().ToArray(), again[0].Quantizer.Indices.data<long>().ToArray());
        }
        finally
        {
            System.IO.File.Delete(path);
        }
    }
}
