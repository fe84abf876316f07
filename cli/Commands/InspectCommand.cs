using System.CommandLine;
using Bitsmith.Cli.Execution;
using Bitsmith.Compiler.Ir;

namespace Bitsmith.Cli.Commands
{
    /// <summary><c>bitsmith inspect MODEL [--raw] [--batch N]</c>: the IR after the pass pipeline, as text.</summary>
    internal static class InspectCommand
    {
        public static Command Create(CliContext context)
        {
            var model = CommonOptions.Model();
            var batch = CommonOptions.Batch();
            var raw = new Option<bool>("--raw") { Description = "Print the graph as imported, before the passes." };
            var command = new Command("inspect",
                "Print the model's graph after the pass pipeline (what lowering sees): its inputs and outputs, each node " +
                "with its op, its input and output values and their types and shapes, and the quantisation of each tensor " +
                "(scale, zero point, bits).")
            {
                model, raw, batch,
            };
            command.Aliases.Add("dump"); // the earlier name of this command
            command.SetAction(r =>
            {
                var graph = ModelFile.Load(r.GetValue(model)!, r.GetValue(batch), runPasses: !r.GetValue(raw));
                context.Out.Write(IrPrinter.Print(graph));
                return ExitCodes.Success;
            });
            return command;
        }
    }
}
