using System;
using System.IO;
using Xunit;

namespace Bitsmith.Generator.Tests
{
    /// <summary>
    /// Incremental builds of one app while its models change (real dotnet build, wildcard items):
    /// a model added, one renamed, one removed. Each build uses the models there are now; a plan
    /// left in obj/ by a model that is gone is never matched.
    /// </summary>
    [Collection(BuildProcessCollection.Name)]
    public sealed class ModelItemChangeTests : IDisposable
    {
        private readonly string _app = Path.Combine(Path.GetTempPath(), "bitsmith-changes-" + Guid.NewGuid().ToString("N"));

        public void Dispose()
        {
            if (Directory.Exists(_app))
                Directory.Delete(_app, recursive: true);
        }

        [Fact]
        public void ModelsAddedRenamedAndRemovedBetweenBuilds()
        {
            string models = Path.Combine(GeneratorHarness.RepositoryRoot, "samples", "models");
            // Each model's weight bytes, as the compiler packs them today: the app prints them back.
            long demo = WeightBytes(Path.Combine(models, "demo-qdq-cnn.onnx")), fashion = WeightBytes(Path.Combine(models, "fashion-mixed.onnx"));
            Assert.NotEqual(demo, fashion);
            Directory.CreateDirectory(Path.Combine(_app, "models"));
            File.Copy(Path.Combine(models, "demo-qdq-cnn.onnx"), Path.Combine(_app, "models", "a.onnx"));
            ScratchProject.Write(_app, """<BitsmithModel Include="models/*.onnx" />""");
            Program("""[Bitsmith.CompiledModel("models/a.onnx")] static partial class A;""", "A.WeightBytes");
            Assert.Contains($"weights {demo}\n", DotnetProcess.Run(_app, "run"));

            // Added: a second model and its class.
            File.Copy(Path.Combine(models, "fashion-mixed.onnx"), Path.Combine(_app, "models", "b.onnx"));
            Program("""
                [Bitsmith.CompiledModel("models/a.onnx")] static partial class A;
                [Bitsmith.CompiledModel("models/b.onnx")] static partial class B;
                """, "A.WeightBytes + \" \" + B.WeightBytes");
            Assert.Contains($"weights {demo} {fashion}\n", DotnetProcess.Run(_app, "run"));

            // Renamed: a.onnx is now c.onnx, and the class says so.
            File.Move(Path.Combine(_app, "models", "a.onnx"), Path.Combine(_app, "models", "c.onnx"));
            Program("""
                [Bitsmith.CompiledModel("models/c.onnx")] static partial class A;
                [Bitsmith.CompiledModel("models/b.onnx")] static partial class B;
                """, "A.WeightBytes + \" \" + B.WeightBytes");
            Assert.Contains($"weights {demo} {fashion}\n", DotnetProcess.Run(_app, "run"));

            // Removed: b.onnx is gone but its class still names it; its old plan in obj/ must not answer.
            File.Delete(Path.Combine(_app, "models", "b.onnx"));
            var e = Assert.Throws<InvalidOperationException>(() => DotnetProcess.Run(_app, "build"));
            Assert.Contains("error BSM1002: [CompiledModel(\"models/b.onnx\")] on 'B' matches no BitsmithModel item of the project (compiled models: models/c.onnx)", e.Message);
        }

        private static long WeightBytes(string model) =>
            Bitsmith.Compiler.Lowering.ModelCompiler.Compile(model, new Bitsmith.Compiler.Lowering.CompileOptions()).Plan.WeightBytes;

        private void Program(string classes, string weights) =>
            File.WriteAllText(Path.Combine(_app, "Program.cs"), $$"""
                System.Console.WriteLine("weights " + {{weights}});
                {{classes}}
                """);
    }
}
