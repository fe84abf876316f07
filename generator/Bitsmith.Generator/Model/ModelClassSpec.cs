namespace Bitsmith.Generator.Model
{
    /// <summary>
    /// A class with [CompiledModel]: its names as C# spells them (a keyword escaped with '@'),
    /// what its declaration allows, and the model path as written. <paramref name="Problem"/> is
    /// set when the declaration cannot be generated into, <paramref name="Failure"/> when reading
    /// it failed inside the generator.
    /// </summary>
    internal sealed record ModelClassSpec(
        string Namespace,
        string Name,
        string Accessibility,
        string ModelPath,
        string? Problem,
        LocationInfo? ClassLocation,
        LocationInfo? AttributeLocation,
        string? Failure = null)
    {
        public string FullName => Namespace.Length > 0 ? Namespace + "." + Name : Name;
    }
}
