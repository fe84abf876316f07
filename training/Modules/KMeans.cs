using System;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace Bitsmith.Training.Modules;

/// <summary>
/// Seeded k-means (Lloyd's algorithm) for iPQ's codebooks: k-means++ initialisation (each new
/// centroid drawn with probability proportional to its squared distance from the nearest chosen
/// one), then a fixed number of assignment/update rounds. A cluster left empty takes the point
/// farthest from its own centroid, so all K centroids stay in use when there are K distinct points.
/// </summary>
public static class KMeans
{
    /// <summary>
    /// Clusters the rows of <paramref name="points"/> [n, d] into <paramref name="k"/> centroids.
    /// Returns the centroids [k, d] (float32) and each row's centroid index [n] (int64).
    /// </summary>
    public static (Tensor Centroids, Tensor Assignments) Fit(Tensor points, int k, int iterations, int seed)
    {
        if (points.dim() != 2 || points.shape[0] == 0)
            throw new ArgumentException("The points must be a non-empty [n, d] tensor.", nameof(points));
        if (k <= 0 || k > points.shape[0])
            throw new ArgumentOutOfRangeException(nameof(k), k, $"K must be between 1 and the number of points ({points.shape[0]}).");
        if (iterations < 0)
            throw new ArgumentOutOfRangeException(nameof(iterations), iterations, "The iteration count must not be negative.");

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor x = points.detach().to_type(ScalarType.Float32).cpu().contiguous();
        Tensor centroids = PlusPlus(x, k, new Random(seed));
        Tensor assignments = Assign(x, centroids).Index;
        for (int it = 0; it < iterations; it++)
        {
            centroids = Update(x, centroids, assignments, k);
            assignments = Assign(x, centroids).Index;
        }
        return (centroids.MoveToOuterDisposeScope(), assignments.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// <paramref name="iterations"/> Lloyd rounds from the given <paramref name="centroids"/> [k, d]:
    /// a warm start, to follow points that move a little between calls. Returns the new centroids
    /// and each row's centroid index.
    /// </summary>
    public static (Tensor Centroids, Tensor Assignments) Refine(Tensor points, Tensor centroids, int iterations)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor x = points.detach().to_type(ScalarType.Float32).cpu().contiguous();
        Tensor c = centroids.detach().to_type(ScalarType.Float32).cpu();
        int k = (int)c.shape[0];
        Tensor assignments = Assign(x, c).Index;
        for (int it = 0; it < iterations; it++)
        {
            c = Update(x, c, assignments, k);
            assignments = Assign(x, c).Index;
        }
        return (c.MoveToOuterDisposeScope(), assignments.MoveToOuterDisposeScope());
    }

    /// <summary>Each point's nearest centroid and its squared distance.</summary>
    public static (Tensor Index, Tensor Distance) Assign(Tensor x, Tensor centroids)
    {
        using var scope = NewDisposeScope();
        Tensor d2 = SquaredDistances(x, centroids);
        var (min, index) = d2.min(1);
        return (index.MoveToOuterDisposeScope(), min.MoveToOuterDisposeScope());
    }

    // ||x||² - 2 x·c + ||c||², clamped at 0 against rounding.
    private static Tensor SquaredDistances(Tensor x, Tensor c) =>
        (x.pow(2).sum(1, keepdim: true) - 2 * x.matmul(c.t()) + c.pow(2).sum(1).unsqueeze(0)).clamp_min(0);

    private static Tensor PlusPlus(Tensor x, int k, Random random)
    {
        long n = x.shape[0];
        var chosen = new long[k];
        chosen[0] = random.NextInt64(n);
        Tensor nearest = SquaredDistances(x, x[chosen[0]].unsqueeze(0)).squeeze(1);
        for (int j = 1; j < k; j++)
        {
            double[] d = nearest.to_type(ScalarType.Float64).data<double>().ToArray();
            chosen[j] = Draw(d, random);
            nearest = minimum(nearest, SquaredDistances(x, x[chosen[j]].unsqueeze(0)).squeeze(1));
        }
        return x.index_select(0, tensor(chosen)).clone();
    }

    /// <summary>An index drawn with probability proportional to <paramref name="weights"/>; uniform when all are 0.</summary>
    private static long Draw(double[] weights, Random random)
    {
        double total = weights.Sum();
        if (!(total > 0))
            return random.NextInt64(weights.Length);
        double r = random.NextDouble() * total;
        for (int i = 0; i < weights.Length; i++)
        {
            r -= weights[i];
            if (r < 0 && weights[i] > 0)
                return i;
        }
        return Array.FindLastIndex(weights, w => w > 0);
    }

    /// <summary>Each centroid becomes the mean of its points; empty ones take the worst-fitted points.</summary>
    private static Tensor Update(Tensor x, Tensor centroids, Tensor assignments, int k)
    {
        Tensor counts = bincount(assignments, minlength: k).to_type(ScalarType.Float32);
        Tensor sums = zeros(k, x.shape[1]).index_add(0, assignments, x, 1);
        Tensor updated = where(counts.unsqueeze(1) > 0, sums / counts.clamp_min(1).unsqueeze(1), centroids);
        long[] empty = nonzero(counts == 0).flatten().data<long>().ToArray();
        if (empty.Length > 0)
        {
            Tensor error = (x - centroids.index_select(0, assignments)).pow(2).sum(1);
            Tensor worst = error.topk(empty.Length).indexes;
            updated.index_copy_(0, tensor(empty), x.index_select(0, worst));
        }
        return updated;
    }
}
