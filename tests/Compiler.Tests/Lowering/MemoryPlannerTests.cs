using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Lowering;
using Xunit;

namespace Bitsmith.Compiler.Tests.Lowering
{
    /// <summary>The static memory plan: no two live tensors share a byte, and how close it gets to the lower bound.</summary>
    public class MemoryPlannerTests
    {
        private readonly ITestOutputHelper _output;

        public MemoryPlannerTests(ITestOutputHelper output) => _output = output;

        [Fact]
        public void BuffersLiveAtTheSameStepNeverOverlap()
        {
            var random = new Random(1);
            for (int trial = 0; trial < 300; trial++)
            {
                int steps = 1 + random.Next(30);
                var buffers = Enumerable.Range(0, random.Next(40)).Select(_ =>
                {
                    int first = random.Next(steps);
                    return new BufferRequest(random.Next(4) == 0 ? 0 : 1 + random.Next(5000), first, first + random.Next(steps - first));
                }).ToList();
                var plan = MemoryPlanner.Plan(buffers);
                for (int a = 0; a < buffers.Count; a++)
                {
                    Assert.Equal(0, plan.Offsets[a] % MemoryPlanner.Alignment);
                    Assert.True(plan.Offsets[a] + buffers[a].Bytes <= plan.ArenaBytes);
                    for (int b = a + 1; b < buffers.Count; b++)
                        if (buffers[a].OverlapsInTime(buffers[b]) && buffers[a].Bytes > 0 && buffers[b].Bytes > 0)
                            Assert.True(plan.Offsets[a] + buffers[a].Bytes <= plan.Offsets[b] || plan.Offsets[b] + buffers[b].Bytes <= plan.Offsets[a],
                                $"trial {trial}: buffers {a} and {b} are live together and overlap");
                }
                Assert.True(plan.ArenaBytes >= plan.LowerBound);
                Assert.True(plan.ArenaBytes <= buffers.Sum(b => MemoryPlanner.Align(b.Bytes)));
            }
        }

        [Fact]
        public void TheLowerBoundIsTheLargestTotalLiveAtOneStep()
        {
            var buffers = new[] { new BufferRequest(100, 0, 1), new BufferRequest(50, 1, 2), new BufferRequest(70, 2, 2), new BufferRequest(500, 4, 4) };
            Assert.Equal(500, MemoryPlanner.LowerBound(buffers));
            Assert.Equal(150, MemoryPlanner.LowerBound(buffers.Take(3).ToList()));
        }

        [Fact]
        public void FreedRangesAreReused()
        {
            // a then b then c, each live for one step only: all three fit at offset 0.
            var plan = MemoryPlanner.Plan(new[] { new BufferRequest(1000, 0, 0), new BufferRequest(900, 1, 1), new BufferRequest(800, 2, 2) });
            Assert.All(plan.Offsets, o => Assert.Equal(0, o));
            Assert.Equal(1024, plan.ArenaBytes);
        }

        [Fact]
        public void CompiledRandomGraphsKeepLiveValuesApart()
        {
            for (int seed = 0; seed < 200; seed++)
            {
                var graph = RandomGraphs.Create(seed, 4 + seed % 20);
                var plan = ModelCompiler.Compile(graph, new CompileOptions()).Plan;
                string? problem = LiveOverlap(plan);
                Assert.True(problem == null, $"seed {seed}: {problem}\n{PlanWriter.Write(plan)}");
                Assert.True(plan.ArenaBytes >= plan.ArenaLowerBound, $"seed {seed}");
            }
        }

        [Fact]
        public void ResNet18ArenaIsWithinFivePercentOfTheLowerBound()
        {
            var graph = Optimized(TestFiles.ResNet18);
            var plan = ModelCompiler.Compile(graph, new CompileOptions()).Plan;
            Assert.Null(LiveOverlap(plan));
            double ratio = (double)plan.ArenaBytes / plan.ArenaLowerBound;
            _output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ResNet-18: arena {plan.ArenaBytes} bytes, lower bound {plan.ArenaLowerBound}, ratio {ratio:F3}"));
            Assert.InRange(ratio, 1.0, 1.05);
        }

