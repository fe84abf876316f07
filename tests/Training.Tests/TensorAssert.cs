using System;
using System.Linq;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Bitsmith.Training.Tests;

internal static class TensorAssert
{
    /// <summary>Element-wise equality within <paramref name="tolerance"/> (absolute).</summary>
    public static void Close(double[] expected, Tensor actual, double tolerance = 1e-6)
    {
        double[] values = actual.detach().cpu().to_type(ScalarType.Float64).flatten().data<double>().ToArray();
        Assert.Equal(expected.Length, values.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (Math.Abs(expected[i] - values[i]) > tolerance)
                Assert.Fail($"Element {i}: expected {expected[i]:R}, actual {values[i]:R} (all: [{string.Join(", ", values.Select(v => v.ToString("R")))}])");
        }
    }

    public static void Close(double expected, Tensor actual, double tolerance = 1e-6) => Close(new[] { expected }, actual, tolerance);
}
