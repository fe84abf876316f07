using Bitsmith.Generator.Model;
using Microsoft.CodeAnalysis;

namespace Bitsmith.Generator
{
    /// <summary>
    /// Fills each <c>[Bitsmith.CompiledModel("path")] static partial class</c> with the C# of its
    /// model. The MSBuild task has already compiled the model into a plan (an AdditionalFiles item
    /// whose header lines name the project, the model and its weight resource); this generator
    /// matches classes to plans by the model's path, and emits the plan through the compiler's C#
    /// emitter. It never throws: every failure is a BSM diagnostic at the class. Every value
    /// in the pipeline is a small record that compares by value, so an edit that touches neither
    /// the class declarations nor the plans leaves the generated models cached.
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed partial class ModelGenerator : IIncrementalGenerator
    {
        public const string AttributeName = "Bitsmith.CompiledModelAttribute";
        public const string PlanExtension = ".bsplan";

        /// <summary>C# 13 (<c>LanguageVersion.CSharp13</c>, which this generator's Roslyn 4.8 does not name).</summary>
        private const int MinimumLanguageVersion = 1300;

        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            var classes = context.SyntaxProvider
                .ForAttributeWithMetadataName(AttributeName, static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.ClassDeclarationSyntax, Parser.ReadClass)
                .WithTrackingName(TrackingNames.ModelClass);

            var plans = context.AdditionalTextsProvider
                .Where(static text => text.Path.EndsWith(PlanExtension, System.StringComparison.OrdinalIgnoreCase))
                .Select(static (text, token) => Parser.ReadPlanFile(text, token))
                .WithTrackingName(TrackingNames.PlanFile);

            var projectDirectory = context.AnalyzerConfigOptionsProvider
                .Select(static (options, _) => options.GlobalOptions.TryGetValue("build_property.MSBuildProjectDirectory", out var dir) ? dir : "")
                .WithTrackingName(TrackingNames.ProjectDirectory);

            var matched = classes.Collect()
                .Combine(plans.Collect())
                .Combine(projectDirectory)
                .Select(static (input, _) => Parser.Match(input.Left.Left, input.Left.Right, input.Right))
                .WithTrackingName(TrackingNames.Match);

            // <BitsmithProfile>true</BitsmithProfile>: every Run times its layers (Bitsmith.LayerProfile).
            var profile = context.AnalyzerConfigOptionsProvider
                .Select(static (options, _) => options.GlobalOptions.TryGetValue("build_property.BitsmithProfile", out var value)
                    && string.Equals(value.Trim(), "true", System.StringComparison.OrdinalIgnoreCase))
                .WithTrackingName(TrackingNames.Profile);

            var generated = matched
                .SelectMany(static (result, _) => result.Models)
                .Combine(profile)
                .Select(static (input, token) => Emitter.Generate(input.Left, input.Right, token))
                .WithTrackingName(TrackingNames.ModelSource);

            // The generated layers pass ref structs as generic arguments, a C# 13 feature.
            var languageVersion = context.ParseOptionsProvider
                .Select(static (options, _) => (int)((options as Microsoft.CodeAnalysis.CSharp.CSharpParseOptions)?.LanguageVersion ?? Microsoft.CodeAnalysis.CSharp.LanguageVersion.Default));

            context.RegisterSourceOutput(generated.Combine(languageVersion), static (spc, input) =>
            {
                var (model, version) = input;
                if (model.Source == null)
                    return;
                if (version < MinimumLanguageVersion)
                {
                    spc.ReportDiagnostic(DiagnosticInfo.Create(DiagnosticDescriptors.LanguageVersionTooLow, model.Location, model.ClassName,
                        (version / 100).ToString(System.Globalization.CultureInfo.InvariantCulture)).ToDiagnostic());
                    return;
                }
                // The last place an exception could escape into Roslyn (CS8785, every class dropped).
                try
                {
                    spc.AddSource(model.HintName, model.Source);
                }
                catch (System.ArgumentException e)
                {
                    spc.ReportDiagnostic(DiagnosticInfo.Create(DiagnosticDescriptors.GeneratorFailure, model.Location, model.ClassName, Parser.Describe(e)).ToDiagnostic());
                }
            });

            // Diagnostics come from data on their own outputs, never from the steps that compute them.
            context.RegisterSourceOutput(matched.Select(static (result, _) => result.Diagnostics), static (spc, diagnostics) =>
            {
                foreach (var diagnostic in diagnostics)
                    spc.ReportDiagnostic(diagnostic.ToDiagnostic());
            });
            context.RegisterSourceOutput(generated.Where(static model => model.Error != null), static (spc, model) =>
                spc.ReportDiagnostic(model.Error!.ToDiagnostic()));
        }
    }
}
