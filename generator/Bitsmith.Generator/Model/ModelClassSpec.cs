using System.Linq;

namespace Bitsmith.Generator.Model
{
    /// <summary>
    /// A class with [CompiledModel]: its names as C# spells them (a keyword escaped with '@'),
    /// the declarations of the types it is nested in (outermost first, e.g. "static partial class
    /// Outer"), what its declaration allows, and the model path as written. <paramref name="Problem"/> is
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
        string? Failure = null,
        Bitsmith.Compiler.Lowering.ImmutableEquatableArray<ContainingType>? Containing = null)
    {
        public string FullName => string.Join(".", new[] { Namespace }.Where(n => n.Length > 0)
            .Concat((Containing ?? Bitsmith.Compiler.Lowering.ImmutableEquatableArray<ContainingType>.Empty).Select(c => c.Name)).Concat(new[] { Name }));
    }
}
