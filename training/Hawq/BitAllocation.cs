using System;
using System.Collections.Generic;
using System.Linq;

namespace Bitsmith.Training.Hawq;

/// <summary>
/// HAWQ-V2's bit allocation: the bitwidths <c>b_i</c> minimising <c>Σ_i Ω_i(b_i)</c> subject to
/// <c>Σ_i n_i · b_i ≤ S</c>, by dynamic programming over the Pareto frontier of (size, cost): layer
/// by layer every frontier point is extended by every candidate, points over the budget are dropped,
/// and only points that no other point beats in both size and cost are kept. Exact, and the
/// frontier stays small (it never holds more points than distinct sizes).
/// </summary>
public static class BitAllocation
{
    /// <summary>The chosen bitwidth per layer.</summary>
    /// <param name="cost">cost[i][j]: Ω of layer i at candidates[j].</param>
    /// <param name="counts">n_i, the weights of layer i.</param>
    /// <param name="candidates">The candidate bitwidths, e.g. {2, 3, 4, 8}.</param>
    /// <param name="budgetBits">S, in bits.</param>
    public static int[] Solve(IReadOnlyList<double[]> cost, IReadOnlyList<long> counts, IReadOnlyList<int> candidates, long budgetBits)
    {
        if (cost.Count != counts.Count || cost.Count == 0)
            throw new ArgumentException($"{cost.Count} cost rows for {counts.Count} layers.", nameof(cost));
        if (candidates.Count == 0 || candidates.Any(b => b <= 0))
            throw new ArgumentException("Candidate bitwidths must be positive.", nameof(candidates));
        if (cost.Any(row => row.Length != candidates.Count))
            throw new ArgumentException("Each cost row needs one entry per candidate.", nameof(cost));

        var frontier = new List<Point> { new(0, 0, Array.Empty<int>()) };
        for (int i = 0; i < cost.Count; i++)
        {
            var extended = new List<Point>();
            foreach (var p in frontier)
            {
                for (int j = 0; j < candidates.Count; j++)
                {
                    long size = p.Size + counts[i] * candidates[j];
                    if (size <= budgetBits)
                        extended.Add(new Point(size, p.Cost + cost[i][j], p.Choices.Append(j).ToArray()));
                }
            }
            frontier = Pareto(extended);
            if (frontier.Count == 0)
                throw new ArgumentException(
                    $"No assignment fits {budgetBits} bits: the smallest needs {counts.Sum() * candidates.Min()}.", nameof(budgetBits));
        }
        // The frontier's cost falls as its size grows: the last point is the cheapest in budget.
        return frontier[^1].Choices.Select(j => candidates[j]).ToArray();
    }

    private static List<Point> Pareto(List<Point> points)
    {
        var kept = new List<Point>();
        foreach (var p in points.OrderBy(p => p.Size).ThenBy(p => p.Cost))
        {
            if (kept.Count == 0 || p.Cost < kept[^1].Cost)
                kept.Add(p);
        }
        return kept;
    }

    private readonly record struct Point(long Size, double Cost, int[] Choices);
}
