using System.Collections.Generic;
using System.Linq;

namespace Bitsmith.Compiler.Lowering
{
    /// <summary>
    /// The lowered program of one model: everything the emitter needs to write its C#, and
    /// nothing that needs the model file. The MSBuild task writes it as text
    /// (<see cref="PlanWriter"/>) next to the packed weights; the source generator reads it back
    /// (<see cref="PlanReader"/>). Records with structural equality, so an unchanged plan is a
    /// cache hit in the generator's incremental pipeline.
    /// </summary>
    public sealed record Plan(
        string ModelName,
        string SourceFile,
        string TargetIsa,
        ImmutableEquatableArray<string> Inputs,
        ImmutableEquatableArray<string> Outputs,
        ImmutableEquatableArray<PlanValue> Values,
        ImmutableEquatableArray<PlanStep> Steps,
        long ArenaBytes,
        long ArenaLowerBound,
        long WeightBytes,
        string WeightsSha256)
    {
        /// <summary>The version in the text form's header; a reader rejects any other.</summary>
        public const int FormatVersion = 1;

        /// <summary>The values by name.</summary>
        public Dictionary<string, PlanValue> ValuesByName() => Values.ToDictionary(v => v.Name);
    }
}
