using System.Collections.Generic;
using System.Linq;
using Bitsmith.Compiler.Lowering;

namespace Bitsmith.Generator
{
    /// <summary>
    /// What a plan that reads must also be before the emitter walks it: at least one output,
    /// every step reading only values that exist by then (a graph input, a weight, or an earlier
    /// step's output), no value written by two steps, every output written or a weight. The plan fuzzer found these gaps:
    /// without the check the emitter fails with an index error, reported as Bitsmith's bug
    /// instead of as a damaged plan. Problems are <see cref="PlanFormatException"/>s.
    /// </summary>
    internal static class PlanConsistency
    {
        public static void Check(Plan plan)
        {
            if (plan.Outputs.Count == 0)
                throw new PlanFormatException("the plan has no output");
            // Graph inputs and weights exist from the start (a constant graph output is a weight).
            var ready = new HashSet<string>(plan.Values.Where(v => v.Storage == ValueStorage.Input || v.Storage == ValueStorage.Weight).Select(v => v.Name));
            var written = new HashSet<string>();
            foreach (var step in plan.Steps)
            {
                foreach (var input in step.Inputs)
                    if (input != null && !ready.Contains(input))
                        throw new PlanFormatException($"step '{step.Node}' reads '{input}' before any step writes it");
                foreach (var output in step.Outputs)
                {
                    if (!written.Add(output))
                        throw new PlanFormatException($"step '{step.Node}' writes '{output}', which an earlier step writes");
                    ready.Add(output);
                }
            }
            foreach (var output in plan.Outputs)
                if (!ready.Contains(output))
                    throw new PlanFormatException($"output '{output}' is written by no step");
        }
    }
}
