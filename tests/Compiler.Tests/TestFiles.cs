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
        public static string FashionModel => Path.Combine(RepositoryRoot, "samples", "models", "fashion-w4a4.onnx");

        private static string Metadata(string key) =>
            typeof(TestFiles).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
    }
}