        [Fact]
        public void ChainArenaIsTheLargestNeighbourPair()
        {
            // x -> relu -> relu ... with sizes that grow and shrink through Concat and Reshape-free steps:
            // at each step only a node's input and output are live.
            var g = new Graph("chain", null);
            var x = new Value("x", ElementType.Float32, new[] { 100 });
            g.Inputs.Add(x);
            var current = x;
            for (int i = 0; i < 12; i++)
            {
                var node = new Node("n" + i, i % 3 == 2 ? "Concat" : "Relu", "", 21);
                node.Inputs.Add(current);
                if (node.OpType == "Concat")
                {
                    node.Inputs.Add(current);
                    node.Attributes["axis"] = Ir.Attribute.Int(0);
                }
                current = new Value("v" + i, ElementType.Float32, Array.Empty<int>());
                node.Outputs.Add(current);
                g.Nodes.Add(node);
            }
            g.Outputs.Add(current);
            Compiler.Ops.TypeInference.Run(g);
            var plan = ModelCompiler.Compile(g, new CompileOptions()).Plan;
            double ratio = (double)plan.ArenaBytes / plan.ArenaLowerBound;
            _output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"chain: arena {plan.ArenaBytes} bytes, lower bound {plan.ArenaLowerBound}, ratio {ratio:F3}"));
            Assert.Null(LiveOverlap(plan));
            Assert.InRange(ratio, 1.0, 1.1);
        }

        /// <summary>
        /// Checks a plan on its own terms: at every step, the arena values written by then and read
        /// at or after it, and the step's workspace, occupy disjoint bytes, except values that are
        /// views of each other. Returns what overlaps, or null.
        /// </summary>
        public static string? LiveOverlap(Plan plan)
        {
            var values = plan.ValuesByName();
            var group = plan.Values.ToDictionary(v => v.Name, v => v.Name);
            string Root(string v) => group[v] == v ? v : Root(group[v]);
            foreach (var s in plan.Steps.Where(s => s.Strategy == Strategy.View))
                group[Root(s.Outputs[0])] = Root(s.Inputs[0]!);

            var written = new Dictionary<string, int>();
            var lastRead = new Dictionary<string, int>();
            for (int i = 0; i < plan.Steps.Count; i++)
            {
                foreach (var o in plan.Steps[i].Outputs)
                    written[o] = i;
                foreach (var input in plan.Steps[i].Inputs.Where(n => n != null))
                    lastRead[input!] = i;
            }
            for (int i = 0; i < plan.Steps.Count; i++)
            {
                var live = plan.Values
                    .Where(v => v.Storage == ValueStorage.Arena && v.Bytes > 0 && written.TryGetValue(v.Name, out int w) && w <= i && Math.Max(w, lastRead.GetValueOrDefault(v.Name, w)) >= i)
                    .Select(v => (Name: v.Name, Group: Root(v.Name), Start: v.Offset, End: v.Offset + v.Bytes))
                    .ToList();
                var step = plan.Steps[i];
                if (step.WorkspaceBytes > 0)
                    live.Add(("workspace of " + step.Node, "workspace", step.WorkspaceOffset, step.WorkspaceOffset + step.WorkspaceBytes));
                for (int a = 0; a < live.Count; a++)
                    for (int b = a + 1; b < live.Count; b++)
                        if (live[a].Group != live[b].Group && live[a].Start < live[b].End && live[b].Start < live[a].End)
                            return $"at step {i} ('{step.Node}'), '{live[a].Name}' [{live[a].Start}, {live[a].End}) and '{live[b].Name}' [{live[b].Start}, {live[b].End}) overlap";
            }
            return null;
        }

        private static Graph Optimized(string path)
        {
            var graph = Compiler.Import.OnnxImporter.Load(path);
            Compiler.Passes.Pipeline.Run(graph);
            return graph;
        }
    }
}
