using System.IO;
using System.Linq;
using System.Reflection;

namespace Bitsmith.Compiler.Tests
{
    /// <summary>Paths the build recorded for the tests: the repository and the real models they read.</summary>
    public static class TestFiles
    {
        public static string RepositoryRoot => Path.GetFullPath(Metadata("RepositoryRoot"));

        /// <summary>ResNet-18 as exported by ML.NET's featurizer package (a real CNN from a public exporter).</summary>
        public static string ResNet18 => Metadata("ResNet18Path");

        public static string DemoModel => Path.Combine(RepositoryRoot, "samples", "models", "demo-qdq-cnn.onnx");

        /// <summary>The trained Fashion-MNIST model the main sample ships.</summary>
        public static string FashionModel => Path.Combine(RepositoryRoot, "samples", "models", "fashion-mixed.onnx");

        /// <summary>The first 1,000 Fashion-MNIST test images with labels, which the main sample classifies.</summary>
        public static string FashionImages => Path.Combine(RepositoryRoot, "samples", "data", "fashion-test-1000.bsim");

        /// <summary>An int8 QDQ model of the end-to-end benchmark (bench/models/, written by bench/Bitsmith.Bench.Models).</summary>
        public static string BenchModel(string file) => Path.Combine(RepositoryRoot, "bench", "models", file);

        private static string Metadata(string key) =>
            typeof(TestFiles).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
    }
}
