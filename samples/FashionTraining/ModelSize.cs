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

    /// <summary>
    /// The weight bits of each weighted layer, in order: a uniform quantiser's (after pruning, its
    /// inner one's), 1 for binary weights, 32 for float; null when a layer has a codebook.
    /// </summary>
    public static int[]? LayerBits(QuantSequential net)
    {
        var bits = net.modules().Select(m => m switch
        {
            QuantConv2d c => Bits(c.WeightTransform),
            QuantLinear l => Bits(l.WeightTransform),
            _ => (int?)0,
        }).Where(b => b != 0).ToArray();
        return bits.Any(b => b is null) ? null : bits.Select(b => b!.Value).ToArray();

        static int? Bits(nn.Module<Tensor, Tensor>? transform) => transform switch
        {
            null => 32,
            ProductQuantizer => null,
            BinaryWeightQuantizer => 1,
            IPrunedWeight pruned => pruned.Inner?.Range.Bits ?? 32,
            IUniformQuantizer q => q.Range.Bits,
            _ => 32,
        };
    }

    /// <summary>The fraction of the pruned layers' weights their masks keep (counted), or null without pruning.</summary>
    public static double? KeptFraction(QuantSequential net)
    {
        long kept = 0, total = 0;
        foreach (var (weight, pruned) in net.modules().Select(m => m switch
        {
            QuantConv2d { WeightTransform: IPrunedWeight p } c => ((Tensor)c.weight, p),
            QuantLinear { WeightTransform: IPrunedWeight p } l => ((Tensor)l.weight, p),
            _ => ((Tensor, IPrunedWeight)?)null,
        }).OfType<(Tensor, IPrunedWeight)>())
        {
            using var scope = NewDisposeScope();
            total += weight.numel();
            kept += pruned.Prune(weight).count_nonzero().item<long>();
        }
        return total == 0 ? null : (double)kept / total;
    }

    /// <summary>The number of weights of the weighted layers.</summary>
    public static long WeightCount(QuantSequential net) =>
        net.modules().Sum(m => m switch { QuantConv2d c => c.weight.numel(), QuantLinear l => l.weight.numel(), _ => 0L });
}
