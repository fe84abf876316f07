using System.Linq;
using Bitsmith.Training.Modules;
using static TorchSharp.torch;

namespace Bitsmith.Training;

/// <summary>
/// What a training loop does around each optimiser step so that every quantiser parameter stays
/// where its method defines it: before the step, learned mixed precision's gradients are clipped
/// (as Uhlich et al.'s official code does); after it, every step size is projected back into its
/// valid range (positive; mixed precision's step and range into their bounds).
/// </summary>
public static class QuantizerProjection
{
    /// <summary>Call between backward and the optimiser step.</summary>
    public static void ClipGradients(nn.Module model)
    {
        foreach (var q in model.modules().OfType<MixedPrecisionQuantizer>())
            q.ClipGradients();
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
