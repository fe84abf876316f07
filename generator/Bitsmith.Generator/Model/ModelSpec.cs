namespace Bitsmith.Generator.Model
{
    /// <summary>A class matched to its model's plan: everything the emitter needs.</summary>
    internal sealed record ModelSpec(ModelClassSpec Class, PlanFileSpec Plan);
}
