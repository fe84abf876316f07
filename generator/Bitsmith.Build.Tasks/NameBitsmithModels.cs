using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Bitsmith.Build.Tasks
{
    /// <summary>
    /// Gives each model item its file names under obj/: <c>name-hash.bsplan</c>, <c>.weights</c>,
    /// <c>.options</c> and the resource <c>Bitsmith.name-hash.weights</c>, where name is the file
    /// name with only ASCII letters, digits, '-' and '_' kept (csc splits its /additionalfile and
    /// /resource arguments at ',' and ';') and hash is the start of the SHA-256 of the full path.
    /// Done in C#, not with MSBuild metadata functions: MSBuild batches '%(FullPath)' ignoring
    /// case, so models/m.onnx and models/M.onnx would share one name on Linux. An item listed
    /// twice (a wildcard and an explicit item) is compiled once.
    /// </summary>
    public sealed class NameBitsmithModels : Task
    {
        [Required]
        public ITaskItem[] Models { get; set; } = Array.Empty<ITaskItem>();

        /// <summary>The folder for the compiled files, ending with a separator.</summary>
        [Required]
        public string IntermediateDirectory { get; set; } = "";

        /// <summary>The models by full path, with PlanFile, WeightsFile, OptionsFile and ResourceName added.</summary>
        [Output]
        public ITaskItem[] Named { get; private set; } = Array.Empty<ITaskItem>();

        public override bool Execute()
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var named = new List<ITaskItem>();
            foreach (var model in Models)
            {
                string path;
                // MSBuild's FullPath throws on a path it cannot make absolute: one error naming the item.
                try
                {
                    path = model.GetMetadata("FullPath");
                }
                catch (Exception e) when (e is InvalidOperationException || e is ArgumentException)
                {
                    Log.LogError("Bitsmith", "BSM0005", null, model.ItemSpec, 0, 0, 0, 0, "the model's path cannot be used ({0}: {1})", e.GetType().Name, e.Message);
                    continue;
                }
                if (!seen.Add(path))
                    continue;
                string name = Name(path);
                // TaskItem takes its spec and metadata in MSBuild's escaped form: '%', ';', '@', '$', ...
                // in a path must reach the next task as written.
                var item = new TaskItem(Escape(path));
                model.CopyMetadataTo(item);
                item.SetMetadata("BitsmithName", name);
                item.SetMetadata("PlanFile", Escape(Path.Combine(IntermediateDirectory, name + ".bsplan")));
                item.SetMetadata("WeightsFile", Escape(Path.Combine(IntermediateDirectory, name + ".weights")));
                item.SetMetadata("OptionsFile", Escape(Path.Combine(IntermediateDirectory, name + ".options")));
                item.SetMetadata("ResourceName", "Bitsmith." + name + ".weights");
                named.Add(item);
            }
            Named = named.ToArray();
            return !Log.HasLoggedErrors;
        }

        /// <summary>MSBuild's escaping: its special characters as %XX.</summary>
        private static string Escape(string s)
        {
            var sb = new StringBuilder(s.Length);
            foreach (char c in s)
            {
                if ("%*?@$();'".IndexOf(c) >= 0)
                    sb.Append('%').Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
                else
                    sb.Append(c);
            }
            return sb.ToString();
        }

        public static string Name(string fullPath)
        {
            var sb = new StringBuilder();
            foreach (char c in Path.GetFileNameWithoutExtension(fullPath))
                sb.Append(c < 128 && (char.IsLetterOrDigit(c) || c == '-' || c == '_') ? c : '_');
            using var sha = SHA256.Create();
            byte[] hash = sha.ComputeHash(Encoding.UTF8.GetBytes(fullPath));
            sb.Append('-');
            for (int i = 0; i < 4; i++)
                sb.Append(hash[i].ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            return sb.ToString();
        }
    }
}
