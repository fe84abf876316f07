using System;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Bitsmith.Training.Modules;

/// <summary>
/// LSQ, Learned Step Size Quantization (Esser et al., ICLR 2020): a uniform symmetric quantiser
/// with one learned step <c>s</c> per tensor.
/// <code>
///   v̄ = round(clip(v / s, -QN, QP))      (round half to even)
///   v̂ = v̄ · s
/// </code>
/// Backward (straight-through): <c>∂v̂/∂v = 1</c> inside the range, 0 outside;
/// <c>∂v̂/∂s = -v/s + round(v/s)</c> inside, <c>-QN</c> below, <c>QP</c> above; the gradient of
/// <c>s</c> is scaled by <c>g = 1 / sqrt(N · QP)</c> (N: weights of the layer, or features per
/// sample for activations). The step is initialised from the first tensor seen in training (or by
/// <see cref="InitializeFrom"/>) as <c>s = 2 · mean(|v|) / sqrt(QP)</c>.
/// </summary>
public sealed class LsqQuantizer : Module<Tensor, Tensor>, IUniformQuantizer
{
    /// <summary>The smallest step a training loop leaves (<see cref="QuantizerProjection"/>): a step must stay positive.</summary>
    public const double MinStep = 1e-8;

    [ComponentName(Name = "step")]
    private Parameter _step;

    // 1 once the step is set: a buffer, so that a reloaded model does not initialise it again.
    // (Float, not bool: Module.to(dtype) converts every buffer.)
    [ComponentName(Name = "initialized")]
    private Tensor _initialized;

    internal LsqQuantizer(int bits, QuantTarget target, bool signed) : base(nameof(LsqQuantizer))
    {
        Range = new QuantRange(bits, signed);
        Target = target;
        _step = ones(1).AsParameter();
        _initialized = zeros(1);
        RegisterComponents();
    }

    /// <summary>The integer grid.</summary>
    public QuantRange Range { get; }

    /// <summary>What this quantiser is applied to (decides N in the gradient scale).</summary>
    public QuantTarget Target { get; }

    /// <summary>The learned step <c>s</c> (one element).</summary>
    public Parameter step => _step;

    /// <summary>The current step as a number.</summary>
    public double StepValue => _step.detach().cpu().to_type(ScalarType.Float64).item<double>();

    /// <summary>Always 0: LSQ is symmetric.</summary>
    public double OffsetValue => 0.0;

    /// <summary>Whether the step has been initialised (from data or explicitly).</summary>
    public bool IsInitialized => _initialized.to_type(ScalarType.Float64).item<double>() != 0;

    /// <summary>Sets the step to LSQ's initial value for <paramref name="v"/>: <c>2 · mean(|v|) / sqrt(QP)</c>.</summary>
    public void InitializeFrom(Tensor v)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        double meanAbs = v.detach().abs().mean().to_type(ScalarType.Float64).item<double>();
        Initialize(2 * meanAbs / Math.Sqrt(Range.QP));
    }

    /// <summary>Sets the step explicitly.</summary>
    public void Initialize(double stepValue)
    {
        if (!(stepValue > 0) || double.IsInfinity(stepValue))
            throw new ArgumentOutOfRangeException(nameof(stepValue), stepValue, "The step must be positive and finite.");
        using var noGrad = no_grad();
        _step.fill_(stepValue);
        _initialized.fill_(1);
    }

    /// <summary>The integer codes <c>v̄</c> of <paramref name="v"/> (no gradient), as the exporter writes them.</summary>
    public Tensor quantize(Tensor v)
    {
        RequireInitialized();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return clamp(v / _step, -Range.QN, Range.QP).round().MoveToOuterDisposeScope();
    }

    public override Tensor forward(Tensor v)
    {
        if (!IsInitialized)
        {
            if (!training) RequireInitialized();
            InitializeFrom(v);
        }

        using var scope = NewDisposeScope();
        Tensor s = StraightThrough.ScaleGradient(_step, StraightThrough.GradientScale(v, Target, Range));
        Tensor levels = StraightThrough.Round(clamp(v / s, -Range.QN, Range.QP));
        return (levels * s).MoveToOuterDisposeScope();
    }

    private void RequireInitialized()
    {
        if (!IsInitialized)
            throw new InvalidOperationException(
                "The LSQ step is not initialised: run the module in training mode once, or call InitializeFrom or Initialize.");
    }
}
