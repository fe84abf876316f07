using System.CommandLine;
using System.IO;
using Bitsmith.Cli.Execution;
using Bitsmith.Cli.Reporting;
using Bitsmith.Compiler.Lowering;

namespace Bitsmith.Cli.Commands
{
    /// <summary><c>bitsmith report MODEL [--format md|csv|json] [--batch N] [--strategy NODE=IMPL;...]</c>: the per-layer table of the compiled model.</summary>
    internal static class ReportCommand
    {
        public static Command Create(CliContext context)
        {
            var model = CommonOptions.Model();
            var batch = CommonOptions.Batch();
            var strategy = CommonOptions.Strategy();
            var format = new Option<string>("--format")
            {
                Description = "md (a Markdown table and the totals), csv (a header and a row per layer) or json (the ports, the layers and the totals).",
                DefaultValueFactory = _ => ReportFormat.Markdown,
                HelpName = "md|csv|json",
            };
            format.AcceptOnlyFromAmong(ReportFormat.All);
            var command = new Command("report",
                "Compile the model and print a row per layer: node, op, input and output type and shape, multiply-accumulates, " +
                "weight and activation bits, the implementation lowering chose and why, the packed weight bytes and the cost " +
                "model's estimated time on one core; then the totals (weights, float32 weights, scratch memory, estimated time).")
            {
                model, format, batch, strategy,
            };
            command.Aliases.Add("summary"); // the earlier name of this command
            command.SetAction(r =>
            {
                string path = ModelFile.Require(r.GetValue(model)!);
                var graph = ModelFile.Load(path, r.GetValue(batch));
                var compiled = ModelCompiler.Compile(graph, new CompileOptions { BatchSize = r.GetValue(batch) }.WithStrategyOverrides(r.GetValue(strategy)!));
                var data = new ReportData(Path.GetFileName(path), graph, compiled);
                switch (r.GetValue(format))
                {
                    case ReportFormat.Csv: CsvReport.Write(context.Out, data); break;
                    case ReportFormat.Json: JsonReport.Write(context.Out, data); break;
                    default: MarkdownReport.Write(context.Out, data); break;
                }
                return ExitCodes.Success;
            });
            return command;
        }
    }
}
