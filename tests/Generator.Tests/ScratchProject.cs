using System.IO;
using System.Reflection;

namespace Bitsmith.Generator.Tests
{
    /// <summary>
    /// A console app in any folder that uses this repository's built Bitsmith as the package would:
    /// the props and targets, the task assembly, the generator as an analyzer and the runtime as a
    /// reference (all built by the test project's own references, so nothing is built but the app).
    /// </summary>
    internal static class ScratchProject
    {
        public static string Configuration =>
            typeof(ScratchProject).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;

        /// <summary>Writes App.csproj into <paramref name="directory"/>; <paramref name="items"/> and <paramref name="properties"/> are XML.</summary>
        public static void Write(string directory, string items, string properties = "")
        {
            string root = GeneratorHarness.RepositoryRoot, c = Configuration;
            string generator = Path.Combine(root, "generator", "Bitsmith.Generator", "bin", c, "netstandard2.0");
            Directory.CreateDirectory(directory);
            File.WriteAllText(Path.Combine(directory, "App.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <Nullable>enable</Nullable>
                    <BitsmithTasksAssembly>{Escape(Path.Combine(root, "generator", "Bitsmith.Build.Tasks", "bin", c, "netstandard2.0", "Bitsmith.Build.Tasks.dll"))}</BitsmithTasksAssembly>
                    {properties}
                  </PropertyGroup>
                  <Import Project="{Escape(Path.Combine(root, "generator", "build", "Bitsmith.props"))}" />
                  <ItemGroup>
                    <Reference Include="{Escape(Path.Combine(root, "runtime", "bin", c, "net10.0", "Bitsmith.Runtime.dll"))}" />
                    <Analyzer Include="{Escape(Path.Combine(generator, "Bitsmith.Generator.dll"))}" />
                    <Analyzer Include="{Escape(Path.Combine(generator, "Bitsmith.Compiler.dll"))}" />
                    <Analyzer Include="{Escape(Path.Combine(generator, "Google.Protobuf.dll"))}" />
                    {items}
                  </ItemGroup>
                  <Import Project="{Escape(Path.Combine(root, "generator", "build", "Bitsmith.targets"))}" />
                </Project>
                """);
        }

        /// <summary>A path as an MSBuild attribute value: XML-escaped, and MSBuild's own special characters as %XX.</summary>
        public static string Escape(string path)
        {
            var sb = new System.Text.StringBuilder();
            foreach (char c in path)
            {
                if ("%*?@$();'".IndexOf(c) >= 0)
                    sb.Append('%').Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
                else if (c == '&')
                    sb.Append("&amp;");
                else if (c == '<')
                    sb.Append("&lt;");
                else if (c == '"')
                    sb.Append("&quot;");
                else
                    sb.Append(c);
            }
            return sb.ToString();
        }
    }
}
