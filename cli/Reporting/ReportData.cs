using System.Collections.Generic;
using System.Linq;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Lowering;
using Bitsmith.Compiler.Reports;

namespace Bitsmith.Cli.Reporting
{
    /// <summary>What <c>report</c> prints in every format: the model's ports, a row per layer as lowering planned it, and the totals.</summary>
    internal sealed class ReportData
    {
        public ReportData(string model, Graph graph, CompiledModel compiled)
        {
            Model = model;
            Inputs = graph.Inputs.Select(v => (v.Name, v.TypeString())).ToList();
            Outputs = graph.Outputs.Select(v => (v.Name, v.TypeString())).ToList();
            Layers = compiled.Layers;
            WeightBytes = graph.Constants().Sum(LayerSummary.PackedBytes);
            PackedWeightBytes = compiled.Plan.WeightBytes;
            FloatWeightBytes = graph.Constants().Sum(c => (long)Shape.Size(c.Shape) * 4);
            ScratchBytes = compiled.Plan.ArenaBytes;
        }

        public string Model { get; }

        public IReadOnlyList<(string Name, string Type)> Inputs { get; }

        public IReadOnlyList<(string Name, string Type)> Outputs { get; }

        public IReadOnlyList<LayerSummary> Layers { get; }

        /// <summary>The constants at their true bitwidths (what the model's information takes).</summary>
        public long WeightBytes { get; }

        /// <summary>The weight resource the app carries: the constants in the kernels' layouts (aligned, padded, some in two forms).</summary>
        public long PackedWeightBytes { get; }

        /// <summary>What the same constants take as float32.</summary>
        public long FloatWeightBytes { get; }

        /// <summary>The static scratch arena one call uses.</summary>
        public long ScratchBytes { get; }

        public long TotalMacs => Layers.Sum(l => l.Macs);

        public double TotalEstimatedMicroseconds => Layers.Sum(l => l.EstimatedNanoseconds) / 1000;

        /// <summary>The columns, in order, with their header names (shared by the formats so they never drift apart).</summary>
        public static readonly IReadOnlyList<string> Columns = new[]
        {
            "node", "op", "input", "output", "macs", "weight_bits", "activation_bits", "weight_bytes", "implementation", "reason", "estimated_us", "note",
        };
    }
}
