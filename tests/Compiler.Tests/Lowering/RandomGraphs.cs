using System;
using System.Collections.Generic;
using System.Linq;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Ops;

namespace Bitsmith.Compiler.Tests.Lowering
{
    /// <summary>
    /// Random DAGs of f32 vectors for the memory planner's property tests: Relu and Add keep a
    /// size, Concat grows it, Reshape views its input; each node reads earlier values picked at
    /// random, so lifetimes cross in every way.
    /// </summary>
    internal static class RandomGraphs
    {
        public static Graph Create(int seed, int nodes)
        {
            var random = new Random(seed);
            var g = new Graph("random" + seed, null);
            var x = new Value("x", ElementType.Float32, new[] { 1 + random.Next(64) });
            g.Inputs.Add(x);
            var values = new List<Value> { x };
            for (int i = 0; i < nodes; i++)
            {
                var a = values[random.Next(values.Count)];
                var y = new Value("v" + i, ElementType.Float32, Array.Empty<int>());
                Node node;
                switch (random.Next(4))
                {
                    case 0:
                        node = Node("Relu", i, a);
                        break;
                    case 1:
                        var same = values.Where(v => v.Shape[0] == a.Shape[0]).ToList();
                        node = Node("Add", i, a, same[random.Next(same.Count)]);
                        break;
                    case 2 when a.Shape[0] < 4096:
                        node = Node("Concat", i, a, values[random.Next(values.Count)]);
                        node.Attributes["axis"] = Ir.Attribute.Int(0);
                        break;
                    default:
                        node = Node("Reshape", i, a, Value.FromConstant("shape" + i, Tensor.FromInt64s(new[] { 1 }, new long[] { a.Shape[0] })));
                        break;
                }
                node.Outputs.Add(y);
                g.Nodes.Add(node);
                TypeInference.Run(g);
                values.Add(y);
            }
            g.Outputs.Add(values[values.Count - 1]);
            if (random.Next(2) == 0 && values.Count > 2)
                g.Outputs.Add(values[1 + random.Next(values.Count - 2)]);
            return g;
        }

        private static Node Node(string op, int index, params Value[] inputs)
        {
            var node = new Node(op.ToLowerInvariant() + index, op, "", 21);
            node.Inputs.AddRange(inputs);
            return node;
        }
    }
}
