using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using Bitsmith.Cli.Execution;
using Bitsmith.Cli.Verification;
using Bitsmith.Compiler.Interpreter;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Lowering.Implementations;

namespace Bitsmith.Cli.Commands
{
    /// <summary><c>bitsmith verify MODEL [--cases N] [--seed S] [--inputs FILE...] [--batch N] [--strategy NODE=IMPL;...]</c>: the generated code against the interpreter and ONNX Runtime.</summary>
    internal static class VerifyCommand
    {
        public static Command Create(CliContext context)
        {
            var model = CommonOptions.Model();
            var batch = CommonOptions.Batch();
            var strategy = CommonOptions.Strategy();
            var cases = CommonOptions.PositiveInt("--cases", "How many random inputs to run.", 10, "N");
            var seed = new Option<int>("--seed") { Description = "The seed of the random inputs.", DefaultValueFactory = _ => 1, HelpName = "S" };
            var inputs = new Option<string[]>("--inputs")
            {
                Description = "Run on given inputs instead of random ones: one serialized ONNX TensorProto file (as ONNX's test data's input_0.pb) per model input, in the model's input order, each of the input's type and shape.",
                HelpName = "FILE",
                AllowMultipleArgumentsPerToken = true,
            };
            var command = new Command("verify",
                "Compile the model, build the generated code in memory (as an app's build would) and run it on seeded random " +
                "inputs (or the given ones) against the reference interpreter (the same graph after the passes, with exact " +
                "ONNX semantics) and against ONNX Runtime running the file as written (graph optimisations off). Prints, per " +
                "output and reference, the largest difference and how many rows agree on the class (the argmax of the last " +
                "axis). Exits with 1 when a difference is beyond the tolerance: " +
                VerifyTolerances.Interpreter.Why + " (" + VerifyTolerances.InterpreterApproximate.Why + "); " + VerifyTolerances.OnnxRuntime.Why + ".")
            {
                model, cases, seed, inputs, batch, strategy,
            };
            command.SetAction(r =>
            {
                Verify(context, ModelFile.Require(r.GetValue(model)!), r.GetValue(batch), r.GetValue(strategy)!, r.GetValue(cases), r.GetValue(seed), r.GetValue(inputs) ?? Array.Empty<string>());
                return ExitCodes.Success;
            });
            return command;
        }

        private static void Verify(CliContext context, string path, int batch, string strategy, int caseCount, int seed, string[] inputFiles)
        {
            var asWritten = ModelFile.Load(path, batch, runPasses: false);
            var oracle = ModelFile.Load(path, batch);
            var generated = GeneratedSource.Create(ModelFile.Load(path, batch), batch, strategy, "Bitsmith.Verify", "VerifiedModel", context.Hooks);
            using var code = InMemoryModel.Compile(generated);
            using var ort = OnnxRuntimeModel.Open(path, optimized: false, threads: 1);

            var outputs = oracle.Outputs;
            // Layers whose kernels round on purpose widen the bound against the interpreter.
            var approximate = generated.Plan.Steps
                .Select(s => (s.Node, Implementation: ImplementationRegistry.Find(s.Implementation)))
                .Where(s => s.Implementation?.Approximation != null)
                .ToList();
            var interpreterTolerance = approximate.Count > 0 ? VerifyTolerances.InterpreterApproximate : VerifyTolerances.Interpreter;
            var vsInterpreter = outputs.Select(v => new OutputAgreement(v.Name, v.Type, interpreterTolerance)).ToList();
            var vsOrt = outputs.Select(v => new OutputAgreement(v.Name, v.Type, VerifyTolerances.OnnxRuntime)).ToList();
            var random = new Random(seed);
            int runs = inputFiles.Length > 0 ? 1 : caseCount;
            for (int c = 0; c < runs; c++)
            {
                var input = inputFiles.Length > 0 ? InputFiles.Load(asWritten, inputFiles) : RandomInputs.Create(asWritten, random);
                var actual = code.Run(input);
                var reference = ReferenceInterpreter.Run(oracle, NamedInputs.Of(oracle, input));
                var peer = code.NewOutputs();
                ort.Bind(asWritten.Inputs, input, asWritten.Outputs, peer);
                ort.Run();
                for (int o = 0; o < outputs.Count; o++)
                {
                    vsInterpreter[o].Add(c, actual[o], reference[outputs[o].Name]);
                    vsOrt[o].Add(c, actual[o], peer[o]);
                }
            }

            var w = context.Out;
            string what = inputFiles.Length > 0 ? "the given inputs" : $"{runs} random input{(runs == 1 ? "" : "s")} (seed {seed})";
            w.WriteLine($"verify {Path.GetFileName(path)}: the generated code on {what}, batch {batch}");
            foreach (var group in approximate.GroupBy(s => s.Implementation!.Name))
                w.WriteLine($"approximate by design: {string.Join(", ", group.Select(s => s.Node))} on {group.Key} ({group.First().Implementation!.Approximation})");
            for (int o = 0; o < outputs.Count; o++)
            {
                w.WriteLine($"output '{outputs[o].Name}' {outputs[o].TypeString()}");
                Line(w, "reference interpreter", vsInterpreter[o]);
                Line(w, "ONNX Runtime", vsOrt[o]);
            }
            var failed = vsInterpreter.Select(a => (Against: "the reference interpreter", Agreement: a))
                .Concat(vsOrt.Select(a => (Against: "ONNX Runtime", Agreement: a)))
                .FirstOrDefault(x => !x.Agreement.Passed);
            if (failed.Agreement != null)
            {
                var a = failed.Agreement;
                w.WriteLine("FAILED");
                throw new CliException($"{path}: output '{a.Output}' of the generated code differs from {failed.Against}: " +
                    $"largest difference {Number(a.MaxDifference)} (case {a.Worst.Case + 1}, element {a.Worst.Element}) is beyond the tolerance {Number(a.AllowedDifference)}; " +
                    $"{a.Beyond} element(s) beyond it");
            }
            w.WriteLine("OK: every output within tolerance");
        }

        private static void Line(TextWriter w, string against, OutputAgreement a)
        {
            string classes = a.Rows == 0 ? "" : $", class agreement {a.RowsAgreeing}/{a.Rows} ({100.0 * a.RowsAgreeing / a.Rows:0.#} %)";
            w.WriteLine($"  vs {against,-22} largest difference {Number(a.MaxDifference)} (tolerance {Number(a.AllowedDifference)}){classes}{(a.Passed ? "" : "  <-- beyond tolerance")}");
        }

        private static string Number(double d) => d.ToString("G4", CultureInfo.InvariantCulture);
    }
}
