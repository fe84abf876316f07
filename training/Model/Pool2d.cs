using System;
using static TorchSharp.torch;

namespace Bitsmith.Training.Model;

/// <summary>Max or average pooling over square windows (floor mode).</summary>
public sealed class Pool2d : nn.Module<Tensor, Tensor>
{
    internal Pool2d(PoolKind kind, int kernelSize, int stride, int padding) : base(kind + "Pool2d")
    {
        if (kernelSize <= 0 || stride <= 0 || padding < 0 || 2 * padding > kernelSize)
            throw new ArgumentOutOfRangeException(nameof(kernelSize), "Kernel and stride must be positive, padding at most half the kernel.");
        Kind = kind;
        KernelSize = kernelSize;
        Stride = stride;
        Padding = padding;
    }

    public PoolKind Kind { get; }
    public int KernelSize { get; }
    public int Stride { get; }
    public int Padding { get; }

    public override Tensor forward(Tensor x)
    {
        long[] k = { KernelSize, KernelSize }, s = { Stride, Stride }, p = { Padding, Padding };
        return Kind == PoolKind.Max
            ? nn.functional.max_pool2d(x, k, s, p)
            : nn.functional.avg_pool2d(x, k, s, p);
    }
}
