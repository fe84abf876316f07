using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using Bitsmith.Build;
using Bitsmith.Compiler.Lowering;
using Bitsmith.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Bitsmith.Generator
{
    public sealed partial class ModelGenerator
    {
        /// <summary>Roslyn's inputs to plain records, and the matching of classes to plans.</summary>
        internal static class Parser
        {
            public static ModelClassSpec ReadClass(GeneratorAttributeSyntaxContext context, CancellationToken token)
            {
                var classSyntax = (ClassDeclarationSyntax)context.TargetNode;
                var classLocation = LocationInfo.From(classSyntax.Identifier.GetLocation());
                var type = (INamedTypeSymbol)context.TargetSymbol;
                try
                {
                    var attribute = context.Attributes[0];
                    string path = attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is string p ? p : "";
                    var attributeSyntax = attribute.ApplicationSyntaxReference?.GetSyntax(token);
                    return new ModelClassSpec(
                        Namespace(type.ContainingNamespace),
                        CSharpNames.Escape(type.Name),
                        Accessibility(type.DeclaredAccessibility),
                        path,
                        Problem(type, token),
                        classLocation,
                        LocationInfo.From(attributeSyntax?.GetLocation()) ?? classLocation,
                        Containing: Containing(type));
                }
                catch (Exception e) when (!(e is OperationCanceledException))
                {
                    return new ModelClassSpec("", CSharpNames.Escape(type.Name), "public", "", null, classLocation, classLocation, Describe(e));
                }
            }

            /// <summary>The namespace as source spells it, each part escaped; empty for the global one.</summary>
            private static string Namespace(INamespaceSymbol ns)
            {
                var parts = new List<string>();
                for (var n = ns; n != null && !n.IsGlobalNamespace; n = n.ContainingNamespace)
                    parts.Insert(0, CSharpNames.Escape(n.Name));
                return string.Join(".", parts);
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
                if (type.TypeParameters.Length > 0)
                    problems.Add("generic");
                // Nested is fine inside partial, non-generic types: the generated part repeats them.
                for (var outer = type.ContainingType; outer != null; outer = outer.ContainingType)
                {
                    if (outer.TypeParameters.Length > 0)
                        problems.Add("nested in generic '" + outer.ToDisplayString() + "'");
                    else if (!IsPartial(outer, token))
                        problems.Add("nested in '" + outer.ToDisplayString() + "', which is not partial");
                }
                return problems.Count == 0 ? null : string.Join(", ", problems);
            }

            private static bool IsPartial(INamedTypeSymbol type, CancellationToken token) =>
                type.DeclaringSyntaxReferences.All(r => r.GetSyntax(token) is TypeDeclarationSyntax t && t.Modifiers.Any(SyntaxKind.PartialKeyword));

            /// <summary>"public", "internal", ...: the class's own accessibility, which a nested class may narrow further.</summary>
            private static string Accessibility(Accessibility a) => a switch
            {
                Microsoft.CodeAnalysis.Accessibility.Public => "public",
                Microsoft.CodeAnalysis.Accessibility.Private => "private",
                Microsoft.CodeAnalysis.Accessibility.Protected => "protected",
                Microsoft.CodeAnalysis.Accessibility.ProtectedOrInternal => "protected internal",
                Microsoft.CodeAnalysis.Accessibility.ProtectedAndInternal => "private protected",
                _ => "internal",
            };

            /// <summary>The types the class is nested in, outermost first, as the generated part declares them again.</summary>
            private static ImmutableEquatableArray<ContainingType> Containing(INamedTypeSymbol type)
            {
                var chain = new List<ContainingType>();
                for (var outer = type.ContainingType; outer != null; outer = outer.ContainingType)
                {
                    string kind = outer.IsRecord ? (outer.TypeKind == TypeKind.Struct ? "record struct" : "record")
                        : outer.TypeKind == TypeKind.Struct ? "struct"
                        : outer.TypeKind == TypeKind.Interface ? "interface"
                        : "class";
                    string modifiers = (outer.IsStatic ? "static " : "") + (outer.IsReadOnly && outer.TypeKind == TypeKind.Struct ? "readonly " : "")
                        + (outer.IsRefLikeType ? "ref " : "");
                    string name = CSharpNames.Escape(outer.Name);
                    chain.Insert(0, new ContainingType(name, $"{modifiers}partial {kind} {name}"));
                }
                return new ImmutableEquatableArray<ContainingType>(chain);
            }

            /// <summary>A plan file and what its header says; never throws, a file that cannot be read carries its problem.</summary>
            public static PlanFileSpec ReadPlanFile(AdditionalText file, CancellationToken token)
            {
                try
                {
                    string text = file.GetText(token)?.ToString() ?? "";
                    var header = PlanFileHeader.Read(text);
                    return header == null
                        ? new PlanFileSpec("", "", "", file.Path, text, "it has no Bitsmith header (written by an older Bitsmith, or not by the build)")
                        : new PlanFileSpec(ModelPaths.Normalize(header.ProjectDirectory), ModelPaths.Normalize(header.ModelPath), header.ResourceName, file.Path, text,
                            Damage: header.Matches(text) ? null : "the plan text differs from what the build wrote (its SHA-256 does not match the header's)");
                }
                catch (Exception e) when (!(e is OperationCanceledException))
                {
                    return new PlanFileSpec("", "", "", file.Path, "", Describe(e));
                }
            }

            public static MatchResult Match(ImmutableArray<ModelClassSpec> classes, ImmutableArray<PlanFileSpec> plans, string fallbackProjectDirectory)
            {
                try
                {
                    return MatchAll(classes, plans, fallbackProjectDirectory);
                }
                // A bug here must not drop every class with CS8785: each class gets the error instead.
                catch (Exception e) when (!(e is OperationCanceledException))
                {
                    var failures = classes.Select(c => DiagnosticInfo.Create(DiagnosticDescriptors.GeneratorFailure, c.AttributeLocation, c.FullName, Describe(e)));
                    return new MatchResult(new ImmutableEquatableArray<ModelSpec>(Array.Empty<ModelSpec>()), new ImmutableEquatableArray<DiagnosticInfo>(failures.ToArray()));
                }
            }

            private static MatchResult MatchAll(ImmutableArray<ModelClassSpec> classes, ImmutableArray<PlanFileSpec> plans, string fallbackProjectDirectory)
            {
                var readable = plans.Where(p => p.Problem == null).ToList();
                // Every plan of a compilation comes from one project; its header says which folder.
                string projectDirectory = readable.Select(p => p.ProjectDirectory).FirstOrDefault(d => d.Length > 0) ?? fallbackProjectDirectory;
                var models = new List<ModelSpec>();
                var diagnostics = new List<DiagnosticInfo>();
                var claimed = new Dictionary<string, ModelClassSpec>(StringComparer.Ordinal);
                var hintNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                foreach (var type in classes)
                {
                    if (type.Failure != null)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.GeneratorFailure, type.AttributeLocation, type.FullName, type.Failure));
                        continue;
                    }
                    if (type.Problem != null)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NotStaticPartial, type.ClassLocation, type.FullName, type.Problem));
                        continue;
                    }
                    string path = ModelPaths.Resolve(projectDirectory, type.ModelPath);
                    var plan = Find(readable, path);
                    if (plan == null)
                    {
                        var known = readable.Select(p => ModelPaths.Relative(projectDirectory, p.ModelPath)).OrderBy(n => n, StringComparer.Ordinal)
                            .Concat(plans.Where(p => p.Problem != null).Select(p => $"{p.PlanPath}: unreadable, {p.Problem}")).ToList();
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NoModelItem, type.AttributeLocation, type.ModelPath, type.FullName,
                            known.Count == 0 ? "none" : string.Join(", ", known)));
                    }
                    else if (claimed.TryGetValue(plan.ModelPath, out var first))
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateClass, type.AttributeLocation, first.FullName, type.FullName, type.ModelPath));
                    else
                    {
                        claimed.Add(plan.ModelPath, type);
                        models.Add(new ModelSpec(type, plan, UniqueHintName(hintNames, type.FullName)));
                    }
                }
                return new MatchResult(new ImmutableEquatableArray<ModelSpec>(models), new ImmutableEquatableArray<DiagnosticInfo>(diagnostics));
            }

            /// <summary>
            /// Windows and macOS file systems ignore case by default, so a path spelt with other case
            /// names the same file there; on Linux it names another file (or none).
            /// </summary>
            private static readonly bool FileSystemIgnoresCase =
                RuntimeInformation.IsOSPlatform(OSPlatform.Windows) || RuntimeInformation.IsOSPlatform(OSPlatform.OSX);

            /// <summary>
            /// The plan of the model at <paramref name="path"/>: the one whose path is equal; where
            /// the file system ignores case, else the only one equal ignoring case. Two that differ
            /// only by case are two models, so neither is taken for a path that spells both differently.
            /// </summary>
            private static PlanFileSpec? Find(List<PlanFileSpec> plans, string path)
            {
                var exact = plans.FirstOrDefault(p => string.Equals(p.ModelPath, path, StringComparison.Ordinal));
                if (exact != null || !FileSystemIgnoresCase)
                    return exact;
                var folded = plans.Where(p => string.Equals(p.ModelPath, path, StringComparison.OrdinalIgnoreCase)).Take(2).ToList();
                return folded.Count == 1 ? folded[0] : null;
            }

            /// <summary>Roslyn requires hint names unique ignoring case: N.Net and N.NET get N.Net.g.cs and N.NET.2.g.cs.</summary>
            private static string UniqueHintName(HashSet<string> taken, string fullName)
            {
                string stem = CSharpNames.HintBase(fullName), candidate = stem;
                for (int n = 2; !taken.Add(candidate); n++)
                    candidate = stem + "." + n.ToString(CultureInfo.InvariantCulture);
                return candidate + ".g.cs";
            }

            /// <summary>An exception as one short line: its type and message, no stack trace.</summary>
            public static string Describe(Exception e) => e.GetType().Name + ": " + e.Message;
        }
    }
}
