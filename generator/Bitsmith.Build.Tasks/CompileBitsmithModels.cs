using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using Bitsmith.Build;
using Bitsmith.Compiler;
using Bitsmith.Compiler.Lowering;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Bitsmith.Build.Tasks
{
    /// <summary>
    /// Compiles each model item (import, passes, strategies, memory plan, weight packing) and
    /// writes its plan text and packed weights (with the trailer that records their length and
    /// SHA-256, <see cref="WeightResourceFile"/>) where the item's <c>PlanFile</c> and
    /// <c>WeightsFile</c> metadata say. A bad model is a build error with a code, the model file
    /// and a message that names the node and the problem; never a stack trace. The plan file
    /// starts with a <see cref="PlanFileHeader"/> naming the project, the model and the weight
    /// resource, which is how the generator matches classes to plans.
    /// </summary>
    public sealed class CompileBitsmithModels : Task
    {
        private const string Subcategory = "Bitsmith";

        /// <summary>
        /// The models, by full path, with metadata <c>PlanFile</c>, <c>WeightsFile</c> and the
        /// optional <c>BatchSize</c>, <c>TargetIsa</c> and <c>StrategyOverrides</c> ("node=implementation;...").
        /// </summary>
        [Required]
        public ITaskItem[] Models { get; set; } = Array.Empty<ITaskItem>();

        /// <summary>The project folder: [CompiledModel] paths are relative to it.</summary>
        [Required]
        public string ProjectDirectory { get; set; } = "";

        public override bool Execute()
        {
            foreach (var item in Models)
                CompileOne(item);
            return !Log.HasLoggedErrors;
        }

        private void CompileOne(ITaskItem item)
        {
            string model = item.ItemSpec;
            CompileOptions options;
            try
            {
                options = Options(item);
            }
            catch (FormatException e)
            {
                Error("BSM0003", model, e.Message);
                return;
            }
            try
            {
                var compiled = ModelCompiler.Compile(model, options);
                var header = new PlanFileHeader(ProjectDirectory, model, item.GetMetadata("ResourceName"));
                // Weights first: a build stopped between the two leaves a plan that is older than
                // the model (or none), so the next build compiles again instead of trusting it.
                Write(item.GetMetadata("WeightsFile"), WeightResourceFile.Bytes(compiled.Weights, compiled.Plan.WeightsSha256));
                Write(item.GetMetadata("PlanFile"), Encoding.UTF8.GetBytes(header.Prepend(compiled.PlanText)));
                Log.LogMessage(MessageImportance.High,
                    "Bitsmith: compiled {0}: {1} layers, {2} weight bytes, {3} scratch bytes",
                    model, compiled.Plan.Steps.Count, compiled.Plan.WeightBytes, compiled.Plan.ArenaBytes);
            }
            catch (UnsupportedModelException e)
            {
                Error("BSM0002", model, "model not supported: " + Describe(e));
            }
            catch (ModelException e)
            {
                Error("BSM0001", model, Describe(e));
            }
            catch (IOException e)
            {
                Error("BSM0004", model, "cannot write the compiled model: " + e.Message);
            }
            catch (UnauthorizedAccessException e)
            {
                Error("BSM0004", model, "cannot write the compiled model: " + e.Message);
            }
            // Anything else is a compiler bug or an input nobody foresaw: still one error that names
            // the model, not MSBuild's MSB4018 with a stack trace; the trace only at detailed verbosity.
            catch (Exception e)
            {
                Error("BSM0005", model, $"the compiler failed on this model ({e.GetType().Name}: {e.Message}); please report it with the model");
                Log.LogMessage(MessageImportance.Low, "Bitsmith: {0}: {1}", model, e);
            }
        }

        private static CompileOptions Options(ITaskItem item)
        {
            var options = new CompileOptions { TargetIsa = item.GetMetadata("TargetIsa") };
            string batch = item.GetMetadata("BatchSize");
            if (batch.Length > 0)
            {
                if (!int.TryParse(batch, NumberStyles.None, CultureInfo.InvariantCulture, out int size) || size < 1)
                    throw new FormatException($"BatchSize must be a positive integer, is '{batch}'");
                options.BatchSize = size;
            }
            return options.WithStrategyOverrides(item.GetMetadata("StrategyOverrides"));
        }

        private static void Write(string path, byte[] bytes)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            File.WriteAllBytes(path, bytes);
        }

        /// <summary>The node and the problem; MSBuild prints the file in front.</summary>
        private static string Describe(ModelException e) =>
            e.OpType != null ? $"node '{e.NodeName}' ({e.OpType}): {e.Problem}" : e.Problem;

        private void Error(string code, string model, string message) =>
            Log.LogError(Subcategory, code, null, model, 0, 0, 0, 0, "{0}", message);
    }
}
