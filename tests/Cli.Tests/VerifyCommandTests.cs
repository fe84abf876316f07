using System;
using System.IO;
using System.Linq;
using Bitsmith.Compiler.Export;
using Bitsmith.Compiler.Ir;
using Google.Protobuf;
using Xunit;

namespace Bitsmith.Cli.Tests
{
    /// <summary><c>verify</c>: passes on every shipped and benchmark model, and fails (exit 1, one line) when the generated code is made wrong.</summary>
    public sealed class VerifyCommandTests : IDisposable
    {
        private readonly TempDirectory _dir = new TempDirectory("bitsmith-cli-verify");

        public void Dispose() => _dir.Dispose();

        public static TheoryData<string> Models => new TheoryData<string>(Repo.AllModels.Select(Path.GetFileName)!);

        [Theory]
        [MemberData(nameof(Models))]
        public void PassesOnEveryShippedModel(string file)
        {
            string model = Repo.AllModels.Single(p => Path.GetFileName(p) == file);
            var run = CliRun.Of("verify", model, "--cases", "3");
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Contains($"verify {file}: the generated code on 3 random inputs (seed 1), batch 1", run.Out);
            Assert.Contains("vs reference interpreter", run.Out);
            Assert.Contains("vs ONNX Runtime", run.Out);
            Assert.Contains("OK: every output within tolerance", run.Out);
        }

        [Fact]
        public void TheShippedModelIsExactAgainstTheInterpreterAndAgreesOnEveryClass()
        {
            var run = CliRun.Of("verify", Repo.FashionModel);
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Contains("vs reference interpreter  largest difference 0 (", run.Out);
            Assert.Contains("class agreement 10/10 (100 %)", run.Out);
        }

        [Fact]
        public void WrongWeightsInTheGeneratedCodeFailWithOneLine()
        {
            // Every 7th byte of the packed weights moved: the code still builds and its weight
            // checksum matches, but it no longer computes the model.
            var hooks = new CliHooks { PerturbWeights = w => { for (int i = 0; i < w.Length; i += 7) w[i] ^= 0x5A; return w; } };
            var run = CliRun.With(hooks, "verify", Repo.FashionModel, "--cases", "2");
            Assert.True(run.ExitCode == 1, run.ToString());
            var line = Assert.Single(run.ErrorLines);
            Assert.StartsWith($"bitsmith: error: {Repo.FashionModel}: output 'output' of the generated code differs from the reference interpreter: largest difference ", line);
            Assert.Contains("beyond the tolerance", line);
            Assert.Contains("<-- beyond tolerance", run.Out);
        }

        [Fact]
        public void GivenInputsAreRunInsteadOfRandomOnes()
        {
            string file = Path.Combine(_dir.Path, "input_0.pb");
            var data = Enumerable.Range(0, 784).Select(i => (i % 29) / 29f).ToArray();
            File.WriteAllBytes(file, TensorEncoder.Encode("input", Tensor.FromFloats(new[] { 1, 1, 28, 28 }, data)).ToByteArray());
            var run = CliRun.Of("verify", Repo.FashionModel, "--inputs", file);
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Contains("the generated code on the given inputs", run.Out);
            Assert.Contains("class agreement 1/1", run.Out);
        }

        [Fact]
        public void AGivenInputOfTheWrongShapeIsAnError()
        {
            string file = Path.Combine(_dir.Path, "input_0.pb");
            File.WriteAllBytes(file, TensorEncoder.Encode("input", Tensor.FromFloats(new[] { 1, 784 }, new float[784])).ToByteArray());
            var run = CliRun.Of("verify", Repo.FashionModel, "--inputs", file);
            Assert.True(run.ExitCode == 1, run.ToString());
            Assert.Equal($"bitsmith: error: {file}: holds f32[1,784], but input 'input' is f32[1,1,28,28]", Assert.Single(run.ErrorLines));
        }
    }
}
