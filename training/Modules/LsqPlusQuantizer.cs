using System;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Bitsmith.Training.Modules;

/// <summary>
/// LSQ+ (Bhalgat et al., CVPR-W 2020): LSQ with a learned offset <c>β</c> for activations.
/// <code>
///   activations:  x̂ = round(clamp((x - β) / s, -QN, QP)) · s + β
///   weights:      ŵ = round(clamp(w / s, -QN, QP)) · s            (signed, symmetric)
/// </code>
/// Backward (straight-through, as LSQ): <c>∂x̂/∂x = 1</c> inside the range, 0 outside;
/// <c>∂x̂/∂s = round(u) - u</c> inside (<c>u = (x - β) / s</c>), <c>-QN</c> below, <c>QP</c> above;
/// <c>∂x̂/∂β = 0</c> inside, 1 where clipped. The gradients of <c>s</c> and <c>β</c> are both scaled
/// by <c>g = 1 / sqrt(N · QP)</c>.
/// <para>
/// Initialisation, from the first tensor seen in training or by <see cref="InitializeFrom"/>:
/// weights <c>s = max(|μ - 3σ|, |μ + 3σ|) / 2^(b-1)</c> (μ, σ: mean and sample standard deviation
/// of the weights); activations: the <c>s</c> and <c>β</c> minimising <c>‖x - x̂‖²</c> on that
/// calibration batch.
/// </para>
/// <para>
/// The offset is used on the zero-point grid, <c>β̃ = s · round(β / s)</c> (straight-through into
/// <c>β</c>), in every forward pass: ONNX writes the zero point <c>-β / s</c> as an integer, so the
/// trained function is the exported one and <see cref="RoundOffsetToStep"/> after training changes
/// nothing.
/// </para>
/// A non-zero offset costs nothing at inference: it folds into the next layer's bias.
/// </summary>
public sealed class LsqPlusQuantizer : Module<Tensor, Tensor>, IUniformQuantizer
{
    [ComponentName(Name = "step")]
    private Parameter _step;

    [ComponentName(Name = "offset")]
    private Parameter? _offset;   // activations only

    // 1 once step and offset are set (a buffer, saved with the model).
    [ComponentName(Name = "initialized")]
    private Tensor _initialized;

    internal LsqPlusQuantizer(int bits, QuantTarget target, bool signed) : base(nameof(LsqPlusQuantizer))
    {
        if (target == QuantTarget.Weights && !signed)
            throw new ArgumentException("LSQ+ quantises weights signed and symmetric.", nameof(signed));
        Range = new QuantRange(bits, signed);
        Target = target;
        _step = ones(1).AsParameter();
        _offset = target == QuantTarget.Activations ? zeros(1).AsParameter() : null;
        _initialized = zeros(1);
        RegisterComponents();
    }

    /// <summary>The integer grid.</summary>
    public QuantRange Range { get; }

    /// <summary>What this quantiser is applied to.</summary>
    public QuantTarget Target { get; }

    /// <summary>The learned step <c>s</c> (one element).</summary>
    public Parameter step => _step;

    /// <summary>The learned offset <c>β</c> (one element); null for weights.</summary>
    public Parameter? offset => _offset;

    /// <summary>The current step as a number.</summary>
    public double StepValue => ToDouble(_step);

    /// <summary>The current offset as a number (0 for weights).</summary>
    public double OffsetValue => _offset is null ? 0.0 : ToDouble(_offset);

    /// <summary>Whether step and offset have been initialised (from data or explicitly).</summary>
    public bool IsInitialized => _initialized.to_type(ScalarType.Float64).item<double>() != 0;

    /// <summary>
    /// Initialises from data: for weights the 3σ rule on <paramref name="v"/>, for activations the
    /// minimum-MSE step and offset on the calibration batch <paramref name="v"/>.
    /// </summary>
    public void InitializeFrom(Tensor v)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        if (Target == QuantTarget.Weights)
        {
            Tensor w = v.detach().to_type(ScalarType.Float64);
            double mu = w.mean().item<double>();
            double sigma = w.numel() > 1 ? w.std().item<double>() : 0.0;
            double s = Math.Max(Math.Abs(mu - 3 * sigma), Math.Abs(mu + 3 * sigma)) / (1 << (Range.Bits - 1));
            Initialize(s > 0 ? s : 1e-8);
        }
        else
        {
            (double s, double beta, _) = AffineMseSearch.Fit(v, Range);
            Initialize(s, beta);
        }
    }

    /// <summary>Sets step and offset explicitly (the offset must be 0 for weights).</summary>
    public void Initialize(double stepValue, double offsetValue = 0.0)
    {
        if (!(stepValue > 0) || double.IsInfinity(stepValue))
            throw new ArgumentOutOfRangeException(nameof(stepValue), stepValue, "The step must be positive and finite.");
        if (_offset is null && offsetValue != 0)
            throw new ArgumentOutOfRangeException(nameof(offsetValue), offsetValue, "Weights have no offset.");
        if (!double.IsFinite(offsetValue))
            throw new ArgumentOutOfRangeException(nameof(offsetValue), offsetValue, "The offset must be finite.");
        using var noGrad = no_grad();
        _step.fill_(stepValue);
        _offset?.fill_(offsetValue);
        _initialized.fill_(1);
    }

    /// <summary>
    /// Moves the offset to the nearest integer multiple of the step (by at most s/2), so that the
    /// zero point <c>-β / s</c> is an integer: the form ONNX's QuantizeLinear can write exactly.
    /// The forward pass already uses the rounded offset, so this does not change the function.
    /// </summary>
    public void RoundOffsetToStep()
    {
        RequireInitialized();
        if (_offset is null) return;
        double s = StepValue;
        Initialize(s, Math.Round(OffsetValue / s, MidpointRounding.ToEven) * s);
    }

    /// <summary>The integer codes <c>round(clamp((x - β) / s, -QN, QP))</c> of <paramref name="x"/> (no gradient).</summary>
    public Tensor quantize(Tensor x)
    {
        RequireInitialized();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor shifted = _offset is null ? x : x - OnGrid(_offset, _step);
        return clamp(shifted / _step, -Range.QN, Range.QP).round().MoveToOuterDisposeScope();
    }

    public override Tensor forward(Tensor x)
    {
        if (!IsInitialized)
        {
            if (!training) RequireInitialized();
            InitializeFrom(x);
        }

        using var scope = NewDisposeScope();
        double g = StraightThrough.GradientScale(x, Target, Range);
        Tensor s = StraightThrough.ScaleGradient(_step, g);
        if (_offset is null)
            return (StraightThrough.Round(clamp(x / s, -Range.QN, Range.QP)) * s).MoveToOuterDisposeScope();

        Tensor beta = OnGrid(StraightThrough.ScaleGradient(_offset, g), s);
        Tensor levels = StraightThrough.Round(clamp((x - beta) / s, -Range.QN, Range.QP));
        return (levels * s + beta).MoveToOuterDisposeScope();
    }

    // Forward s · round(β / s), backward the identity into β (none into s).
    private static Tensor OnGrid(Tensor beta, Tensor s)
    {
        Tensor rounded = (beta.detach() / s.detach()).round() * s.detach();
        return beta + (rounded - beta).detach();
    }

    private static double ToDouble(Tensor t) => t.detach().cpu().to_type(ScalarType.Float64).item<double>();

    private void RequireInitialized()
    {
        if (!IsInitialized)
            throw new InvalidOperationException(
                "The LSQ+ step is not initialised: run the module in training mode once, or call InitializeFrom or Initialize.");
    }
}
