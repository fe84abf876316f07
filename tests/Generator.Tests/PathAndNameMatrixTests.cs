using System;
using System.IO;
using System.Linq;
using Xunit;

namespace Bitsmith.Generator.Tests
{
    /// <summary>
    /// What a user's machine has: a real <c>dotnet build</c> of an app in a folder named with '#',
    /// ';', '=', spaces, brackets, parentheses and a non-ASCII letter, under a long path; models whose names differ only
    /// by case, one with '#' and a space in its name, two with one file name in different folders,
    /// one listed twice; classes named in French, with an '@'-escaped keyword, and two whose names
    /// differ only by case. Every class gets its own model's code, the app runs, a second build
    /// reuses the compiled models, and a damaged weights file is found and compiled again.
    /// </summary>
    [Collection(BuildProcessCollection.Name)]
    public sealed class PathAndNameMatrixTests : IDisposable
    {
        private readonly string _root = Path.Combine(Path.GetTempPath(), "bitsmith-paths-" + Guid.NewGuid().ToString("N"));

        private static int WeightBytes(string model) =>
            Bitsmith.Compiler.Lowering.ModelCompiler.Compile(model, new Bitsmith.Compiler.Lowering.CompileOptions()).Weights.Length;

        public void Dispose()
        {
            if (Directory.Exists(_root))
                Directory.Delete(_root, recursive: true);
        }

        [Fact]
        public void AppInAnAwkwardFolderBuildsRunsAndRecompilesDamagedWeights()
        {
            // A long path too: a 150-character folder puts the obj/ files past Windows' old 260 limit.
            string app = Path.Combine(_root, "C# [é] (x) =y;z", new string('l', 150), "My App");
            string models = Path.Combine(GeneratorHarness.RepositoryRoot, "samples", "models");
            Directory.CreateDirectory(Path.Combine(app, "models"));
            Directory.CreateDirectory(Path.Combine(app, "sub=dir"));
            File.Copy(Path.Combine(models, "demo-qdq-cnn.onnx"), Path.Combine(app, "models", "m.onnx"));
            File.Copy(Path.Combine(models, "fashion-mixed.onnx"), Path.Combine(app, "models", "M.onnx"));
            File.Copy(Path.Combine(models, "demo-qdq-cnn.onnx"), Path.Combine(app, "models", "mod#el é.onnx"));
            File.Copy(Path.Combine(models, "demo-qdq-cnn.onnx"), Path.Combine(app, "sub=dir", "m.onnx"));
            // models/m.onnx twice: once by a wildcard, once by name.
            ScratchProject.Write(app, """
                <BitsmithModel Include="models/*.onnx" />
                <BitsmithModel Include="models/m.onnx;sub=dir/m.onnx" />
                """);
            File.WriteAllText(Path.Combine(app, "Program.cs"), """
                using System;
                Report("N.Net", N.Net.WeightBytes, N.Net.LogitsLength, (i, o) => N.Net.Run(i, o), N.Net.ImageLength);
                Report("N.NET", N.NET.WeightBytes, N.NET.OutputLength, (i, o) => N.NET.Run(i, o), N.NET.InputLength);
                Report("Modèle", Données.Modèle.WeightBytes, Données.Modèle.LogitsLength, (i, o) => Données.Modèle.Run(i, o), Données.Modèle.ImageLength);
                Report("class", App.@class.WeightBytes, App.@class.LogitsLength, (i, o) => App.@class.Run(i, o), App.@class.ImageLength);

                static void Report(string name, int weights, int outputs, Action<float[], float[]> run, int inputs)
                {
                    var x = new float[inputs];
                    for (int i = 0; i < x.Length; i++) x[i] = (i % 7) / 7f;
                    var y = new float[outputs];
                    run(x, y);
                    Console.WriteLine($"{name}: weights {weights} logits {string.Join(",", Array.ConvertAll(y, v => BitConverter.SingleToInt32Bits(v).ToString("x8")))}");
                }

                namespace N
                {
                    [Bitsmith.CompiledModel("models/m.onnx")] public static partial class Net;
                    [Bitsmith.CompiledModel("models/M.onnx")] public static partial class NET;
                }
                namespace Données { [Bitsmith.CompiledModel("models/mod#el é.onnx")] public static partial class Modèle; }
                namespace App { [Bitsmith.CompiledModel("sub=dir/m.onnx")] internal static partial class @class; }
                """);

            string first = DotnetProcess.Run(app, "build -v:n");
            Assert.DoesNotContain("warning CS8785", first);
            var lines = Lines(DotnetProcess.Run(app, "run --no-build"));
            // The demo model three times under three names and paths, the Fashion model once.
            Assert.Equal(lines["N.Net"], lines["Modèle"]);
            Assert.Equal(lines["N.Net"], lines["class"]);
            Assert.NotEqual(lines["N.Net"], lines["N.NET"]);
            // The weight sizes say which model each class got: the compiler's own for each file.
            Assert.StartsWith($"weights {WeightBytes(Path.Combine(models, "demo-qdq-cnn.onnx"))} ", lines["N.Net"]);
            Assert.StartsWith($"weights {WeightBytes(Path.Combine(models, "fashion-mixed.onnx"))} ", lines["N.NET"]);

            string second = DotnetProcess.Run(app, "build -v:n");
            Assert.Contains("Skipping target \"BitsmithCompileModels\"", second);

            // A weights file changed after the build that wrote it: found, compiled again, never run.
            string weights = Directory.GetFiles(Path.Combine(app, "obj"), "M-*.weights", SearchOption.AllDirectories).Single();
            var bytes = File.ReadAllBytes(weights);
            bytes[bytes.Length / 2] ^= 0x5a;
            File.WriteAllBytes(weights, bytes);
            string third = DotnetProcess.Run(app, "build -v:n");
            Assert.Contains("is damaged (the weights' SHA-256 differs from the one their trailer and the plan record: they were changed after the build); compiling the model again", third);
            Assert.Contains("Bitsmith: compiled", third);
            Assert.Equal(lines, Lines(DotnetProcess.Run(app, "run --no-build")));
        }

        private static System.Collections.Generic.Dictionary<string, string> Lines(string output) =>
            output.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Contains(": weights ", StringComparison.Ordinal))
                .ToDictionary(l => l.Substring(0, l.IndexOf(':')), l => l.Substring(l.IndexOf(':') + 2));
    }
}
