using System;

namespace Bitsmith.Training.Modules;

/// <summary>
/// The cubic schedule of the fraction of weights kept (Zhu and Gupta, 2017; movement pruning,
/// Sanh et al., 2020): <c>v_0</c> until step <c>t_0</c>, then every <c>Δt</c> steps
/// <code>
///   v_t = v_f + (v_0 - v_f) · (1 - (t - t_0) / (n · Δt))³
/// </code>
/// reaching <c>v_f</c> at <c>t_0 + n·Δt</c> and staying there. Pruning fast at first and slowly at
/// the end leaves the network time to recover from the last, most damaging cuts.
/// </summary>
public sealed record CubicSparsitySchedule
{
    public CubicSparsitySchedule(double initialKeep, double finalKeep, long startStep, int updates, int interval)
    {
        if (!(initialKeep > 0 && initialKeep <= 1) || !(finalKeep > 0 && finalKeep <= 1))
            throw new ArgumentOutOfRangeException(nameof(finalKeep), "Kept fractions must be in (0, 1].");
        if (startStep < 0 || updates <= 0 || interval <= 0)
            throw new ArgumentOutOfRangeException(nameof(updates), "The start must not be negative; updates and interval must be positive.");
        InitialKeep = initialKeep;
        FinalKeep = finalKeep;
        StartStep = startStep;
        Updates = updates;
        Interval = interval;
    }

    /// <summary><c>v_0</c>.</summary>
    public double InitialKeep { get; }

    /// <summary><c>v_f</c>.</summary>
    public double FinalKeep { get; }

    /// <summary><c>t_0</c>.</summary>
    public long StartStep { get; }

    /// <summary><c>n</c>, the number of mask updates.</summary>
    public int Updates { get; }

    /// <summary><c>Δt</c>, steps between mask updates.</summary>
    public int Interval { get; }

    /// <summary>The fraction kept at step <paramref name="step"/> (the value of the last update at or before it).</summary>
    public double KeepAt(long step)
    {
        if (step <= StartStep)
            return InitialKeep;
        long span = (long)Updates * Interval;
        long elapsed = Math.Min(span, (step - StartStep) / Interval * Interval);
        double remaining = 1 - (double)elapsed / span;
        return FinalKeep + (InitialKeep - FinalKeep) * remaining * remaining * remaining;
    }
}
