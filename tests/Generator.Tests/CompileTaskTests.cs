using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Bitsmith.Build.Tasks;
using Bitsmith.Compiler.Lowering;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using Xunit;

namespace Bitsmith.Generator.Tests
{
    /// <summary>The MSBuild task on a good model, a broken one and bad metadata, with a recording build engine.</summary>
    public sealed class CompileTaskTests : IDisposable
    {
        private readonly string _dir = Path.Combine(Path.GetTempPath(), "bitsmith-task-" + Guid.NewGuid().ToString("N"));

        public CompileTaskTests() => Directory.CreateDirectory(_dir);

        public void Dispose() => Directory.Delete(_dir, recursive: true);

        [Fact]
        public void WritesPlanAndWeights()
        {
            string model = Path.Combine(GeneratorHarness.RepositoryRoot, "samples", "models", "demo-qdq-cnn.onnx");
            var (ok, engine) = Run(Item(model));

            Assert.True(ok, string.Join("\n", engine.Errors.Select(e => e.Message)));
            string plan = File.ReadAllText(Path.Combine(_dir, "m.bsplan"));
            // The header the generator matches on, then the plan itself.
            Assert.StartsWith($"# bitsmith-project {_dir}/C# app\n# bitsmith-model {model}\n# bitsmith-resource Bitsmith.m.weights\n# bitsmith-plan-sha256 ", plan);
            Assert.Contains("\nbitsmith-plan 1\n", plan);
            // The packed weights, then the trailer that records their length and SHA-256.
            var parsed = PlanReader.Parse(plan);
            byte[] weights = File.ReadAllBytes(Path.Combine(_dir, "m.weights"));
            Assert.Equal(parsed.WeightBytes + 48, weights.Length);
            Assert.Null(WeightResourceFile.Problem(weights, parsed.WeightBytes, parsed.WeightsSha256));
        }

        /// <summary>An exception of a type the task does not expect (here from an empty PlanFile) is one BSM error naming the model, not MSB4018 with a stack trace.</summary>
        [Fact]
        public void UnexpectedExceptionIsOneErrorWithTheModel()
        {
            string model = Path.Combine(GeneratorHarness.RepositoryRoot, "samples", "models", "demo-qdq-cnn.onnx");
            var item = Item(model);
            item.SetMetadata("WeightsFile", "");
            var (ok, engine) = Run(item);

            Assert.False(ok);
            var error = Assert.Single(engine.Errors);
            Assert.Equal("BSM0005", error.Code);
            Assert.Equal(model, error.File);
            Assert.Contains("ArgumentException", error.Message);
            Assert.DoesNotContain("   at ", error.Message);
            Assert.Contains(engine.Messages, m => m.Importance == MessageImportance.Low && m.Message!.Contains("   at "));
        }

        [Theory]
        [InlineData("plan", "arena ", "arena 9", "the plan's SHA-256 differs from its header's")]
        [InlineData("plan", "# bitsmith-model ", "# bitsmith-model /elsewhere", "the plan was made for another model")]
        [InlineData("weights cut to 3 bytes", null, null, "the weights are cut short: 3 bytes, fewer than the 48 of their trailer")]
        [InlineData("weights without their trailer", null, null, "the weights do not end in a Bitsmith trailer")]
        [InlineData("a byte of the weights edited", null, null, "the weights' SHA-256 differs from the one their trailer and the plan record")]
        [InlineData("weights of another build", null, null, "the weights' trailer records another SHA-256 than the plan")]
        [InlineData("none", null, null, null)]
        public void ReusedOutputsAreCheckedAndDamagedOnesDeleted(string damage, string? find, string? replace, string? problem)
        {
            string model = Path.Combine(GeneratorHarness.RepositoryRoot, "samples", "models", "demo-qdq-cnn.onnx");
            var item = Item(model);
            Assert.True(Run(item).Ok);
            string plan = Path.Combine(_dir, "m.bsplan"), weights = Path.Combine(_dir, "m.weights");
            byte[] file = File.ReadAllBytes(weights);
            byte[] payload = file[..^48];
            switch (damage)
            {
                case "plan":
                    File.WriteAllText(plan, File.ReadAllText(plan).Replace(find!, replace!));
                    break;
                case "weights cut to 3 bytes":
                    File.WriteAllBytes(weights, new byte[] { 1, 2, 3 });
                    break;
                case "weights without their trailer":
                    File.WriteAllBytes(weights, payload);
                    break;
                case "a byte of the weights edited":
                    file[file.Length / 3] ^= 0x5a;
                    File.WriteAllBytes(weights, file);
                    break;
                case "weights of another build":
                    // Sound in itself (the trailer records what it follows), but not what the plan records.
                    payload[payload.Length / 3] ^= 0x5a;
                    File.WriteAllBytes(weights, WeightResourceFile.Bytes(payload, WeightPacker.Sha256(payload)));
                    break;
            }

            var engine = new RecordingEngine();
            Assert.True(new VerifyBitsmithOutputs { BuildEngine = engine, Models = new[] { item } }.Execute());
            Assert.Empty(engine.Errors);
            if (problem == null)
            {
                Assert.True(File.Exists(plan) && File.Exists(weights));
                Assert.Empty(engine.Messages);
            }
            else
            {
                Assert.False(File.Exists(plan) || File.Exists(weights));
                Assert.Contains(engine.Messages, m => m.Importance == MessageImportance.High && m.Message!.Contains(problem));
            }
        }

