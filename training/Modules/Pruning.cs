using System.Linq;
using static TorchSharp.torch;

namespace Bitsmith.Training.Modules;

/// <summary>Drives the pruners of a network from one schedule.</summary>
public static class Pruning
{
    /// <summary>
    /// Sets every pruner of <paramref name="model"/> to the fraction <paramref name="schedule"/> keeps at
    /// <paramref name="step"/>; a soft movement pruner instead gets the threshold that far along the
    /// cubic curve from 0 to <paramref name="finalThreshold"/>.
    /// </summary>
    public static void Apply(nn.Module model, CubicSparsitySchedule schedule, long step, double finalThreshold = 0)
    {
        double keep = schedule.KeepAt(step);
        double progress = schedule.InitialKeep == schedule.FinalKeep ? 1 : (schedule.InitialKeep - keep) / (schedule.InitialKeep - schedule.FinalKeep);
        foreach (var pruner in model.modules().OfType<IPrunedWeight>())
        {
            if (pruner is SoftMovementPruner soft)
                soft.Threshold = finalThreshold * progress;
            else
                pruner.KeepFraction = keep;
        }
    }

    /// <summary>Soft movement pruning's regulariser term: the mean over the soft pruners of their <c>mean σ(S)</c> (0 without any).</summary>
    public static Tensor SoftPenalty(nn.Module model)
    {
        var soft = model.modules().OfType<SoftMovementPruner>().ToArray();
        if (soft.Length == 0) return zeros(1);
        using var scope = NewDisposeScope();
        return (soft.Select(p => p.SigmoidMean()).Aggregate((a, b) => a + b) / soft.Length).MoveToOuterDisposeScope();
    }
}
