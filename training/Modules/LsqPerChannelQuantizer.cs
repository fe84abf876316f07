using System;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Bitsmith.Training.Modules;

/// <summary>
/// LSQ with one learned step per output channel (axis 0 of the weight), signed and symmetric:
/// <code>
///   ŵ[c] = round(clamp(w[c] / s[c], -QN, QP)) · s[c]
/// </code>
/// Backward as <see cref="LsqQuantizer"/>, per channel (the gradient of each step scaled by
/// <c>1 / sqrt(N · QP)</c>, N the weights of one channel). Initialised from the weight (on the
/// first forward in training, or by <see cref="InitializeFrom"/>) as ONNX Runtime's per-channel
/// symmetric quantiser does: <c>s[c] = max|w[c]| / QP</c>, so each channel's largest weight is its
/// top level. The exporter writes the steps as a per-channel DequantizeLinear scale (axis 0).
/// </summary>
public sealed class LsqPerChannelQuantizer : Module<Tensor, Tensor>, IUniformQuantizer
{
    [ComponentName(Name = "step")]
    private Parameter _step;

    [ComponentName(Name = "initialized")]
    private Tensor _initialized;

    internal LsqPerChannelQuantizer(int bits, int channels) : base(nameof(LsqPerChannelQuantizer))
    {
        if (channels <= 0) throw new ArgumentOutOfRangeException(nameof(channels), channels, "The channel count must be positive.");
        Range = new QuantRange(bits, signed: true);
        _step = ones(channels).AsParameter();
        _initialized = zeros(1);
        RegisterComponents();
    }

    /// <summary>The integer grid (signed).</summary>
    public QuantRange Range { get; }

    /// <summary>Always <see cref="QuantTarget.Weights"/>.</summary>
    public QuantTarget Target => QuantTarget.Weights;

    /// <summary>The learned steps, one per output channel.</summary>
    public Parameter step => _step;

    /// <summary>The largest of the channel steps (the exporter reads <see cref="ChannelSteps"/>).</summary>
    public double StepValue => ChannelSteps.Max();

    /// <summary>Always 0: symmetric.</summary>
    public double OffsetValue => 0.0;

    /// <summary>The steps, one per output channel.</summary>
    public double[] ChannelSteps => _step.detach().cpu().to_type(ScalarType.Float64).data<double>().ToArray();

    public bool IsInitialized => _initialized.to_type(ScalarType.Float64).item<double>() != 0;

    /// <summary>Sets each channel's step to <c>max|w[c]| / QP</c> (a channel of zeros gets a tiny step).</summary>
    public void InitializeFrom(Tensor weight)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        RequireChannels(weight);
        Tensor maxAbs = weight.detach().abs().reshape(weight.shape[0], -1).amax(new long[] { 1 }).to_type(ScalarType.Float64);
        _step.copy_((maxAbs / Range.QP).clamp_min(1e-8));
        _initialized.fill_(1);
    }

    /// <summary>The integer levels of <paramref name="weight"/> (no gradient), as the exporter writes them.</summary>
    public Tensor quantize(Tensor weight)
    {
        RequireInitialized();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return clamp(weight / Steps(weight, _step), -Range.QN, Range.QP).round().MoveToOuterDisposeScope();
    }

    public override Tensor forward(Tensor weight)
    {
        if (!IsInitialized)
        {
            if (!training) RequireInitialized();
            InitializeFrom(weight);
        }
        using var scope = NewDisposeScope();
        RequireChannels(weight);
        double g = 1.0 / Math.Sqrt((double)(weight.numel() / weight.shape[0]) * Range.QP);
        Tensor s = Steps(weight, StraightThrough.ScaleGradient(_step, g));
        Tensor levels = StraightThrough.Round(clamp(weight / s, -Range.QN, Range.QP));
        return (levels * s).MoveToOuterDisposeScope();
    }

    /// <summary>The steps shaped [C, 1, …] to broadcast over <paramref name="weight"/>.</summary>
    private static Tensor Steps(Tensor weight, Tensor steps) =>
        steps.reshape(new long[] { steps.shape[0] }.Concat(Enumerable.Repeat(1L, (int)weight.dim() - 1)).ToArray());

    private void RequireChannels(Tensor weight)
    {
        if (weight.dim() < 1 || weight.shape[0] != _step.shape[0])
            throw new ArgumentException($"The weight has {(weight.dim() < 1 ? 0 : weight.shape[0])} output channels; the quantiser was made for {_step.shape[0]}.", nameof(weight));
    }

    private void RequireInitialized()
    {
        if (!IsInitialized)
            throw new InvalidOperationException(
                "The per-channel LSQ steps are not initialised: run the module in training mode once, or call InitializeFrom.");
    }
}
