using System;
using Bitsmith.Training.Model;
using Bitsmith.Training.Modules;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Bitsmith.Bench.Models;

/// <summary>
/// Sets every statistic and quantiser of an untrained network from a calibration batch, layer by
/// layer in eval mode, so that each quantiser sees the (already quantised) values it will see at
/// inference:
/// <list type="bullet">
/// <item>BatchNorm: running mean and variance are the batch's per-channel statistics; γ and β are
/// drawn at random (γ in [0.5, 1.5], β ~ N(0, 0.25²)), so the folded weight scales differ per channel.</item>
/// <item>Weight quantisers: per channel, <c>max|w[c]| / 127</c> (ONNX Runtime's symmetric rule).</item>
/// <item>Activation quantisers: LSQ+'s initialisation (the step and offset of least squared error on
/// the batch), then as ONNX Runtime's quantiser: the range widened to include 0, the zero point 0
/// after a ReLU or ReLU6 (ONNX Runtime then drops the activation into the quantised op) and the
/// range at most [0, 6] after a ReLU6, the parameters of the quantiser before a max pool after it;
/// the offset rounded to a multiple of the step (an integer zero point).</item>
/// </list>
/// </summary>
internal static class Calibration
{
    public static Tensor Run(QuantSequential seq, Tensor x)
    {
        var layers = seq.Children;
        for (int i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            switch (layer)
            {
                case BatchNorm2d bn:
                    using (no_grad())
                    {
                        var dims = new long[] { 0, 2, 3 };
                        Tensor mean = x.mean(dims);
                        Tensor variance = (x - mean.view(1, -1, 1, 1)).square().mean(dims);
                        bn.running_mean!.copy_(mean);
                        bn.running_var!.copy_(variance);
                        bn.weight!.copy_(rand(mean.shape) + 0.5);
                        bn.bias!.copy_(randn(mean.shape) * 0.25);
                    }
                    break;
                case QuantConv2d conv:
                    ((LsqPerChannelQuantizer)conv.WeightTransform!).InitializeFrom(conv.weight);
                    break;
                case QuantLinear { WeightTransform: ProductQuantizer pq } linear:
                    pq.Fit(linear.weight);
                    break;
                case QuantLinear linear:
                    ((LsqPerChannelQuantizer)linear.WeightTransform!).InitializeFrom(linear.weight);
                    break;
                case ActivationQuant aq:
                    var q = (LsqPlusQuantizer)aq.Quantizer;
                    var before = i > 0 ? layers[i - 1] : null;
                    if (before is Pool2d { Kind: PoolKind.Max } && i > 1 && layers[i - 2] is ActivationQuant previous)
                        q.Initialize(previous.Quantizer.StepValue, previous.Quantizer.OffsetValue);
                    else
                        InitializeActivation(q, x, (before as Activation)?.Kind);
                    break;
                case Residual res:
                    Tensor shortcut = res.Shortcut is null ? x : Run(res.Shortcut, x);
                    Tensor body = Run(res.Body, x);
                    using (no_grad())
                        x = shortcut + body;
                    continue;
            }
            using (no_grad())
                x = layer.forward(x);
        }
        return x;
    }

    private static void InitializeActivation(LsqPlusQuantizer q, Tensor x, ActivationKind? after)
    {
        q.InitializeFrom(x);
        int levels = q.Range.Steps;   // 255
        double lo = q.OffsetValue, hi = q.OffsetValue + levels * q.StepValue;
        lo = Math.Min(lo, 0);
        hi = Math.Max(hi, 0);
        if (after is ActivationKind.ReLU or ActivationKind.ReLU6)
            lo = 0;
        if (after is ActivationKind.ReLU6)
            hi = Math.Min(hi, 6);
        q.Initialize((hi - lo) / levels, lo);
        q.RoundOffsetToStep();
    }
}
