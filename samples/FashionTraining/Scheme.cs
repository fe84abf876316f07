using static TorchSharp.torch;

namespace Bitsmith.Samples.FashionTraining;

/// <summary>How a variant quantises: a factory per weighted layer and per activation point (null = float).</summary>
internal sealed record Scheme(
    System.Func<WeightSlot, nn.Module<Tensor, Tensor>?> Weight,
    System.Func<LayerRole, nn.Module<Tensor, Tensor>?> Activation);

/// <summary>
/// A weighted layer as a scheme sees it: where it sits, the area of its kernel (9 for a 3×3
/// convolution, 1 for a 1×1 convolution or a linear layer) and its weight count.
/// </summary>
internal sealed record WeightSlot(LayerRole Role, int KernelArea, long Weights);

/// <summary>Where a layer sits: LSQ and most methods keep the first and last layer at 8 bits.</summary>
internal enum LayerRole { First, Middle, Last }
