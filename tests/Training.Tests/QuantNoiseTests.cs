using System;
using System.Linq;
using Bitsmith.Training.Model;
using Bitsmith.Training.Modules;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Bitsmith.Training.Tests;

public sealed class QuantNoiseTests
{
    [Fact]
    public void EachBlockIsEitherQuantisedOrFullPrecisionAndOnlyQuantisedBlocksClip()
    {
        using var scope = NewDisposeScope();
        var lsq = Quant.Lsq(2, QuantTarget.Weights);
        lsq.Initialize(0.5);   // levels -2..1: real range [-1, 0.5]
        using var noise = Quant.QuantNoise(lsq, rate: 0.5, blockSize: 2, seed: 7);
        noise.train();
        // Every block holds 0.3 (rounds to 0.5) and 2.0 (beyond the grid: clips to 0.5, gradient 0).
        Tensor w = tensor(Enumerable.Range(0, 64).Select(i => i % 2 == 0 ? 0.3f : 2.0f).ToArray()).reshape(8, 8).requires_grad_();
        Tensor y = noise.forward(w);
        y.sum().backward();

        float[] values = y.detach().data<float>().ToArray(), grad = w.grad!.data<float>().ToArray();
        int quantised = 0;
        for (int b = 0; b < 32; b++)
        {
            bool q = values[2 * b] == 0.5f;
            Assert.Equal(q ? new[] { 0.5f, 0.5f } : new[] { 0.3f, 2.0f }, new[] { values[2 * b], values[2 * b + 1] });
            Assert.Equal(q ? new[] { 1f, 0f } : new[] { 1f, 1f }, new[] { grad[2 * b], grad[2 * b + 1] });
            if (q) quantised++;
        }
        Assert.InRange(quantised, 4, 28);
    }

    [Fact]
    public void RateZeroIsFullPrecisionEvalQuantisesEverythingAndTheSeedRepeats()
    {
        using var scope = NewDisposeScope();
        Tensor w = randn(16, 8, generator: new Generator(1));
        QuantNoise Make(double rate, ulong seed)
        {
            var lsq = Quant.Lsq(4, QuantTarget.Weights);
            lsq.Initialize(0.25);
            return Quant.QuantNoise(lsq, rate, blockSize: 4, seed: seed);
        }

        using var none = Make(0, 1);
        Assert.True(none.forward(w).eq(w).all().item<bool>());
        using var a = Make(0.3, 5);
        using var b = Make(0.3, 5);
        Tensor first = a.forward(w);
        Assert.True(first.eq(b.forward(w)).all().item<bool>());
        Assert.False(first.eq(a.forward(w)).all().item<bool>());   // a new mask every forward
        a.eval();
        Tensor quantised = (clamp(w / 0.25, -8, 7).round() * 0.25).to_type(ScalarType.Float32);
        Assert.True(a.forward(w).allclose(quantised));
        Assert.Equal(4, a.Range.Bits);
    }

    [Fact]
    public void IpqNoiseReplacesWholeBlocksByTheirCentroidStraightThrough()
    {
        using var scope = NewDisposeScope();
        using var pq = Quant.ProductQuantizer(blockSize: 9, centroids: 8, iterations: 10, noiseRate: 0.25, seed: 3);
        using var conv = Layers.Conv2d(4, 100, 3, weightQuantizer: pq);   // 400 blocks of one 3×3 kernel each
        pq.train();
        Tensor w = conv.weight;
        Tensor y = pq.forward(w);
        (y * arange(1, w.numel() + 1, dtype: ScalarType.Float32).reshape(w.shape)).sum().backward();

        float[] out_ = y.detach().data<float>().ToArray(), x = w.detach().data<float>().ToArray();
        Tensor blocks = w.detach().reshape(-1, 9);
        int replaced = 0;
        for (int b = 0; b < 400; b++)
        {
            bool same = Enumerable.Range(9 * b, 9).All(j => out_[j] == x[j]);
            if (!same)
            {
                replaced++;
                // The whole kernel is changed, to a point nearer the block than most blocks are to each other.
                Assert.All(Enumerable.Range(9 * b, 9), j => Assert.NotEqual(x[j], out_[j]));
                Tensor centroid = tensor(out_.AsSpan(9 * b, 9).ToArray());
                Assert.True((centroid - blocks[b]).pow(2).sum().item<float>() < (blocks - blocks[b]).pow(2).sum(1).mean().item<float>());
            }
        }
        Assert.InRange(replaced, 60, 140);   // p = 0.25 of 400 blocks
        // Straight-through: every weight gets its own gradient, replaced or not.
        TensorAssert.Close(Enumerable.Range(1, (int)w.numel()).Select(i => (double)i).ToArray(), w.grad!.flatten(), 1e-3);
        // The replacements take at most K distinct values.
        Assert.True(y.detach().reshape(-1, 9).unique(dim: 0).Item1.shape[0] <= 400 - replaced + 8);

        pq.eval();
        Assert.True(pq.forward(w).eq(w).all().item<bool>());
    }

    [Fact]
    public void RowsThatAreNotAMultipleOfTheBlockAreRejected()
    {
        using var scope = NewDisposeScope();
        Assert.Throws<ArgumentException>(() => Layers.Conv2d(4, 8, 3, weightQuantizer: Quant.ProductQuantizer(blockSize: 5, centroids: 2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Quant.ProductQuantizer(noiseRate: 1.0));
        Assert.Throws<ArgumentException>(() => Quant.QuantNoise(Quant.Lsq(4, QuantTarget.Activations), 0.1));
    }
}
