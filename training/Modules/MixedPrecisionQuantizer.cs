using System;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Bitsmith.Training.Modules;

/// <summary>
/// Learned mixed precision by parametrisation (Uhlich et al., ICLR 2020): a uniform quantiser fixed
/// by a learned step <c>d</c> and a learned range <c>q_max</c>; the bitwidth is derived from them.
/// <code>
///   d ← clip(d, 2^-8, 2^8),  q_max ← clip(q_max, 0.001, 10)        (as the official implementation)
///   x̂ = d · round(clip(x, -q_max, q_max) / d)                     (unsigned: clip(x, 0, q_max))
///   b = ceil(log2(round(q_max / d) + 1)) + 1                       (unsigned: without the + 1)
/// </code>
/// The bitwidth counts the levels the forward pass can produce, <c>round(q_max / d)</c> on each
/// side, so a range just past a grid point does not cost a bit it never uses.
/// Backward (straight-through round, otherwise exact): <c>∂x̂/∂x = 1</c> inside the range, 0 outside;
/// <c>∂x̂/∂d = round(x/d) - x/d</c> inside, <c>round(q_max/d) - q_max/d</c> outside (the official
/// autograd value); <c>∂x̂/∂q_max = 0</c> inside, <c>sign(x)</c> outside. A clipped parameter gets no
/// gradient. <see cref="bitwidth"/> is the rounded <c>b</c> on the forward pass with the gradient of
/// the real <c>log2(q_max / d + 1) + 1</c>, which is what the memory regularisers
/// (<see cref="MemoryRegularizer"/>) differentiate. As in the official code, a training loop clips
/// both gradients to <c>±d</c> (<see cref="ClipGradients"/>) and projects both parameters back into
/// their bounds after each step (<see cref="ProjectToBounds"/>).
/// <para>
/// The levels <c>round(clip(x, -q_max, q_max)/d)</c> lie in <c>[-(2^(b-1) - 1), 2^(b-1) - 1]</c>, so
/// <see cref="Range"/> (b bits) holds them: the exporter writes weights exactly. With
/// <see cref="FullGrid"/> the clip below is <c>-(q_max + d)</c>, adding the level <c>-2^(b-1)</c> that b
/// bits store anyway (not in the paper; chosen per variant on validation data). Activations: the
/// exporter clips to the grid <c>[LowestLevel·d, QP·d]</c>, which equals this quantiser's clip only
/// when <c>q_max = QP·d</c>. So that the snap does not change the trained function, train the last
/// epoch with <see cref="SnapsToGrid"/> set (the forward pass clips at <c>QP·d</c>, straight-through
/// to <c>q_max</c>), then call <see cref="SnapRangeToGrid"/> before exporting.
/// </para>
/// </summary>
public sealed class MixedPrecisionQuantizer : Module<Tensor, Tensor>, IUniformQuantizer
{
    public const double MinStep = 1.0 / 256, MaxStep = 256, MinRange = 0.001, MaxRange = 10;

    [ComponentName(Name = "step")]
    private Parameter _step;

    [ComponentName(Name = "range")]
    private Parameter _range;

    // 1 once step and range are set (a float buffer, saved with the model).
    [ComponentName(Name = "initialized")]
    private Tensor _initialized;

    private readonly int _initialBits;

    internal MixedPrecisionQuantizer(QuantTarget target, bool signed, int initialBits, bool powerOfTwoStep, bool fullGrid = false) : base(nameof(MixedPrecisionQuantizer))
    {
        _ = new QuantRange(initialBits, signed);   // validates the initial bitwidth
        Target = target;
        Signed = signed;
        PowerOfTwoStep = powerOfTwoStep;
        FullGrid = fullGrid;
        _initialBits = initialBits;
        _step = full(1, 1.0 / 16).AsParameter();   // the official initial step 2^-4
        _range = ones(1).AsParameter();
        _initialized = zeros(1);
        RegisterComponents();
    }

    public QuantTarget Target { get; }

    public bool Signed { get; }

    /// <summary>Whether the step is rounded to a power of two (straight-through) on the forward pass.</summary>
    public bool PowerOfTwoStep { get; }

    /// <summary>
    /// Whether a signed grid also uses the level <c>-2^(b-1)</c> that b bits store (the clip below at
    /// <c>-(q_max + d)</c>): four levels at 2 bits instead of the paper's three, at the same bytes.
    /// </summary>
    public bool FullGrid { get; }

