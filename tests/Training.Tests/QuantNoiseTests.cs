using System;
using System.Linq;
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
    public void BlockDropZeroesWholeBlocksAndScalesTheRest()
    {
        using var scope = NewDisposeScope();
        using var drop = Quant.BlockDrop(rate: 0.25, blockSize: 4, seed: 3);
        drop.train();
        Tensor w = (arange(1, 4001, dtype: ScalarType.Float32)).reshape(100, 40);
        float[] y = drop.forward(w).data<float>().ToArray(), x = w.data<float>().ToArray();
        int dropped = 0;
        for (int b = 0; b < 1000; b++)
        {
            bool zero = y[4 * b] == 0;
            for (int j = 4 * b; j < 4 * b + 4; j++)
                Assert.Equal(zero ? 0f : x[j] / 0.75f, y[j], 4);
            if (zero) dropped++;
        }
        Assert.InRange(dropped, 200, 300);   // p = 0.25 of 1000 blocks, ±3.6 sigma

        drop.eval();
        Assert.True(drop.forward(w).eq(w).all().item<bool>());
    }

    [Fact]
    public void RowsThatAreNotAMultipleOfTheBlockAreRejected()
    {
        using var scope = NewDisposeScope();
        using var drop = Quant.BlockDrop(0.1, blockSize: 3);
        drop.train();
        Assert.Throws<ArgumentException>(() => drop.forward(zeros(4, 8)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Quant.BlockDrop(1.0));
        Assert.Throws<ArgumentException>(() => Quant.QuantNoise(Quant.Lsq(4, QuantTarget.Activations), 0.1));
    }
}
