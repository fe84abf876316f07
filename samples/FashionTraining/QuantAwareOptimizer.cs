using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Bitsmith.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Bitsmith.Samples.FashionTraining;

/// <summary>
/// One optimiser per <see cref="ParameterKind"/>, each with its own base learning rate (scaled
/// together by the schedule):
/// <list type="bullet">
/// <item>weights: Adam at <c>--lr</c>;</item>
/// <item>LSQ/LSQ+ steps and offsets, iPQ centroids, EBS strengths: SGD with momentum 0.9 at
/// <c>--quantizer-lr</c>, as LSQ trains its steps. Their gradients carry a deliberate scale (LSQ's
/// <c>g = 1/sqrt(N·QP)</c>, the mean over a centroid's blocks, the size penalty's pull on a layer's
/// strengths in proportion to its weights) that Adam's per-parameter normalisation would cancel:
/// with Adam every layer's strengths moved together and EBS chose the same bits everywhere;</item>
/// <item>mixed precision's step and range: Adam at <c>--search-lr</c>. They have no such scale, and
/// the memory penalties' gradients span orders of magnitude, which Adam evens out;</item>
/// <item>movement scores: Adam at <c>--score-lr</c>, as movement pruning's own code trains them.</item>
/// </list>
/// Around each step the quantisers' constraints hold (<see cref="QuantizerProjection"/>).
/// </summary>
internal sealed class QuantAwareOptimizer : IDisposable
{
    private readonly nn.Module _model;
    private readonly List<(OptimizerHelper Optimizer, double BaseRate, string Name)> _parts = new();

    public QuantAwareOptimizer(nn.Module model, double weightRate, double quantizerRate, double searchRate, double scoreRate)
    {
        _model = model;
        var kinds = QuantizerParameters.Classify(model);
        IEnumerable<Parameter> Of(ParameterKind k) => kinds.Where(p => p.Kind == k).Select(p => p.Parameter);
        if (Of(ParameterKind.Weight).Any())
            _parts.Add((optim.Adam(Of(ParameterKind.Weight), lr: weightRate), weightRate, "weights"));
        if (Of(ParameterKind.GradientScaled).Any())
            _parts.Add((optim.SGD(Of(ParameterKind.GradientScaled), quantizerRate, momentum: 0.9), quantizerRate, "quantizer"));
        if (Of(ParameterKind.Search).Any())
            _parts.Add((optim.Adam(Of(ParameterKind.Search), lr: searchRate), searchRate, "search"));
        if (Of(ParameterKind.Score).Any())
            _parts.Add((optim.Adam(Of(ParameterKind.Score), lr: scoreRate), scoreRate, "score"));
    }

    public void ZeroGrad()
    {
        foreach (var part in _parts)
            part.Optimizer.zero_grad();
    }

    public void Step()
    {
        QuantizerProjection.ClipGradients(_model);
        foreach (var part in _parts)
            part.Optimizer.step();
        QuantizerProjection.Project(_model);
    }

    /// <summary>Every group at its base rate times <paramref name="factor"/> (the schedule's).</summary>
    public void Scale(double factor)
    {
        foreach (var (optimizer, rate, _) in _parts)
            foreach (var group in optimizer.ParamGroups)
                group.LearningRate = rate * factor;
    }

    public void Save(string dir)
    {
        foreach (var (optimizer, _, name) in _parts)
            optimizer.save_state_dict(PathOf(dir, name));
    }

    /// <summary>Restores the state saved by <see cref="Save"/>; false when a part's file is missing.</summary>
    public bool TryLoad(string dir)
    {
        if (_parts.Any(p => !File.Exists(PathOf(dir, p.Name))))
            return false;
        foreach (var (optimizer, _, name) in _parts)
            optimizer.load_state_dict(PathOf(dir, name));
        return true;
    }

    private static string PathOf(string dir, string name) => Path.Combine(dir, $"optimizer-{name}.bin");

    public void Dispose()
    {
        foreach (var part in _parts)
            part.Optimizer.Dispose();
    }
}
