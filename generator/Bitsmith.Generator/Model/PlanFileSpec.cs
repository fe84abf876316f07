namespace Bitsmith.Generator.Model
{
    /// <summary>A plan the MSBuild task wrote: the model it came from (normalised full path), its weight resource, its text.</summary>
    internal sealed record PlanFileSpec(string ModelPath, string ResourceName, string PlanPath, string Text);
}
