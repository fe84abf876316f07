using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Lowering.Implementations
{
    /// <summary>
    /// Chooses each layer's implementation: every registered kernel that applies, cheapest
    /// estimate first, then the loop forms <see cref="StrategySelector"/> offers. The reason
    /// records the estimate and the alternatives (and why the kernels that do not apply do not).
    /// A project may override a layer by node name with any implementation that applies to it.
    /// </summary>
    public static class ImplementationSelector
    {
        public static IReadOnlyList<ImplementationChoice> Select(Graph graph, IDictionary<string, string> overrides)
        {
            foreach (var name in overrides.Keys)
                if (!graph.Nodes.Any(n => n.Name == name))
                    throw new ModelException($"a strategy override names node '{name}', which the compiled model does not have (nodes: {string.Join(", ", graph.Nodes.Take(20).Select(n => n.Name))}{(graph.Nodes.Count > 20 ? ", ..." : "")})");
            var facts = new LayerFacts(graph);
            var loopForms = StrategySelector.Candidates(graph);
            return graph.Nodes.Select((node, i) =>
            {
                var candidates = Candidates(node, facts, loopForms[i]);
                if (!overrides.TryGetValue(node.Name, out string? requested))
                    return candidates[0];
                var chosen = candidates.FirstOrDefault(c => string.Equals(c.Implementation.Name, requested, StringComparison.OrdinalIgnoreCase))
                    ?? throw node.Error($"strategy override '{requested}' is not available for this layer; it can use {string.Join(", ", candidates.Select(c => c.Implementation.Name))}{NotApplicable(node, facts)}");
                return chosen == candidates[0] ? chosen : chosen with { Reason = $"override: {chosen.Reason} (default {candidates[0].Implementation.Name})" };
            }).ToList();
        }

        private static List<ImplementationChoice> Candidates(Node node, LayerFacts facts, IReadOnlyList<StrategyChoice> loopForms)
        {
            var kernels = ImplementationRegistry.Kernels
                .Where(k => k.WhyNot(node, facts) == null)
                .Select(k => (Implementation: k, Estimate: k.EstimatedNanoseconds(node)))
                .OrderBy(k => k.Estimate)
                .ToList();
            var result = new List<ImplementationChoice>();
            foreach (var (k, estimate) in kernels)
            {
                string others = string.Join(", ", kernels.Where(o => o.Implementation != k).Select(o => $"{o.Implementation.Name} {Micro(o.Estimate)}"));
                result.Add(new ImplementationChoice(k, $"{k.Describe(node)}; estimated {Micro(estimate)}{(others.Length > 0 ? "; also " + others : "")}", estimate));
            }
            string notApplicable = kernels.Count == 0 ? NotApplicable(node, facts) : "";
            foreach (var form in loopForms)
            {
                var loopNest = ImplementationRegistry.LoopNest(form.Strategy);
                result.Add(new ImplementationChoice(loopNest, form.Reason + notApplicable, loopNest.EstimatedNanoseconds(node)));
            }
            return result;
        }

        /// <summary>"; kernels not applicable: name (why), ..." for the kernels written for this op, or "".</summary>
        private static string NotApplicable(Node node, LayerFacts facts)
        {
            var why = ImplementationRegistry.Kernels
                .Select(k => (k.Name, Why: k.WhyNot(node, facts)))
                .Where(k => k.Why != null && !k.Why.StartsWith("not a", StringComparison.Ordinal))
                .Select(k => $"{k.Name} ({k.Why})")
                .ToList();
            return why.Count == 0 ? "" : "; kernels not applicable: " + string.Join(", ", why);
        }

        private static string Micro(double ns) => (ns / 1000).ToString("0.##", CultureInfo.InvariantCulture) + " µs";
    }
}
