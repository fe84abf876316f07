using System.Linq;
using Bitsmith.Compiler.Export;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Passes;
using Xunit;
using static Bitsmith.Compiler.Tests.Passes.PassTestKit;

namespace Bitsmith.Compiler.Tests.Passes
{
    /// <summary>The pipeline runs its entries as written, verifies after each pass and names the pass that broke the graph.</summary>
    public class PipelineTests
    {
        private static OnnxModelBuilder AddRelu()
        {
            var b = new OnnxModelBuilder("add_relu");
            b.Input("x", ElementType.Float32, 2, 3);
            RandomInitializer(b, "c", new[] { 2, 3 }, seed: 1);
            string y = b.Node("Add", new[] { "x", "c" });
            b.NodeWithOutputs("Relu", new[] { y }, new[] { "y" }, "relu", "");
            b.Output("y", ElementType.Float32, 2, 3);
            return b;
        }

        private sealed class LambdaPass : IPass
        {
            private readonly System.Func<Graph, bool> _run;

            public LambdaPass(string name, System.Func<Graph, bool> run)
            {
                Name = name;
                _run = run;
            }

            public string Name { get; }

            public bool Run(Graph graph) => _run(graph);
        }

        /// <summary>Removes the first node but leaves its readers: the graph reads an undefined value.</summary>
        private static IPass DropFirstNode(System.Action<Node>? keep = null) => new LambdaPass("DropFirstNode", g =>
        {
            keep?.Invoke(g.Nodes[0]);
            g.Nodes.RemoveAt(0);
            return true;
        });

        /// <summary>Reports a change a fixed number of times, then none.</summary>
        private sealed class CountingPass : IPass
        {
            private readonly int _changes;

            public CountingPass(int changes) => _changes = changes;

            public int Runs { get; private set; }

            public string Name => "Counting";

            public bool Run(Graph graph) => ++Runs <= _changes;
        }

        [Fact]
        public void VerifierNamesThePassThatBrokeTheGraph()
        {
            var g = ImportModel(AddRelu());
            var e = Assert.Throws<ModelException>(() => Pipeline.Run(g, new[] { new PipelineEntry(DropFirstNode(), Convergence.OnePass) }));
            Assert.Contains("after pass DropFirstNode", e.Message);
            Assert.Contains("verifier:", e.Message);
            Assert.Contains("used before it is defined", e.Message);
            Assert.Contains("test.onnx", e.Message);
        }

        [Fact]
        public void VerifierRunsAfterEachPassNotOnlyAtTheEnd()
        {
            // The second pass repairs the graph, so only a check between the two sees the damage.
            var g = ImportModel(AddRelu());
            Node? dropped = null;
            var restore = new LambdaPass("Restore", graph =>
            {
                graph.Nodes.Insert(0, dropped!);
                return true;
            });
            var e = Assert.Throws<ModelException>(() => Pipeline.Run(g, new[]
            {
                new PipelineEntry(DropFirstNode(n => dropped = n), Convergence.OnePass),
                new PipelineEntry(restore, Convergence.OnePass),
            }));
            Assert.Contains("after pass DropFirstNode", e.Message);
        }

        [Fact]
        public void UntilFixedPointRunsUntilNoChange()
        {
            var pass = new CountingPass(changes: 3);
            Pipeline.Run(ImportModel(AddRelu()), new[] { new PipelineEntry(pass, Convergence.UntilFixedPoint) });
            Assert.Equal(4, pass.Runs);
        }

        [Fact]
        public void OnePassRunsOnceEvenIfItChanged()
        {
            var pass = new CountingPass(changes: 3);
            Pipeline.Run(ImportModel(AddRelu()), new[] { new PipelineEntry(pass, Convergence.OnePass) });
            Assert.Equal(1, pass.Runs);
        }

        [Fact]
        public void APassThatNeverSettlesIsStopped()
        {
            var pass = new CountingPass(changes: int.MaxValue);
            var e = Assert.Throws<System.InvalidOperationException>(() => Pipeline.Run(ImportModel(AddRelu()), new[] { new PipelineEntry(pass, Convergence.UntilFixedPoint) }));
            Assert.Contains("Counting", e.Message);
            Assert.Equal(Pipeline.MaxRuns, pass.Runs);
        }

        [Fact]
        public void ACustomListRunsOnlyItsPasses()
        {
            var g = ImportModel(AddRelu());
            Pipeline.Run(g, new[] { new PipelineEntry(new DeadNodeRemoval(), Convergence.OnePass) });
            Assert.Equal(new[] { "Add", "Relu" }, OpTypes(g));
            Pipeline.Run(g);
            Assert.Equal(new[] { "Add" }, OpTypes(g));
            Assert.Equal("Relu", g.Nodes[0].Activation!.ToString());
        }

        [Fact]
        public void DefaultPipelineRecognisesCodebooksBeforeFoldingConstantsAndFusesBeforeQdq()
        {
            var names = Pipeline.Default.Select(e => e.Pass.Name).ToList();
            Assert.True(names.IndexOf("CodebookRecognition") < names.IndexOf("ConstantFolding"));
            Assert.True(names.IndexOf("ConstantFolding") < names.IndexOf("BatchNormFolding"));
            Assert.True(names.IndexOf("BatchNormFolding") < names.IndexOf("ActivationFusion"));
            Assert.True(names.IndexOf("NarrowRangeClip") < names.IndexOf("ActivationFusion"));
            Assert.True(names.IndexOf("ActivationFusion") < names.IndexOf("QdqRecognition"));
            Assert.Equal(Convergence.UntilFixedPoint, Pipeline.Default.Single(e => e.Pass.Name == "QdqRecognition").Convergence);
            Assert.Equal("DeadNodeRemoval", names[names.Count - 1]);
        }
    }
}
