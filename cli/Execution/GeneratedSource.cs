using System;
using System.Linq;
using Bitsmith.Compiler.Emit;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Lowering;

namespace Bitsmith.Cli.Execution
{
    /// <summary>
    /// A model compiled as the build would: the plan, the C# that the source generator would emit
    /// for it, and the weight resource (packed weights and trailer) that the code reads by
    /// <see cref="ResourceName"/>. What <c>compile</c> writes and what <c>verify</c> and <c>bench</c>
    /// compile in memory.
    /// </summary>
    public sealed class GeneratedSource
    {
        private GeneratedSource(CompiledModel compiled, Plan plan, string source, byte[] weightResource, string ns, string className, string resourceName)
        {
            Compiled = compiled;
            Plan = plan;
            Source = source;
            WeightResource = weightResource;
            Namespace = ns;
            ClassName = className;
            ResourceName = resourceName;
        }

        public CompiledModel Compiled { get; }

        /// <summary>The plan the code was emitted from (the compiled one, unless a test hook changed the weights).</summary>
        public Plan Plan { get; }

        /// <summary>The generated C#: a complete <c>static partial class</c>.</summary>
        public string Source { get; }

        /// <summary>The resource's bytes: the packed weights and their trailer; empty when the model has no weights.</summary>
        public byte[] WeightResource { get; }

        public string Namespace { get; }

        public string ClassName { get; }

        /// <summary>The manifest resource name the code looks its weights up by (an EmbeddedResource's LogicalName).</summary>
        public string ResourceName { get; }

        /// <summary>The class's full name.</summary>
        public string FullName => Namespace.Length == 0 ? ClassName : Namespace + "." + ClassName;

        /// <summary>The default class name for a model file: its name as a C# identifier in PascalCase.</summary>
        public static string DefaultClassName(string modelPath) =>
            CSharp.Identifier(System.IO.Path.GetFileNameWithoutExtension(modelPath), pascal: true);

        /// <summary>Compiles <paramref name="graph"/> (after the passes) with the <paramref name="strategy"/> overrides (<c>"node=implementation;..."</c>) and emits its class.</summary>
        internal static GeneratedSource Create(Graph graph, int batch, string strategy, string ns, string className, CliHooks? hooks = null)
        {
            if (!IdentifierRules.IsValid(className))
                throw new CliException($"'{className}' is not a valid C# class name");
            if (ns.Length > 0 && !ns.Split('.').All(IdentifierRules.IsValid))
                throw new CliException($"'{ns}' is not a valid C# namespace");
            var compiled = ModelCompiler.Compile(graph, new CompileOptions { BatchSize = batch }.WithStrategyOverrides(strategy));
            var plan = compiled.Plan;
            byte[] weights = compiled.Weights;
            if (hooks?.PerturbWeights != null && weights.Length > 0)
            {
                weights = hooks.PerturbWeights((byte[])weights.Clone());
                if (weights.Length != compiled.Weights.Length)
                    throw new InvalidOperationException("a weight perturbation must keep the length");
                plan = plan with { WeightsSha256 = WeightPacker.Sha256(weights) };
            }
            string resourceName = (ns.Length == 0 ? className : ns + "." + className) + ".weights";
            string source = CSharpEmitter.Emit(plan, new EmitOptions { Namespace = ns, ClassName = className, WeightResourceName = resourceName });
            byte[] resource = weights.Length == 0 ? Array.Empty<byte>() : WeightResourceFile.Bytes(weights, plan.WeightsSha256);
            return new GeneratedSource(compiled, plan, source, resource, ns, className, resourceName);
        }
    }
}
