using System;
using System.Collections.Generic;
using System.Text;

namespace Bitsmith.Build
{
    /// <summary>
    /// What the MSBuild task tells the generator about a plan, written as comment lines in front
    /// of the plan text (the plan reader skips lines that start with '#'):
    /// <code>
    /// # bitsmith-project /home/me/C#/App
    /// # bitsmith-model /home/me/C#/App/models/m.onnx
    /// # bitsmith-resource Bitsmith.m-1a2b3c4d.weights
    /// # bitsmith-plan-sha256 9f86d08...
    /// </code>
    /// The model's identity travels inside the file because AdditionalFiles metadata reaches the
    /// generator through the SDK's generated editorconfig, which writes values unescaped: a '#' or
    /// ';' in a path starts a comment there and cuts the value. Values are escaped only for '\',
    /// CR and LF, so any path survives. The SHA-256 of the plan text after the header lets the
    /// generator and the task tell a plan the build wrote from one changed since. Linked into the
    /// task and the generator.
    /// </summary>
    internal sealed class PlanFileHeader
    {
        private const string Prefix = "# bitsmith-";

        public PlanFileHeader(string projectDirectory, string modelPath, string resourceName, string planSha256 = "")
        {
            ProjectDirectory = projectDirectory;
            ModelPath = modelPath;
            ResourceName = resourceName;
            PlanSha256 = planSha256;
        }

        /// <summary>The project folder, against which a [CompiledModel] path is resolved.</summary>
        public string ProjectDirectory { get; }

        /// <summary>The model's full path.</summary>
        public string ModelPath { get; }

        /// <summary>The manifest resource name of the packed weights.</summary>
        public string ResourceName { get; }

        /// <summary>The SHA-256 of the plan text that follows the header, lowercase hex; empty when absent.</summary>
        public string PlanSha256 { get; }

        /// <summary>The header lines, with the plan text's hash, followed by the plan text.</summary>
        public string Prepend(string planText)
        {
            var sb = new StringBuilder();
            Line(sb, "project", ProjectDirectory);
            Line(sb, "model", ModelPath);
            Line(sb, "resource", ResourceName);
            Line(sb, "plan-sha256", Sha256(planText));
            return sb.Append(planText).ToString();
        }

        /// <summary>Whether the plan text after the header of <paramref name="text"/> has the hash the header records.</summary>
        public bool Matches(string text) => string.Equals(Sha256(Body(text)), PlanSha256, StringComparison.Ordinal);

        /// <summary>The text after the header lines.</summary>
        public static string Body(string text)
        {
            int start = 0;
            while (start < text.Length && string.CompareOrdinal(text, start, Prefix, 0, Prefix.Length) == 0)
            {
                int end = text.IndexOf('\n', start);
                if (end < 0)
                    return "";
                start = end + 1;
            }
            return text.Substring(start);
        }

        public static string Sha256(string text)
        {
            using var sha = System.Security.Cryptography.SHA256.Create();
            var sb = new StringBuilder(64);
            foreach (byte b in sha.ComputeHash(Encoding.UTF8.GetBytes(text)))
                sb.Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            return sb.ToString();
        }

        /// <summary>The header of a plan file, or null when it has none (a file not written by the task).</summary>
        public static PlanFileHeader? Read(string text)
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            int start = 0;
            while (start < text.Length && string.CompareOrdinal(text, start, Prefix, 0, Prefix.Length) == 0)
            {
                int end = text.IndexOf('\n', start);
                string line = (end < 0 ? text.Substring(start) : text.Substring(start, end - start)).TrimEnd('\r');
                int space = line.IndexOf(' ', Prefix.Length);
                if (space > 0)
                    values[line.Substring(Prefix.Length, space - Prefix.Length)] = Unescape(line.Substring(space + 1));
                if (end < 0)
                    break;
                start = end + 1;
            }
            return values.TryGetValue("project", out var project) && values.TryGetValue("model", out var model) && values.TryGetValue("resource", out var resource)
                ? new PlanFileHeader(project, model, resource, values.TryGetValue("plan-sha256", out var hash) ? hash : "")
                : null;
        }

        private static void Line(StringBuilder sb, string key, string value) =>
            sb.Append(Prefix).Append(key).Append(' ').Append(Escape(value)).Append('\n');

        private static string Escape(string s) => s.Replace("\\", "\\\\").Replace("\n", "\\n").Replace("\r", "\\r");

        private static string Unescape(string s)
        {
            var sb = new StringBuilder(s.Length);
            for (int i = 0; i < s.Length; i++)
            {
                if (s[i] != '\\' || i + 1 == s.Length)
                {
                    sb.Append(s[i]);
                    continue;
                }
                char e = s[++i];
                sb.Append(e == 'n' ? '\n' : e == 'r' ? '\r' : e);
            }
            return sb.ToString();
        }
    }
}
