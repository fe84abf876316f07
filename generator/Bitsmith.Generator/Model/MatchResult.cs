using Bitsmith.Compiler.Lowering;

namespace Bitsmith.Generator.Model
{
    /// <summary>The classes that can be generated, and the diagnostics for those that cannot.</summary>
    internal sealed record MatchResult(ImmutableEquatableArray<ModelSpec> Models, ImmutableEquatableArray<DiagnosticInfo> Diagnostics);
}
