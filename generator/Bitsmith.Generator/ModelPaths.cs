using System;
using System.Collections.Generic;

namespace Bitsmith.Generator
{
    /// <summary>
    /// Model paths compared as text: a generator may not touch the file system (RS1035), so
    /// "." and ".." are folded by hand and both separators read as '/'.
    /// </summary>
    internal static class ModelPaths
    {
        /// <summary>The attribute's path against the project folder (unless it is rooted), normalised.</summary>
        public static string Resolve(string projectDirectory, string path)
        {
            string p = path.Replace('\\', '/');
            bool rooted = p.StartsWith("/", StringComparison.Ordinal) || (p.Length > 1 && p[1] == ':');
            return Normalize(rooted || projectDirectory.Length == 0 ? p : projectDirectory.Replace('\\', '/').TrimEnd('/') + "/" + p);
        }

        public static string Normalize(string path)
        {
            string p = path.Replace('\\', '/');
            var parts = new List<string>();
            foreach (string part in p.Split('/'))
            {
                if (part.Length == 0 || part == ".")
                    continue;
                if (part == ".." && parts.Count > 0 && parts[parts.Count - 1] != "..")
                    parts.RemoveAt(parts.Count - 1);
                else
                    parts.Add(part);
            }
            return (p.StartsWith("/", StringComparison.Ordinal) ? "/" : "") + string.Join("/", parts);
        }

        /// <summary>A model's path as the user would write it, for messages.</summary>
        public static string Relative(string projectDirectory, string path)
        {
            string dir = Normalize(projectDirectory);
            return dir.Length > 0 && path.StartsWith(dir + "/", StringComparison.Ordinal) ? path.Substring(dir.Length + 1) : path;
        }
    }
}
