using static TorchSharp.torch;

namespace Bitsmith.Training.Model;

/// <summary>The mean over each channel's plane: [N, C, H, W] → [N, C, 1, 1].</summary>
public sealed class GlobalAvgPool : nn.Module<Tensor, Tensor>
{
    internal GlobalAvgPool() : base(nameof(GlobalAvgPool)) { }

    public override Tensor forward(Tensor x) => x.mean(new long[] { 2, 3 }, keepdim: true);
}
