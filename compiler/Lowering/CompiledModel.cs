using System.Collections.Generic;
using Bitsmith.Compiler.Reports;

namespace Bitsmith.Compiler.Lowering
{
    /// <summary>What compiling a model produces: the plan (and its text), the packed weights, and the per-layer report.</summary>
    public sealed class CompiledModel
    {
        public CompiledModel(Plan plan, byte[] weights, IReadOnlyList<LayerSummary> layers)
        {
            Plan = plan;
            PlanText = PlanWriter.Write(plan);
            Weights = weights;
            Layers = layers;
        }

        public Plan Plan { get; }

        /// <summary>The plan as written for the source generator.</summary>
        public string PlanText { get; }

        /// <summary>The packed weights; offsets are in the plan. The assembly's resource is these and a trailer (<see cref="WeightResourceFile"/>).</summary>
        public byte[] Weights { get; }

        public IReadOnlyList<LayerSummary> Layers { get; }
    }
}