        [Fact]
        public void BrokenModelIsAnErrorWithCodeAndFileAndNoStackTrace()
        {
            string model = Path.Combine(_dir, "broken.onnx");
            File.WriteAllBytes(model, new byte[] { 0x0a, 0xff, 0xff, 0x01 });
            var (ok, engine) = Run(Item(model));

            Assert.False(ok);
            var error = Assert.Single(engine.Errors);
            Assert.Equal("BSM0001", error.Code);
            Assert.Equal(model, error.File);
            Assert.DoesNotContain("   at ", error.Message);
            Assert.False(File.Exists(Path.Combine(_dir, "m.bsplan")));
        }

        [Fact]
        public void BadBatchSizeIsAnError()
        {
            string model = Path.Combine(GeneratorHarness.RepositoryRoot, "samples", "models", "demo-qdq-cnn.onnx");
            var item = Item(model);
            item.SetMetadata("BatchSize", "-3");
            var (ok, engine) = Run(item);

            Assert.False(ok);
            Assert.Equal("BSM0003", Assert.Single(engine.Errors).Code);
        }

        [Fact]
        public void UnknownStrategyOverrideNamesTheNode()
        {
            string model = Path.Combine(GeneratorHarness.RepositoryRoot, "samples", "models", "demo-qdq-cnn.onnx");
            var item = Item(model);
            item.SetMetadata("StrategyOverrides", "no_such_node=Generic");
            var (ok, engine) = Run(item);

            Assert.False(ok);
            var error = Assert.Single(engine.Errors);
            Assert.Equal("BSM0001", error.Code);
            Assert.Contains("no_such_node", error.Message);
        }

        private TaskItem Item(string model)
        {
            var item = new TaskItem(model);
            item.SetMetadata("PlanFile", Path.Combine(_dir, "m.bsplan"));
            item.SetMetadata("WeightsFile", Path.Combine(_dir, "m.weights"));
            item.SetMetadata("ResourceName", "Bitsmith.m.weights");
            return item;
        }

        private (bool Ok, RecordingEngine Engine) Run(ITaskItem item)
        {
            var engine = new RecordingEngine();
            var task = new CompileBitsmithModels { BuildEngine = engine, Models = new[] { item }, ProjectDirectory = Path.Combine(_dir, "C# app") };
            return (task.Execute(), engine);
        }

        private sealed class RecordingEngine : IBuildEngine
        {
            public List<BuildErrorEventArgs> Errors { get; } = new List<BuildErrorEventArgs>();

            public List<BuildMessageEventArgs> Messages { get; } = new List<BuildMessageEventArgs>();

            public bool ContinueOnError => false;
            public int LineNumberOfTaskNode => 0;
            public int ColumnNumberOfTaskNode => 0;
            public string ProjectFileOfTaskNode => "test.csproj";

            public bool BuildProjectFile(string projectFileName, string[] targetNames, IDictionary globalProperties, IDictionary targetOutputs) => false;
            public void LogCustomEvent(CustomBuildEventArgs e) { }
            public void LogErrorEvent(BuildErrorEventArgs e) => Errors.Add(e);
            public void LogMessageEvent(BuildMessageEventArgs e) => Messages.Add(e);
            public void LogWarningEvent(BuildWarningEventArgs e) { }
        }
    }
}
