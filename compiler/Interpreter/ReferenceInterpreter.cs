using System.Collections.Generic;
using System.Linq;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Ops;

namespace Bitsmith.Compiler.Interpreter
{
    /// <summary>
    /// Executes a graph node by node with each operator's reference semantics: the
    /// oracle that kernels and generated code are tested against. Simple and exact,
    /// not fast.
    /// </summary>
    public static class ReferenceInterpreter
    {
        /// <summary>Runs <paramref name="graph"/> on inputs given by name; returns every graph output by name.</summary>
        public static Dictionary<string, Tensor> Run(Graph graph, IReadOnlyDictionary<string, Tensor> inputs)
        {
            try
            {
                return RunCore(graph, inputs);
            }
            catch (ModelException e) when (graph.SourcePath != null)
            {
                throw e.InFile(graph.SourcePath);
            }
        }

        private static Dictionary<string, Tensor> RunCore(Graph graph, IReadOnlyDictionary<string, Tensor> inputs)
        {
            var env = new Dictionary<Value, Tensor>();
            foreach (var v in graph.Inputs)
            {
                if (!inputs.TryGetValue(v.Name, out var t))
                    throw new ModelException($"input '{v.Name}' was not given");
                if (t.Type != v.Type || !Shape.SameAs(t.Shape, v.Shape))
                    throw new ModelException($"input '{v.Name}' must be {v.Type.ShortName()}{Shape.Format(v.Shape)}, was given {t.Type.ShortName()}{Shape.Format(t.Shape)}");
                env[v] = t;
            }
            foreach (var name in inputs.Keys)
                if (!graph.Inputs.Any(v => v.Name == name))
                    throw new ModelException($"'{name}' is not an input of the model (inputs: {string.Join(", ", graph.Inputs.Select(v => v.Name))})");

            foreach (var node in graph.Nodes)
            {
                var args = node.Inputs.Select(v => v == null ? null : Read(v, env)).ToArray();
                Tensor[] results;
                try
                {
                    results = OperatorRegistry.For(node).Evaluate(node, args);
                }
                catch (ModelException e) when (e.OpType == null)
                {
                    throw node.Error(e);
                }
                for (int i = 0; i < node.Outputs.Count; i++)
                    env[node.Outputs[i]] = results[i];
            }
            return graph.Outputs.ToDictionary(o => o.Name, o => Read(o, env));
        }

        private static Tensor Read(Value v, Dictionary<Value, Tensor> env)
        {
            if (env.TryGetValue(v, out var t))
                return t;
            if (v.Constant != null)
                return v.Constant;
            if (v.Codebook != null)
                return env[v] = v.Codebook.Materialize(v.Shape);
            throw new ModelException($"value '{v.Name}' is read before it is computed");
        }
    }
}
