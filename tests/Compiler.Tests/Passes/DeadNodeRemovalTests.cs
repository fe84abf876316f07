using Bitsmith.Compiler.Export;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Passes;
using Xunit;
using static Bitsmith.Compiler.Tests.Passes.PassTestKit;

namespace Bitsmith.Compiler.Tests.Passes
{
    public class DeadNodeRemovalTests
    {
        [Fact]
        public void RemovesADeadChainInOneSweepAndKeepsWhatOutputsNeed()
        {
            var b = new OnnxModelBuilder("dead");
            b.Input("x", ElementType.Float32, 2, 3);
            RandomInitializer(b, "c", new[] { 2, 3 }, seed: 1);
            string live = b.Node("Add", new[] { "x", "c" });
            string dead1 = b.Node("Mul", new[] { "x", "c" });
            string dead2 = b.Node("Relu", new[] { dead1 });
            b.Node("Sub", new[] { dead2, live });
            b.NodeWithOutputs("Relu", new[] { live }, new[] { "y" }, "out", "");
            b.Output("y", ElementType.Float32, 2, 3);

            var pass = new DeadNodeRemoval();
            var g = ImportModel(b);
            Assert.True(pass.Run(g));
            Assert.Equal(new[] { "Add", "Relu" }, OpTypes(g));
            Assert.False(pass.Run(g));

            var x = RandomFloats(new[] { 2, 3 }, seed: 2);
            AssertSameFloats(ImportModel(b), g, ("x", x));
        }

        [Fact]
        public void KeepsANodeWithOneReadOutputAndAGraphOutputNobodyReads()
        {
            var b = new OnnxModelBuilder("multi");
            b.Input("x", ElementType.Float32, 1, 1, 4, 4);
            var outs = b.NodeWithOutputs("MaxPool", new[] { "x" }, new[] { "pooled", "indices" }, "pool", "", ("kernel_shape", new[] { 2, 2 }));
            b.NodeWithOutputs("Relu", new[] { "x" }, new[] { "r" }, "relu", "");
            b.Output(outs[0], ElementType.Float32, 1, 1, 3, 3);
            b.Output("r", ElementType.Float32, 1, 1, 4, 4);

            var g = Apply(ImportModel(b), new DeadNodeRemoval());
            Assert.Equal(new[] { "MaxPool", "Relu" }, OpTypes(g));
        }
    }
}