    /// <summary>The learned step <c>d</c> (before clipping).</summary>
    public Parameter step => _step;

    /// <summary>The learned range <c>q_max</c> (before clipping).</summary>
    public Parameter range => _range;

    /// <summary>
    /// Elements of the last tensor quantised: all of them for weights, per sample for activations
    /// (the <c>N_l</c> of the memory regularisers); 0 before the first forward.
    /// </summary>
    public long ElementCount { get; private set; }

    public bool IsInitialized => _initialized.to_type(ScalarType.Float64).item<double>() != 0;

    /// <summary>The step in use (clipped, and rounded to a power of two if so configured).</summary>
    public double StepValue
    {
        get
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            return EffectiveStep().to_type(ScalarType.Float64).item<double>();
        }
    }

    /// <summary>
    /// Whether the forward pass clips at the grid's top <c>QP·d</c> instead of <c>q_max</c>
    /// (straight-through to <c>q_max</c>): the function <see cref="SnapRangeToGrid"/> will fix.
    /// </summary>
    public bool SnapsToGrid { get; set; }

    /// <summary>The range in use (clipped; the grid's top while <see cref="SnapsToGrid"/>).</summary>
    public double RangeValue
    {
        get
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            return EffectiveRange().to_type(ScalarType.Float64).item<double>();
        }
    }

    public double OffsetValue => 0.0;

    /// <summary>The current bitwidth <c>b</c> (rounded).</summary>
    public int Bits => DeriveBits(StepValue, ClippedRangeValue, Signed);

    /// <summary>The grid of the current bitwidth.</summary>
    public QuantRange Range => new(Bits, Signed);

    /// <summary>Signed: symmetric, <c>-QP</c> (Uhlich's 2^b - 1 levels), or <c>-QN</c> on the <see cref="FullGrid"/>; 0 unsigned.</summary>
    public long LowestLevel => !Signed ? 0 : FullGrid ? -Range.QN : -Range.QP;

    /// <summary>
    /// <c>ceil(log2(round(q_max/d) + 1)) (+1 signed)</c>: the bits of the largest level the forward
    /// pass produces; at least the smallest grid (2 signed, 1 unsigned).
    /// </summary>
    public static int DeriveBits(double step, double range, bool signed)
    {
        double levels = Math.Round(range / step, MidpointRounding.ToEven);
        int b = (int)Math.Ceiling(Math.Log2(levels + 1)) + (signed ? 1 : 0);
        return Math.Max(b, signed ? 2 : 1);
    }

    /// <summary>
    /// The bitwidth as a tensor: forward the rounded <c>b</c>, backward the gradient of the real
    /// <c>log2(q_max/d + 1) (+1)</c> with respect to <c>d</c> and <c>q_max</c>.
    /// </summary>
    public Tensor bitwidth()
    {
        RequireInitialized();
        using var scope = NewDisposeScope();
        Tensor real = log2(ClippedRange() / EffectiveStep() + 1) + (Signed ? 1 : 0);
        return (full_like(real, Bits) + (real - real.detach())).MoveToOuterDisposeScope();
    }

    /// <summary>Sets step and range explicitly.</summary>
    public void Initialize(double stepValue, double rangeValue)
    {
        if (!(stepValue > 0) || double.IsInfinity(stepValue))
            throw new ArgumentOutOfRangeException(nameof(stepValue), stepValue, "The step must be positive and finite.");
        if (!(rangeValue > 0) || double.IsInfinity(rangeValue))
            throw new ArgumentOutOfRangeException(nameof(rangeValue), rangeValue, "The range must be positive and finite.");
        using var noGrad = no_grad();
        _step.fill_(stepValue);
        _range.fill_(rangeValue);
        _initialized.fill_(1);
    }

    /// <summary>
    /// Initialises from data at the initial bitwidth: <c>q_max = max|v|</c> (clipped to its bounds),
    /// <c>d = q_max / QP</c>.
    /// </summary>
    public void InitializeFrom(Tensor v)
    {
        double maxAbs;
        using (var scope = NewDisposeScope())
        using (var noGrad = no_grad())
            maxAbs = v.detach().abs().max().to_type(ScalarType.Float64).item<double>();
        double qmax = Math.Clamp(maxAbs, MinRange, MaxRange);
        Initialize(Math.Clamp(qmax / new QuantRange(_initialBits, Signed).QP, MinStep, MaxStep), qmax);
    }

    /// <summary>
    /// Sets <c>q_max</c> to the largest level of the current grid times the step (<c>QP · d</c>), so
    /// that this quantiser's clip equals the exporter's; the bitwidth does not change, unless
    /// <c>QP · d</c> exceeds the range bound (10), where the grid shrinks by bits until it fits.
    /// </summary>
    public void SnapRangeToGrid()
    {
        RequireInitialized();
        Initialize(StepValue, GridRange());
        SnapsToGrid = false;
    }

    /// <summary>
    /// Official-code gradient clipping: the gradients of <c>d</c> and <c>q_max</c> each to
    /// <c>[-d, d]</c>, so that one step moves neither by more than about the step itself.
    /// </summary>
    public void ClipGradients()
    {
        if (!IsInitialized) return;
        double d = StepValue;
        using var noGrad = no_grad();
        _step.grad?.clamp_(-d, d);
        _range.grad?.clamp_(-d, d);
    }

    /// <summary>Moves <c>d</c> and <c>q_max</c> back into their bounds after an optimiser step.</summary>
    public void ProjectToBounds()
    {
        using var noGrad = no_grad();
        _step.clamp_(MinStep, MaxStep);
        _range.clamp_(MinRange, MaxRange);
    }

    // QP · d of the current bitwidth, the grid shrunk by bits while it exceeds the range bound.
    private double GridRange()
    {
        double d = StepValue;
        var grid = Range;
        while (grid.QP * d > MaxRange)
        {
            if (grid.Bits == (Signed ? 2 : 1))
                throw new InvalidOperationException($"The step {d} exceeds the range bound {MaxRange}: no grid fits.");
            grid = new QuantRange(grid.Bits - 1, Signed);
        }
        return grid.QP * d;
    }

    /// <summary>The integer levels <c>round(clip(x, -q_max, q_max) / d)</c> of <paramref name="x"/> (no gradient).</summary>
    public Tensor quantize(Tensor x)
    {
        RequireInitialized();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor d = EffectiveStep(), qmax = EffectiveRange();
        return (x.clamp(Lower(d, qmax), qmax) / d).round().MoveToOuterDisposeScope();
    }

    public override Tensor forward(Tensor x)
    {
        if (!IsInitialized)
        {
            if (!training) RequireInitialized();
            InitializeFrom(x);
        }
        ElementCount = Target == QuantTarget.Activations && x.dim() > 1 ? x.numel() / x.shape[0] : x.numel();

        using var scope = NewDisposeScope();
        Tensor d = EffectiveStep();
        Tensor qmax = EffectiveRange();
        Tensor clipped = x.clamp(Lower(d, qmax), qmax);
        return (d * StraightThrough.Round(clipped / d)).MoveToOuterDisposeScope();
    }

    // The clip below: -q_max (symmetric), -(q_max + d) (full grid), 0 unsigned.
    private Tensor Lower(Tensor d, Tensor qmax) => !Signed ? zeros_like(qmax) : FullGrid ? -(qmax + d) : -qmax;

    private Tensor EffectiveStep()
    {
        Tensor d = _step.clamp(MinStep, MaxStep);
        if (!PowerOfTwoStep) return d;
        Tensor pow2 = (d.log2().round() * Math.Log(2)).exp().detach();
        return pow2 + (d - d.detach());
    }

    private Tensor ClippedRange() => _range.clamp(MinRange, MaxRange);

    private double ClippedRangeValue
    {
        get
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            return ClippedRange().to_type(ScalarType.Float64).item<double>();
        }
    }

    private Tensor EffectiveRange()
    {
        Tensor r = ClippedRange();
        if (!SnapsToGrid) return r;
        // Forward the grid's top, backward into q_max.
        Tensor grid = full_like(r, GridRange());
        return r + (grid - r).detach();
    }

    private void RequireInitialized()
    {
        if (!IsInitialized)
            throw new InvalidOperationException(
                "The mixed-precision quantiser is not initialised: run the module in training mode once, or call InitializeFrom or Initialize.");
    }
}
