using System;
using System.Linq;
using Bitsmith.Cli;
using Bitsmith.Cli.Benchmarking;
using Bitsmith.Cli.Execution;
using Bitsmith.Compiler;

namespace Bitsmith.Samples.FashionTraining;

/// <summary>
/// Times a variant's exported ONNX file as <c>bitsmith bench</c> times the generated code (the CLI's
/// own pieces, not a copy): compiled with the implementations the cost model picks, the C# built in
/// memory as an app's build would, bound to bench's seeded random input, and single calls (batch 1,
/// on the calling thread) timed after a warm-up.
/// </summary>
internal static class GeneratedCodeLatency
{
    private const int Batch = 1;

    public static VariantLatency Measure(string onnxPath, TimeSpan duration, string command)
    {
        try
        {
            var generated = GeneratedSource.Create(ModelFile.Load(onnxPath, Batch), Batch, strategy: "", "Bitsmith.Samples.FashionTraining", "TimedModel");
            using var code = InMemoryModel.Compile(generated);
            code.Bind(RandomInputs.Create(ModelFile.Load(onnxPath, Batch, runPasses: false), new Random(1)), code.NewOutputs());
            var sample = LatencyTimer.Measure(onnxPath, code.Run, duration, progress: null);
            // The layers that multiply (conv, Gemm): where the implementations differ between variants.
            var implementations = generated.Plan.Steps.Where(s => s.Cost.Macs > 0).Select(s => s.Implementation).ToArray();
            return new VariantLatency(sample.Median, sample.P90, sample.Calls, duration.TotalSeconds, implementations, MachineDescription.Current, command);
        }
        catch (Exception e) when (e is ModelException or CliException)
        {
            return new VariantLatency(0, 0, 0, duration.TotalSeconds, Array.Empty<string>(), MachineDescription.Current, command, e.Message);
        }
    }
}
