using Microsoft.CodeAnalysis;

namespace Bitsmith.Generator
{
    /// <summary>The generator's diagnostics: BSM1xxx (the MSBuild task's are BSM0xxx).</summary>
    internal static class DiagnosticDescriptors
    {
        private const string Category = "Bitsmith";

        public static readonly DiagnosticDescriptor NotStaticPartial = new DiagnosticDescriptor(
            "BSM1001", "Model class must be a static partial class",
            "'{0}' has [CompiledModel] but is {1}; declare it as a non-generic 'static partial class', at the top level or nested in partial, non-generic types",
            Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor NoModelItem = new DiagnosticDescriptor(
            "BSM1002", "Model path matches no BitsmithModel item",
            "[CompiledModel(\"{0}\")] on '{1}' matches no BitsmithModel item of the project (compiled models: {2}); add <BitsmithModel Include=\"{0}\" /> or fix the path, which is relative to the project folder",
            Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor DuplicateClass = new DiagnosticDescriptor(
            "BSM1003", "Two classes for one model",
            "'{0}' and '{1}' both have [CompiledModel] for '{2}'; one model is generated into one class",
            Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor PlanUnreadable = new DiagnosticDescriptor(
            "BSM1004", "Compiled model plan cannot be read",
            "The plan of '{0}' ({1}) cannot be turned into code: {2}; rebuild the project so the model is compiled again",
            Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor GeneratorFailure = new DiagnosticDescriptor(
            "BSM1005", "Bitsmith's generator failed",
            "Bitsmith's generator failed on '{0}' ({1}); this is a bug in Bitsmith, please report it with the model and this class's declaration",
            Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor LanguageVersionTooLow = new DiagnosticDescriptor(
            "BSM1006", "Model code needs C# 13 or later",
            "The code of '{0}' needs C# 13 or later (its layers pass ref structs to the runtime's thread splitter), and the project compiles C# {1}; remove <LangVersion> from the project or set it to 13 or later",
            Category, DiagnosticSeverity.Error, isEnabledByDefault: true);
    }
}
