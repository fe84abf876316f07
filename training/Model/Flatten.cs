using static TorchSharp.torch;

namespace Bitsmith.Training.Model;

/// <summary>[N, d1, d2, …] → [N, d1 · d2 · …].</summary>
public sealed class Flatten : nn.Module<Tensor, Tensor>
{
    internal Flatten() : base(nameof(Flatten)) { }

    public override Tensor forward(Tensor x) => x.flatten(1);
}
