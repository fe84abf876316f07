namespace Bitsmith.Generator.Model
{
    /// <summary>
    /// A plan the MSBuild task wrote, with what its header says: the project folder, the model it
    /// came from (normalised full path), its weight resource. <paramref name="Problem"/> says why
    /// a file could not be read (then the other fields may be empty); <paramref name="Damage"/>
    /// why a plan that names its model cannot be trusted (changed since the build wrote it).
    /// </summary>
    internal sealed record PlanFileSpec(string ProjectDirectory, string ModelPath, string ResourceName, string PlanPath, string Text, string? Problem = null, string? Damage = null);
}
