using System.Collections.Generic;
using System.Linq;
using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Ops
{
    /// <summary>
    /// Checks a graph's invariants; the pipeline runs it after every pass so a broken
    /// pass is caught at the pass, not three passes later. A violation is a
    /// <see cref="ModelException"/> whose problem starts with "verifier:".
    /// </summary>
    public static class Verifier
    {
        /// <summary>Ops that read quantised tensors directly (after the QDQ pass).</summary>
        public static readonly HashSet<string> QuantizedConsumers = new HashSet<string>
        {
            "Conv", "Gemm", "MatMul", "Add", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool",
            "DequantizeLinear", "Reshape", "Flatten", "Squeeze", "Unsqueeze", "Transpose", "Concat", "Identity",
        };

        public static void Verify(Graph graph, VerifierStage stage)
        {
            var defined = new HashSet<Value>(graph.Inputs);
            var names = new HashSet<string>();
            foreach (var v in graph.Inputs)
                CheckName(v, names, null);
            foreach (var c in graph.Constants())
            {
                CheckName(c, names, null);
                defined.Add(c);
                CheckValue(c, null);
                // A kernel may rely on a weight's recorded bitwidth: once, at the end, every value
                // (centred on its zero point) is checked to fit it, whatever pass or exporter set it.
                if (stage == VerifierStage.Optimized && c.Quant != null && c.Constant != null && Passes.QuantBits.OfConstant(c.Constant, c.Quant) > c.Quant.Bits)
                    throw new ModelException($"verifier: constant '{c.Name}' claims {c.Quant.Bits} bits but holds values that need {Passes.QuantBits.OfConstant(c.Constant, c.Quant)}");
            }

            foreach (var node in graph.Nodes)
            {
                foreach (var input in node.Inputs)
                    if (input != null && !defined.Contains(input))
                        throw Fail(node, $"input '{input.Name}' is used before it is defined");
                foreach (var output in node.Outputs)
                {
                    if (!defined.Add(output))
                        throw Fail(node, $"output '{output.Name}' is defined twice");
                    CheckName(output, names, node);
                    CheckValue(output, node);
                }
                CheckTypes(node);
                if (stage == VerifierStage.Optimized)
                    foreach (var input in node.Inputs)
                        if (input?.Quant != null && input.Type != ElementType.Int32 && !QuantizedConsumers.Contains(node.OpType) && !IsQuantizeParam(node, input))
                            throw Fail(node, $"reads quantised value '{input.Name}' but {node.OpType} has no quantised form");
            }
            foreach (var o in graph.Outputs)
                if (!defined.Contains(o) && !o.IsConstant)
                    throw new ModelException($"verifier: graph output '{o.Name}' is never defined");
        }

        private static bool IsQuantizeParam(Node node, Value v) => node.OpType == "QuantizeLinear" && node.Inputs.IndexOf(v) > 0;

        private static void CheckName(Value v, HashSet<string> names, Node? node)
        {
            if (!names.Add(v.Name))
                throw node != null ? Fail(node, $"value name '{v.Name}' is used twice") : new ModelException($"verifier: value name '{v.Name}' is used twice");
        }

        private static void CheckValue(Value v, Node? node)
        {
            string where = $"value '{v.Name}'";
            if (v.Constant != null && (v.Constant.Type != v.Type && !(v.Type == ElementType.Float16 && v.Constant.Type == ElementType.Float32) || !Shape.SameAs(v.Constant.Shape, v.Shape)))
                throw Problem(node, $"{where} is {v.TypeString()} but its constant is {v.Constant}");
            var q = v.Quant;
            if (q == null)
                return;
            if (!v.Type.IsQuantized() && v.Type != ElementType.Int32)
                throw Problem(node, $"{where} has quantisation parameters but element type {v.Type.ShortName()}");
            if (q.Scale.Length == 0 || q.Scale.Length != q.ZeroPoint.Length)
                throw Problem(node, $"{where} has {q.Scale.Length} scales and {q.ZeroPoint.Length} zero points");
            // Constant weights may carry negative per-channel scales (a BatchNorm with γ < 0 folded in).
            if (q.Scale.Any(s => !(s > 0 || v.Constant != null && s < 0) || float.IsInfinity(s)))
                throw Problem(node, $"{where} has a scale that is {(v.Constant != null ? "zero or not finite" : "not positive and finite")}");
            if (q.ZeroPoint.Any(z => z < v.Type.MinValue() || z > v.Type.MaxValue()))
                throw Problem(node, $"{where} has a zero point outside {v.Type.ShortName()}");
            if (q.Bits < 1 || q.Bits > v.Type.Bits())
                throw Problem(node, $"{where} claims {q.Bits} bits in {v.Type.ShortName()}");
            if (!q.IsPerTensor && (q.Axis < 0 || q.Axis >= v.Rank))
                throw Problem(node, $"{where} has quantisation axis {q.Axis} for rank {v.Rank}");
        }

        /// <summary>Re-runs the op's type rule and checks it agrees with what the graph records.</summary>
        private static void CheckTypes(Node node)
        {
            var saved = node.Outputs.Select(o => (o.Type, o.Shape)).ToArray();
            try
            {
                OperatorRegistry.For(node).Infer(node);
            }
            catch (ModelException e) when (e.OpType == null)
            {
                throw node.Error(e);
            }
            for (int i = 0; i < saved.Length; i++)
            {
                var o = node.Outputs[i];
                if (o.Type != saved[i].Type || !Shape.SameAs(o.Shape, saved[i].Shape))
                {
                    string recorded = saved[i].Type.ShortName() + Shape.Format(saved[i].Shape);
                    string computed = o.Type.ShortName() + Shape.Format(o.Shape);
                    o.Type = saved[i].Type;
                    o.Shape = saved[i].Shape;
                    throw Fail(node, $"output '{o.Name}' is recorded as {recorded} but the op computes {computed}");
                }
            }
        }

        private static ModelException Problem(Node? node, string problem) =>
            node != null ? Fail(node, problem) : new ModelException("verifier: " + problem);

        private static ModelException Fail(Node node, string problem) =>
            new ModelException("verifier: " + problem, null, node.Name, node.OpType);
    }
}
