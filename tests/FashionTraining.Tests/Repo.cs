using System.IO;
using System.Linq;
using System.Reflection;

namespace Bitsmith.Samples.FashionTraining.Tests;

/// <summary>The repository's files the tests read.</summary>
internal static class Repo
{
    private static string Root => Path.GetFullPath(typeof(Repo).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!);

    /// <summary>The shipped Fashion-MNIST model of the main sample: a CNN that FashionTraining trained (learned mixed precision).</summary>
    public static string FashionModel => Path.Combine(Root, "samples", "models", "fashion-mixed.onnx");
}
