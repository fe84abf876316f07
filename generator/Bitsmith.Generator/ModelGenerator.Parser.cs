using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Bitsmith.Compiler.Lowering;
using Bitsmith.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Bitsmith.Generator
{
    public sealed partial class ModelGenerator
    {
        /// <summary>Roslyn's inputs to plain records, and the matching of classes to plans.</summary>
        internal static class Parser
        {
            private const string ModelPathMetadata = "build_metadata.AdditionalFiles.BitsmithModelPath";
            private const string ResourceNameMetadata = "build_metadata.AdditionalFiles.BitsmithResourceName";

            public static ModelClassSpec ReadClass(GeneratorAttributeSyntaxContext context, CancellationToken token)
            {
                var type = (INamedTypeSymbol)context.TargetSymbol;
                var attribute = context.Attributes[0];
                string path = attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is string p ? p : "";
                var attributeSyntax = attribute.ApplicationSyntaxReference?.GetSyntax(token);
                var classSyntax = (ClassDeclarationSyntax)context.TargetNode;
                return new ModelClassSpec(
                    type.ContainingNamespace.IsGlobalNamespace ? "" : type.ContainingNamespace.ToDisplayString(),
                    type.Name,
                    type.DeclaredAccessibility == Accessibility.Public ? "public" : "internal",
                    path,
                    Problem(type, token),
                    LocationInfo.From(classSyntax.Identifier.GetLocation()),
                    LocationInfo.From(attributeSyntax?.GetLocation()));
            }

            /// <summary>What keeps the generator from writing the class's other part, or null.</summary>
            private static string? Problem(INamedTypeSymbol type, CancellationToken token)
            {
                var problems = new List<string>();
                if (!type.IsStatic)
                    problems.Add("not static");
                bool partial = type.DeclaringSyntaxReferences.All(r =>
                    r.GetSyntax(token) is ClassDeclarationSyntax c && c.Modifiers.Any(SyntaxKind.PartialKeyword));
                if (!partial)
                    problems.Add("not partial");
                if (type.ContainingType != null)
                    problems.Add("nested in '" + type.ContainingType.ToDisplayString() + "'");
                if (type.TypeParameters.Length > 0)
                    problems.Add("generic");
                return problems.Count == 0 ? null : string.Join(", ", problems);
            }

            public static PlanFileSpec ReadPlanFile(AdditionalText file, AnalyzerConfigOptions options, CancellationToken token)
            {
                string model = options.TryGetValue(ModelPathMetadata, out var m) ? ModelPaths.Normalize(m) : "";
                string resource = options.TryGetValue(ResourceNameMetadata, out var r) ? r : "";
                return new PlanFileSpec(model, resource, file.Path, file.GetText(token)?.ToString() ?? "");
            }

            public static MatchResult Match(ImmutableArray<ModelClassSpec> classes, ImmutableArray<PlanFileSpec> plans, string projectDirectory)
            {
                var models = new List<ModelSpec>();
                var diagnostics = new List<DiagnosticInfo>();
                var claimed = new Dictionary<string, ModelClassSpec>(StringComparer.OrdinalIgnoreCase);
                foreach (var type in classes)
                {
                    if (type.Problem != null)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NotStaticPartial, type.ClassLocation, type.FullName, type.Problem));
                        continue;
                    }
                    string path = ModelPaths.Resolve(projectDirectory, type.ModelPath);
                    var plan = plans.FirstOrDefault(p => p.ModelPath.Length > 0 && string.Equals(p.ModelPath, path, StringComparison.OrdinalIgnoreCase));
                    if (plan == null)
                    {
                        string known = plans.Length == 0 ? "none" : string.Join(", ", plans.Select(p => ModelPaths.Relative(projectDirectory, p.ModelPath)).OrderBy(n => n, StringComparer.Ordinal));
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NoModelItem, type.AttributeLocation, type.ModelPath, type.FullName, known));
                    }
                    else if (claimed.TryGetValue(plan.ModelPath, out var first))
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateClass, type.AttributeLocation, first.FullName, type.FullName, type.ModelPath));
                    else
                    {
                        claimed.Add(plan.ModelPath, type);
                        models.Add(new ModelSpec(type, plan));
                    }
                }
                return new MatchResult(new ImmutableEquatableArray<ModelSpec>(models), new ImmutableEquatableArray<DiagnosticInfo>(diagnostics));
            }
        }
    }
}
