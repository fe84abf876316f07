using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Bitsmith.Training.Modules;

/// <summary>
/// EBS-style bitwidth search: one shared tensor, candidate bitwidths <c>B</c>, each with its own
/// LSQ quantiser <c>Q_b</c>, and learned strengths <c>α</c>:
/// <code>
///   search:    x̂ = Σ_b softmax(α)_b · Q_b(x)      (one pass of the layer, whatever |B|)
///   selected:  x̂ = Q_b*(x),  b* = argmax α         (after <see cref="Select"/>; then fine-tune)
/// </code>
/// Gradients reach <c>α</c> through the softmax and every candidate's step through its LSQ
/// gradient. As an <see cref="IUniformQuantizer"/> it is the current choice (argmax α), and it counts
/// as initialised only once selected, so a model is exported after the search, never during it.
/// </summary>
public sealed class EbsQuantizer : Module<Tensor, Tensor>, IUniformQuantizer
{
    [ComponentName(Name = "candidates")]
    private ModuleList<LsqQuantizer> _candidates;

    [ComponentName(Name = "alpha")]
    private Parameter _alpha;

    // The selected candidate's index, -1 while searching (a float buffer, saved with the model).
    [ComponentName(Name = "selected")]
    private Tensor _selected;

    internal EbsQuantizer(IReadOnlyList<int> bits, QuantTarget target, bool signed) : base(nameof(EbsQuantizer))
    {
        if (bits.Count == 0 || bits.Distinct().Count() != bits.Count)
            throw new ArgumentException("EBS needs distinct candidate bitwidths.", nameof(bits));
        Target = target;
        Bitwidths = bits.ToArray();
        _candidates = new ModuleList<LsqQuantizer>(bits.Select(b => Quant.Lsq(b, target, signed)).ToArray());
        _alpha = zeros(bits.Count).AsParameter();
        _selected = full(1, -1.0);
        RegisterComponents();
    }

    public QuantTarget Target { get; }

    /// <summary>The candidate bitwidths, in the order of <see cref="alpha"/>.</summary>
    public IReadOnlyList<int> Bitwidths { get; }

    /// <summary>The strengths α (one per candidate).</summary>
    public Parameter alpha => _alpha;

    /// <summary>The candidates' quantisers, in the order of <see cref="Bitwidths"/>.</summary>
    public IReadOnlyList<LsqQuantizer> Candidates => _candidates.ToArray();

    /// <summary>Whether <see cref="Select"/> has fixed the bitwidth.</summary>
    public bool IsSelected => SelectedIndex >= 0;

    /// <summary>The chosen candidate: the selected one, or argmax α while searching.</summary>
    public LsqQuantizer Choice => _candidates[IsSelected ? SelectedIndex : ArgMax()];

    public QuantRange Range => Choice.Range;

    public bool IsInitialized => IsSelected && Choice.IsInitialized;

    public double StepValue => Choice.StepValue;

    public double OffsetValue => Choice.OffsetValue;

    /// <summary>softmax(α), the mixture's weights.</summary>
    public Tensor probabilities() => softmax(_alpha, 0);

    /// <summary><c>Σ_b softmax(α)_b · b</c>, differentiable in α: the expected bitwidth, for a size penalty during the search.</summary>
    public Tensor expectedBitwidth()
    {
        using var scope = NewDisposeScope();
        return (probabilities() * tensor(Bitwidths.Select(b => (float)b).ToArray())).sum().MoveToOuterDisposeScope();
    }

    /// <summary>Ends the search: fixes the bitwidth to argmax α and returns it.</summary>
    public int Select()
    {
        int index = ArgMax();
        using var noGrad = no_grad();
        _selected.fill_(index);
        return Bitwidths[index];
    }

    public Tensor quantize(Tensor x) => Choice.quantize(x);

    public override Tensor forward(Tensor x)
    {
        if (IsSelected) return Choice.forward(x);
        using var scope = NewDisposeScope();
        Tensor p = probabilities();
        Tensor mixture = p[0] * _candidates[0].forward(x);
        for (int i = 1; i < _candidates.Count; i++)
            mixture = mixture + p[i] * _candidates[i].forward(x);
        return mixture.MoveToOuterDisposeScope();
    }

    private int SelectedIndex => (int)_selected.to_type(ScalarType.Float64).item<double>();

    private int ArgMax()
    {
        using var scope = NewDisposeScope();
        return (int)_alpha.detach().argmax().item<long>();
    }
}
