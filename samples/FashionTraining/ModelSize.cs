using System.Linq;
using Bitsmith.Training;
using Bitsmith.Training.Model;
using Bitsmith.Training.Modules;
using static TorchSharp.torch;

namespace Bitsmith.Samples.FashionTraining;

/// <summary>
/// The bytes a variant's weights take in a deployed model: float weights 4 bytes each; uniform
/// quantised weights <c>bits/8</c> each plus one float scale per layer (binary weights 1 bit); iPQ the codebook
/// (<c>K·d</c> floats) plus the packed indices; pruned weights the kept values at their bits plus a
/// 1-bit mask per weight. Biases count 4 bytes each (BatchNorm folds into the layer before it:
/// one float scale and bias per channel, counted as bias).
/// </summary>
internal static class ModelSize
{
    public static long WeightBytes(QuantSequential net)
    {
        long total = 0;
        foreach (var module in net.modules())
        {
            (Tensor weight, nn.Module<Tensor, Tensor>? transform, long outputs, bool hasBias) = module switch
            {
                QuantConv2d c => ((Tensor)c.weight, c.WeightTransform, (long)c.OutChannels, c.bias is not null),
                QuantLinear l => ((Tensor)l.weight, l.WeightTransform, l.weight.shape[0], l.bias is not null),
                _ => (null!, null, 0L, false),
            };
            if (weight is null)
                continue;
            long n = weight.numel();
            total += transform switch
            {
                null => 4 * n,
                ProductQuantizer pq => pq.StorageBytes,
                IPrunedWeight pruned => PrunedBytes(weight, pruned),
                BinaryWeightQuantizer => (n + 7) / 8 + 4,
                IUniformQuantizer q => (n * q.Range.Bits + 7) / 8 + 4,
                _ => 4 * n,
            };
            // The bias, or what BatchNorm folds into (every conv here has one): a bias, plus a per-channel scale unless float weights absorb it.
            total += 4 * outputs * (module is QuantConv2d && !hasBias && transform is not null ? 2 : 1);
        }
        return total;
    }

    private static long PrunedBytes(Tensor weight, IPrunedWeight pruned)
    {
        using var scope = NewDisposeScope();
        long n = weight.numel();
        long kept = pruned.Prune(weight).count_nonzero().item<long>();
        int bits = pruned.Inner?.Range.Bits ?? 32;
        return (kept * bits + 7) / 8 + (n + 7) / 8 + (pruned.Inner is null ? 0 : 4);
    }

    /// <summary>The number of weights of the weighted layers.</summary>
    public static long WeightCount(QuantSequential net) =>
        net.modules().Sum(m => m switch { QuantConv2d c => c.weight.numel(), QuantLinear l => l.weight.numel(), _ => 0L });
}
