using System;
using System.Threading;
using Bitsmith.Compiler.Emit;
using Bitsmith.Compiler.Lowering;
using Bitsmith.Generator.Model;

namespace Bitsmith.Generator
{
    public sealed partial class ModelGenerator
    {
        /// <summary>A matched model to C#, through the compiler's emitter.</summary>
        internal static class Emitter
        {
            public static GeneratedModel Generate(ModelSpec model, bool profile, CancellationToken token)
            {
                token.ThrowIfCancellationRequested();
                var at = model.Class.AttributeLocation;
                if (model.Plan.Damage != null)
                    return Failed(model, DiagnosticInfo.Create(DiagnosticDescriptors.PlanUnreadable, at, model.Class.FullName, model.Plan.PlanPath, model.Plan.Damage));
                try
                {
                    var plan = PlanReader.Parse(model.Plan.Text);
                    PlanConsistency.Check(plan);
                    var containing = model.Class.Containing ?? ImmutableEquatableArray<ContainingType>.Empty;
                    string source = CSharpEmitter.Emit(plan, new EmitOptions
                    {
                        Namespace = containing.Count == 0 ? model.Class.Namespace : "",
                        ClassName = model.Class.Name,
                        Accessibility = containing.Count == 0 ? model.Class.Accessibility : "public",
                        WeightResourceName = model.Plan.ResourceName,
                        Profile = profile,
                    });
                    if (containing.Count > 0)
                        source = NestedSource.Wrap(source, model.Class.Namespace, containing, model.Class.Accessibility);
                    return new GeneratedModel(model.HintName, source, null, model.Class.FullName, at);
                }
                // The generator's boundary: an exception escaping into Roslyn only warns (CS8785) and
                // drops the class. A plan that does not read is a damaged build output (rebuild);
                // anything else the emitter throws is reported as our bug, not as the user's.
                catch (PlanFormatException e)
                {
                    return Failed(model, DiagnosticInfo.Create(DiagnosticDescriptors.PlanUnreadable, at, model.Class.FullName, model.Plan.PlanPath, e.Message));
                }
                // The emitter's own model errors (a shape over the limits) mean a plan the task's
                // compile would have refused: damaged, not a model problem to fix.
                catch (Bitsmith.Compiler.ModelException e)
                {
                    return Failed(model, DiagnosticInfo.Create(DiagnosticDescriptors.PlanUnreadable, at, model.Class.FullName, model.Plan.PlanPath, e.Message));
                }
                catch (Exception e) when (!(e is OperationCanceledException))
                {
                    return Failed(model, DiagnosticInfo.Create(DiagnosticDescriptors.GeneratorFailure, at, model.Class.FullName, Parser.Describe(e)));
                }
            }

            private static GeneratedModel Failed(ModelSpec model, DiagnosticInfo error) =>
                new GeneratedModel(model.HintName, null, error, model.Class.FullName, model.Class.AttributeLocation);
        }
    }
}
