using System.Linq;
using Bitsmith.Training.Modules;
using static TorchSharp.torch;

namespace Bitsmith.Training;

/// <summary>
/// What a training loop does around each optimiser step so that every quantiser parameter stays
/// where its method defines it: before the step, learned mixed precision's gradients are clipped
/// (as Uhlich et al.'s official code does), and so is the step gradient of every LSQ weight
/// quantiser, to <c>±s</c>; after it, every step size is projected back into its valid range
/// (positive; mixed precision's step and range into their bounds).
/// <para>
/// Why the weight steps: SGD moves them by absolute amounts, but an 8-bit step on a small layer is
/// tiny (0.005 for the deeper network's 144 first-layer weights) while its gradient is not, since
/// every clipped weight adds <c>QP · g · ∂L/∂ŵ</c> with QP = 127. Unclipped, one update overshot
/// below zero, the projection left 1e-8 so that every weight clipped, the next updates threw the step
/// to 1e4 where every weight rounds to 0, and the network never recovered (HAWQ-V2 at 2.5 bits).
/// Clipped to <c>±s</c>, an update moves a step by at most <c>lr · s</c> times momentum's gain. In the
/// first epoch of that run only the two 8-bit weight steps reached the bound; the steps of 2 to 4 bits never did.
/// </para>
/// </summary>
public static class QuantizerProjection
{
    /// <summary>Call between backward and the optimiser step.</summary>
    public static void ClipGradients(nn.Module model)
    {
        foreach (var module in model.modules())
        {
            switch (module)
            {
                case LsqQuantizer { Target: QuantTarget.Weights } q: ClipToStep(q.step); break;
                case LsqPerChannelQuantizer q: ClipToStep(q.step); break;
                case LsqPlusQuantizer { Target: QuantTarget.Weights } q: ClipToStep(q.step); break;
                case MixedPrecisionQuantizer q: q.ClipGradients(); break;
            }
        }
    }

    // Each element of the step's gradient to [-s, s] of its own step.
    private static void ClipToStep(Tensor step)
    {
        if (step.grad is not { } grad) return;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor s = step.detach().abs();
        grad.copy_(grad.maximum(-s).minimum(s));
    }

    /// <summary>Call after the optimiser step.</summary>
    public static void Project(nn.Module model)
    {
        using var noGrad = no_grad();
        foreach (var module in model.modules())
        {
            switch (module)
            {
                case LsqQuantizer q: q.step.clamp_min_(LsqQuantizer.MinStep); break;
                case LsqPerChannelQuantizer q: q.step.clamp_min_(LsqQuantizer.MinStep); break;
                case LsqPlusQuantizer q: q.step.clamp_min_(LsqQuantizer.MinStep); break;
                case MixedPrecisionQuantizer q: q.ProjectToBounds(); break;
            }
        }
    }
}
