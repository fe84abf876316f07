using System.Collections.Generic;
using System.Linq;
using Bitsmith.Training.Modules;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Bitsmith.Training;

/// <summary>
/// Sorts the parameters of a network into <see cref="ParameterKind"/>s, so that a training loop can
/// give the quantisers' parameters their own optimiser and learning rate instead of one shared
/// Adam for everything.
/// </summary>
public static class QuantizerParameters
{
    /// <summary>Every parameter of <paramref name="model"/> with its kind; each exactly once.</summary>
    public static IReadOnlyList<(Parameter Parameter, ParameterKind Kind)> Classify(nn.Module model)
    {
        var kinds = new Dictionary<Parameter, ParameterKind>(ReferenceEqualityComparer.Instance);
        foreach (var module in model.modules())
        {
            foreach (var (p, kind) in Own(module))
                kinds[p] = kind;
        }
        // What no quantiser claimed is the network's own.
        return model.parameters().Select(p => (p, kinds.TryGetValue(p, out var k) ? k : ParameterKind.Weight)).ToArray();
    }

    /// <summary>The parameters of <paramref name="model"/> of one kind.</summary>
    public static IReadOnlyList<Parameter> OfKind(nn.Module model, ParameterKind kind) =>
        Classify(model).Where(p => p.Kind == kind).Select(p => p.Parameter).ToArray();

    private static IEnumerable<(Parameter, ParameterKind)> Own(nn.Module module) => module switch
    {
        LsqQuantizer q => new[] { (q.step, ParameterKind.GradientScaled) },
        LsqPerChannelQuantizer q => new[] { (q.step, ParameterKind.GradientScaled) },
        LsqPlusQuantizer q => q.offset is null
            ? new[] { (q.step, ParameterKind.GradientScaled) }
            : new[] { (q.step, ParameterKind.GradientScaled), (q.offset, ParameterKind.GradientScaled) },
        ProductQuantizer q => new[] { (q.codebook, ParameterKind.GradientScaled) },
        MixedPrecisionQuantizer q => new[] { (q.step, ParameterKind.Search), (q.range, ParameterKind.Search) },
        EbsQuantizer q => new[] { (q.alpha, ParameterKind.GradientScaled) },
        MovementPruner q => new[] { (q.scores, ParameterKind.Score) },
        SoftMovementPruner q => new[] { (q.scores, ParameterKind.Score) },
        _ => System.Array.Empty<(Parameter, ParameterKind)>(),
    };
}
