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
            public static GeneratedModel Generate(ModelSpec model, CancellationToken token)
            {
                token.ThrowIfCancellationRequested();
                string hintName = model.Class.FullName + ".g.cs";
                try
                {
                    var plan = PlanReader.Parse(model.Plan.Text);
                    string source = CSharpEmitter.Emit(plan, new EmitOptions
                    {
                        Namespace = model.Class.Namespace,
                        ClassName = model.Class.Name,
                        Accessibility = model.Class.Accessibility,
                        WeightResourceName = model.Plan.ResourceName,
                    });
                    return new GeneratedModel(hintName, source, null);
                }
                // The generator's boundary: whatever a damaged plan makes the reader or emitter throw
                // becomes a diagnostic, because an exception escaping into Roslyn only warns and drops the class.
                catch (Exception e) when (!(e is OperationCanceledException))
                {
                    return new GeneratedModel(hintName, null, DiagnosticInfo.Create(DiagnosticDescriptors.PlanUnreadable,
                        model.Class.AttributeLocation, model.Class.FullName, model.Plan.PlanPath, e.Message));
                }
            }
        }
    }
}
