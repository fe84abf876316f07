using System.Diagnostics;
using Xunit;

namespace Bitsmith.Generator.Tests
{
    /// <summary>Runs the dotnet CLI in a folder as a user would, and fails the test with its output if it fails.</summary>
    internal static class DotnetProcess
    {
        public static string Run(string directory, string arguments)
        {
            var start = new ProcessStartInfo("dotnet", arguments)
            {
                WorkingDirectory = directory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            // The test host's own MSBuild settings must not leak into the child builds.
            start.Environment.Remove("MSBuildSDKsPath");
            start.Environment.Remove("MSBuildExtensionsPath");
            start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            string stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"dotnet {arguments} failed ({process.ExitCode}):\n{stdout}\n{stderr.Result}");
            return stdout;
        }
    }
}
