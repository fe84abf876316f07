namespace Bitsmith.Generator.Model
{
    /// <summary>The emitted source of one class, or the diagnostic that says why there is none.</summary>
    internal sealed record GeneratedModel(string HintName, string? Source, DiagnosticInfo? Error);
}
