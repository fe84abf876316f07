using System.Linq;
using static TorchSharp.torch;

namespace Bitsmith.Training.Modules;

/// <summary>Drives the pruners of a network from one schedule.</summary>
public static class Pruning
{
    /// <summary>Sets every pruner of <paramref name="model"/> to the fraction <paramref name="schedule"/> keeps at <paramref name="step"/>.</summary>
    public static void Apply(nn.Module model, CubicSparsitySchedule schedule, long step)
    {
        double keep = schedule.KeepAt(step);
        foreach (var pruner in model.modules().OfType<IPrunedWeight>())
            pruner.KeepFraction = keep;
    }
}
