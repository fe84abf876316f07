namespace Bitsmith.Generator.Model
{
    /// <summary>A class matched to its model's plan: everything the emitter needs, and the source's hint name (unique ignoring case).</summary>
    internal sealed record ModelSpec(ModelClassSpec Class, PlanFileSpec Plan, string HintName);
}
