namespace Bitsmith.Generator.Model
{
    /// <summary>A type a model class is nested in: its name as source spells it, and the declaration the generated part repeats ("static partial class Outer").</summary>
    internal sealed record ContainingType(string Name, string Declaration);
}
