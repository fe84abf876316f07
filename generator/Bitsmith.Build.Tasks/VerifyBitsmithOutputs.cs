using System;
using System.IO;
using System.Text;
using Bitsmith.Build;
using Bitsmith.Compiler.Lowering;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Bitsmith.Build.Tasks
{
    /// <summary>
    /// Runs before the compile target on every build: a plan and weights left by an earlier build
    /// are reused only if the plan reads and has the SHA-256 its header records, the header names
    /// this model and resource, and the weights file's trailer records the length and SHA-256 the
    /// plan records and the weights before it hash to that SHA-256. Anything else (a half-written
    /// file, a hand edit, a copy from another build) is deleted with a message, so MSBuild's
    /// up-to-date check sees the outputs missing and compiles the model again.
    /// </summary>
    public sealed class VerifyBitsmithOutputs : Task
    {
        /// <summary>The same items as <see cref="CompileBitsmithModels.Models"/>.</summary>
        [Required]
        public ITaskItem[] Models { get; set; } = Array.Empty<ITaskItem>();

        public override bool Execute()
        {
            foreach (var item in Models)
            {
                string plan = item.GetMetadata("PlanFile"), weights = item.GetMetadata("WeightsFile");
                if (!File.Exists(plan) && !File.Exists(weights))
                    continue;
                string? problem;
                try
                {
                    problem = Problem(item, plan, weights);
                }
                // Whatever makes a reused output unreadable only means it is compiled again.
                catch (Exception e)
                {
                    problem = e.GetType().Name + ": " + e.Message;
                }
                if (problem == null)
                    continue;
                Log.LogMessage(MessageImportance.High, "Bitsmith: the compiled form of {0} is damaged ({1}); compiling the model again", item.ItemSpec, problem);
                try
                {
                    File.Delete(plan);
                    File.Delete(weights);
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    Log.LogError("Bitsmith", "BSM0006", null, item.ItemSpec, 0, 0, 0, 0,
                        "the compiled form of this model is damaged ({0}) and cannot be deleted: {1}; delete {2} and {3}", problem, e.Message, plan, weights);
                }
            }
            return !Log.HasLoggedErrors;
        }

        /// <summary>Why the outputs cannot be reused, or null when they can.</summary>
        private static string? Problem(ITaskItem item, string planPath, string weightsPath)
        {
            if (!File.Exists(planPath))
                return "the plan is missing";
            if (!File.Exists(weightsPath))
                return "the weights are missing";
            string text = Encoding.UTF8.GetString(File.ReadAllBytes(planPath));
            var header = PlanFileHeader.Read(text);
            if (header == null)
                return "the plan has no Bitsmith header";
            if (header.ModelPath != item.ItemSpec || header.ResourceName != item.GetMetadata("ResourceName"))
                return "the plan was made for another model";
            if (!header.Matches(text))
                return "the plan's SHA-256 differs from its header's";
            var plan = PlanReader.Parse(text);
            return WeightResourceFile.Problem(File.ReadAllBytes(weightsPath), plan.WeightBytes, plan.WeightsSha256);
        }
    }
}
