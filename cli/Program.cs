using System;
using System.Collections.Generic;
using Bitsmith.Compiler;
using Bitsmith.Compiler.Import;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Passes;
using Bitsmith.Compiler.Reports;

namespace Bitsmith.Cli
{
    /// <summary>
    /// bitsmith summary|dump MODEL.onnx [--batch N] [--raw]
    /// Exit codes: 0 success, 1 the model has a problem (message on stderr), 2 bad usage.
    /// </summary>
    public static class Program
    {
        private const string Usage =
            "usage: bitsmith <command> MODEL.onnx [options]\n" +
            "commands:\n" +
            "  summary   compile the model and print its per-layer report\n" +
            "  dump      print the IR after the pass pipeline (--raw: as imported)\n" +
            "options:\n" +
            "  --batch N   value of a symbolic batch dimension (default 1)\n" +
            "  --raw       (dump) skip the passes\n";

        public static int Main(string[] args)
        {
            if (args.Length < 2 || args[0] is "-h" or "--help")
            {
                Console.Error.Write(Usage);
                return args.Length > 0 && args[0] is "-h" or "--help" ? 0 : 2;
            }
            string command = args[0], path = args[1];
            var options = new ImportOptions();
            bool raw = false;
            for (int i = 2; i < args.Length; i++)
            {
                switch (args[i])
                {
                    case "--batch" when i + 1 < args.Length && int.TryParse(args[i + 1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int batch) && batch > 0:
                        options.BatchSize = batch;
                        i++;
                        break;
                    case "--raw":
                        raw = true;
                        break;
                    default:
                        Console.Error.Write($"bitsmith: unknown or incomplete option '{args[i]}'\n" + Usage);
                        return 2;
                }
            }
            if (command != "summary" && command != "dump")
            {
                Console.Error.Write($"bitsmith: unknown command '{command}'\n" + Usage);
                return 2;
            }

            try
            {
                Graph graph = OnnxImporter.Load(path, options);
                if (!raw)
                    Pipeline.Run(graph);
                Console.Write(command == "summary" ? ModelReport.Render(graph) : IrPrinter.Print(graph));
                return 0;
            }
            catch (ModelException e)
            {
                Console.Error.WriteLine("bitsmith: error: " + e.Message);
                return 1;
            }
        }
    }
}
