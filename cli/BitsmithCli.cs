using System;
using System.CommandLine;
using System.CommandLine.Help;
using System.IO;
using System.Linq;
using Bitsmith.Cli.Commands;
using Bitsmith.Compiler;

namespace Bitsmith.Cli
{
    /// <summary>
    /// The command line: <c>bitsmith inspect|report|compile|verify|bench MODEL [options]</c>. Every
    /// command has <c>--help</c>. A problem with the model, a file or a check prints one line
    /// <c>bitsmith: error: ...</c> on stderr and exits with 1; a wrong command line prints what is
    /// wrong and exits with 2 (<see cref="ExitCodes"/>).
    /// </summary>
    public static class BitsmithCli
    {
        public static int Run(string[] args, TextWriter stdout, TextWriter stderr) => Run(args, stdout, stderr, null);

        internal static int Run(string[] args, TextWriter stdout, TextWriter stderr, CliHooks? hooks)
        {
            var context = new CliContext(stdout, stderr, hooks);
            var root = Root(context);
            var parsed = root.Parse(args);
            if (parsed.Errors.Count > 0 && parsed.Action is not HelpAction)
            {
                foreach (var e in parsed.Errors)
                    stderr.WriteLine("bitsmith: usage error: " + OneLine(e.Message));
                string command = parsed.CommandResult.Command == root ? "bitsmith" : "bitsmith " + parsed.CommandResult.Command.Name;
                stderr.WriteLine($"Run '{command} --help' for usage.");
                return ExitCodes.Usage;
            }
            try
            {
                return parsed.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
            }
            catch (Exception e)
            {
                stderr.WriteLine("bitsmith: error: " + OneLine(Describe(e)));
                return ExitCodes.Error;
            }
        }

        private static RootCommand Root(CliContext context) => new RootCommand(
            "Bitsmith compiles quantised ONNX models into C#. These commands show what it makes of a model, " +
            "write the generated code, check it against the reference interpreter and ONNX Runtime, and time it.")
        {
            InspectCommand.Create(context),
            ReportCommand.Create(context),
            CompileCommand.Create(context),
            VerifyCommand.Create(context),
            BenchCommand.Create(context),
        }.Named("bitsmith");

        /// <summary>The message for an exception: the compiler's and ours name the file already; anything else is our bug.</summary>
        private static string Describe(Exception e) => e switch
        {
            ModelException or CliException => e.Message,
            FileNotFoundException f => $"{f.FileName}: no such file",
            IOException or UnauthorizedAccessException => e.Message,
            _ => $"Bitsmith failed ({e.GetType().Name}: {e.Message}); please report it with the model",
        };

        /// <summary>The name help shows, whatever the host process is called (a test host, dotnet).</summary>
        private static RootCommand Named(this RootCommand root, string name)
        {
            root.HelpName = name;
            return root;
        }

        private static string OneLine(string message) =>
            string.Join(" ", message.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0));
    }
}
