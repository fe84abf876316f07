using System;
using static TorchSharp.torch;

namespace Bitsmith.Training.Modules;

/// <summary>The 0/1 mask of the <c>k = round(v · n)</c> largest scores (at least one), in the scores' shape.</summary>
internal static class TopKMask
{
    public static long Count(long n, double keep) => Math.Max(1, Math.Min(n, (long)Math.Round(keep * n, MidpointRounding.AwayFromZero)));

    public static Tensor Of(Tensor scores, double keep)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor flat = scores.detach().flatten();
        long k = Count(flat.numel(), keep);
        if (k == flat.numel())
            return ones_like(scores).MoveToOuterDisposeScope();
        Tensor top = flat.topk((int)k).indexes;
        return zeros_like(flat).index_fill(0, top, 1).reshape(scores.shape).MoveToOuterDisposeScope();
    }

    public static void RequireKeep(double keep)
    {
        if (!(keep > 0 && keep <= 1))
            throw new ArgumentOutOfRangeException(nameof(keep), keep, "The kept fraction must be in (0, 1].");
    }
}
