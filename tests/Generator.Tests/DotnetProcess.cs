using System;
using System.Diagnostics;

namespace Bitsmith.Generator.Tests
{
    /// <summary>
    /// Runs the dotnet CLI in a folder as a user would; a non-zero exit throws with its output.
    /// No test framework in here: bench/ links this file for its build harness.
    /// </summary>
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
            // The caller's own MSBuild settings (a test host's, or "dotnet run"'s) must not leak into the child builds.
            start.Environment.Remove("MSBuildSDKsPath");
            start.Environment.Remove("MSBuildExtensionsPath");
            start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            string stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"dotnet {arguments} failed ({process.ExitCode}) in {directory}:\n{stdout}\n{stderr.Result}");
            return stdout;
        }
    }
}
