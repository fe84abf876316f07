using TorchSharp;
using static TorchSharp.torch;

namespace Bitsmith.Training.Modules;

/// <summary>
/// The detach tricks of straight-through estimation. Each returns, on the forward pass, exactly the
/// value named (the added term <c>y - y.detach()</c> is exactly zero), and on the backward pass the
/// gradient named.
/// </summary>
internal static class StraightThrough
{
    /// <summary>Forward <c>round(x)</c> (half to even), backward the identity.</summary>
    public static Tensor Round(Tensor x) => x.round().detach() + (x - x.detach());

    /// <summary>Forward <c>x</c>, backward the incoming gradient times <paramref name="scale"/>.</summary>
    public static Tensor ScaleGradient(Tensor x, double scale)
    {
        Tensor scaled = x * scale;
        return x.detach() + (scaled - scaled.detach());
    }

    /// <summary>LSQ's gradient scale <c>1 / sqrt(N · QP)</c> for a tensor quantised as <paramref name="target"/>.</summary>
    public static double GradientScale(Tensor x, QuantTarget target, QuantRange range)
    {
        long n = target == QuantTarget.Activations && x.dim() > 1 ? x.numel() / x.shape[0] : x.numel();
        return 1.0 / System.Math.Sqrt((double)n * range.QP);
    }
}
