namespace Bitsmith.Generator.Model
{
    /// <summary>The emitted source of one class, or the diagnostic that says why there is none; the class and its attribute's location for a late failure.</summary>
    internal sealed record GeneratedModel(string HintName, string? Source, DiagnosticInfo? Error, string ClassName, LocationInfo? Location);
}
