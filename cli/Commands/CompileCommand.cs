using System.CommandLine;
using System.IO;
using System.Reflection;
using Bitsmith.Cli.Execution;

namespace Bitsmith.Cli.Commands
{
    /// <summary><c>bitsmith compile MODEL -o DIR [--class NAME] [--namespace NS] [--batch N] [--strategy NODE=IMPL;...]</c>: the generated C# and its weights, for a build without the MSBuild task.</summary>
    internal static class CompileCommand
    {
        public const string Help =
            "Compile the model and write, into DIR, NAME.cs (the generated static partial class with its Run methods, " +
            "as the source generator would emit it) and NAME.weights (the packed weights, which the code reads in place " +
            "as a manifest resource; absent when the model has no weights). For use outside the MSBuild integration, " +
            "add to the app's project: the .cs file (any .cs in the project folder is compiled); the weights as " +
            "<EmbeddedResource Include=\"DIR/NAME.weights\" LogicalName=\"NS.NAME.weights\" /> (the LogicalName is the " +
            "resource name the code looks up, printed by this command); and a reference to the Bitsmith runtime, " +
            "<PackageReference Include=\"Bitsmith\" Version=\"...\" /> (its lib is Bitsmith.Runtime.dll). Call it as " +
            "NS.NAME.Run(input, output).";

        public static Command Create(CliContext context)
        {
            var model = CommonOptions.Model();
            var batch = CommonOptions.Batch();
            var strategy = CommonOptions.Strategy();
            var output = new Option<DirectoryInfo>("--output", "-o") { Description = "The folder to write into (made if missing).", Required = true, HelpName = "DIR" };
            var className = new Option<string?>("--class") { Description = "The class name (default: the model file's name in PascalCase).", HelpName = "NAME" };
            var ns = new Option<string>("--namespace") { Description = "The namespace of the class (default: none, the global namespace).", DefaultValueFactory = _ => "", HelpName = "NS" };
            var command = new Command("compile", Help) { model, output, className, ns, batch, strategy };
            command.SetAction(r =>
            {
                string path = ModelFile.Require(r.GetValue(model)!);
                var graph = ModelFile.Load(path, r.GetValue(batch));
                var generated = GeneratedSource.Create(graph, r.GetValue(batch), r.GetValue(strategy)!, r.GetValue(ns)!, r.GetValue(className) ?? GeneratedSource.DefaultClassName(path), context.Hooks);
                var dir = r.GetValue(output)!;
                Directory.CreateDirectory(dir.FullName);
                string source = Path.Combine(dir.FullName, generated.ClassName + ".cs");
                string weights = Path.Combine(dir.FullName, generated.ClassName + ".weights");
                File.WriteAllText(source, generated.Source);
                if (generated.WeightResource.Length > 0)
                    File.WriteAllBytes(weights, generated.WeightResource);
                else if (File.Exists(weights))
                    File.Delete(weights);

                context.Out.WriteLine($"wrote {source}");
                if (generated.WeightResource.Length > 0)
                    context.Out.WriteLine($"wrote {weights} ({generated.WeightResource.Length} bytes)");
                context.Out.WriteLine();
                context.Out.WriteLine("Add to the app's project file (the .cs file must be part of the compilation too):");
                context.Out.WriteLine("  <ItemGroup>");
                if (generated.WeightResource.Length > 0)
                    context.Out.WriteLine($"    <EmbeddedResource Include=\"{weights}\" LogicalName=\"{generated.ResourceName}\" />");
                context.Out.WriteLine("    <PackageReference Include=\"Bitsmith\" Version=\"" + Version + "\" />");
                context.Out.WriteLine("  </ItemGroup>");
                context.Out.WriteLine($"and call {generated.FullName}.Run(...).");
                return ExitCodes.Success;
            });
            return command;
        }

        /// <summary>This tool's package version (the informational version less its commit), which is the Bitsmith package's too.</summary>
        private static string Version =>
            (typeof(CompileCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.1.0").Split('+')[0];
    }
}
