using Bitsmith.Compiler.Export;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Passes;
using Xunit;
using static Bitsmith.Compiler.Tests.Passes.PassTestKit;

namespace Bitsmith.Compiler.Tests.Passes
{
    public class ActivationFusionTests
    {
        /// <summary>x [2, 4] → producer → activation → y.</summary>
        private static OnnxModelBuilder Model(string producer, string activation, int opset = 14, params (string, object)[] activationAttributes)
        {
            var b = new OnnxModelBuilder("fuse", opset);
            b.Input("x", ElementType.Float32, 2, 4);
            string p = producer switch
            {
                "Gemm" => b.Node("Gemm", new[] { "x", RandomInitializer(b, "w", new[] { 4, 4 }, seed: 1, -4, 4) }),
                "MatMul" => b.Node("MatMul", new[] { "x", RandomInitializer(b, "w", new[] { 4, 4 }, seed: 1, -4, 4) }),
                _ => b.Node(producer, new[] { "x", RandomInitializer(b, "c", new[] { 4 }, seed: 1, -4, 4) }),
            };
            var inputs = activation == "Clip" && opset >= 11
                ? new[] { p, b.Initializer("lo", Tensor.Scalar(0)), b.Initializer("hi", Tensor.Scalar(6)) }
                : new[] { p };
            b.NodeWithOutputs(activation, inputs, new[] { "y" }, "act", "", activationAttributes);
            b.Output("y", ElementType.Float32, 2, 4);
            return b;
        }

        private static readonly (string, Tensor) Input = ("x", RandomFloats(new[] { 2, 4 }, seed: 9, -3, 3));

        [Theory]
        [InlineData("Gemm", "Relu", "Relu")]
        [InlineData("MatMul", "HardSwish", "HardSwish")]
        [InlineData("Add", "Clip", "Clip(0, 6)")]
        [InlineData("Gemm", "Clip", "Clip(0, 6)")]
        public void ActivationBecomesPartOfItsProducer(string producer, string activation, string fused)
        {
            var (before, after) = BeforeAndAfter(Model(producer, activation), new ActivationFusion());
            var node = Single(after, producer);
            Assert.DoesNotContain(activation, OpTypes(after));
            Assert.Equal(fused, node.Activation!.ToString());
            Assert.Equal("y", node.Outputs[0].Name);
            AssertSameFloats(before, after, Input);
        }

        [Fact]
        public void ConvFusesRelu()
        {
            var b = new OnnxModelBuilder("conv_relu", 14);
            b.Input("x", ElementType.Float32, 1, 2, 3, 3);
            string conv = b.Node("Conv", new[] { "x", RandomInitializer(b, "w", new[] { 3, 2, 2, 2 }, seed: 1) });
            b.NodeWithOutputs("Relu", new[] { conv }, new[] { "y" }, "relu", "");
            b.Output("y", ElementType.Float32, 1, 3, 2, 2);
            var (before, after) = BeforeAndAfter(b, new ActivationFusion());
            Assert.Equal(new[] { "Conv" }, OpTypes(after));
            Assert.Equal("Relu", after.Nodes[0].Activation!.ToString());
            AssertSameFloats(before, after, ("x", RandomFloats(new[] { 1, 2, 3, 3 }, seed: 2)));
        }

        [Fact]
        public void ClipWithAttributeBoundsFusesBeforeOpset11()
        {
            var (before, after) = BeforeAndAfter(Model("Add", "Clip", 10, ("min", -1f), ("max", 2f)), new ActivationFusion());
            Assert.Equal("Clip(-1, 2)", Single(after, "Add").Activation!.ToString());
            AssertSameFloats(before, after, Input);
        }

        [Fact]
        public void ProducerReadTwiceKeepsItsActivation()
        {
            var b = new OnnxModelBuilder("twice", 14);
            b.Input("x", ElementType.Float32, 2, 4);
            string p = b.Node("Add", new[] { "x", "x" });
            b.NodeWithOutputs("Relu", new[] { p }, new[] { "y" }, "relu", "");
            b.NodeWithOutputs("Sub", new[] { p, "x" }, new[] { "z" }, "sub", "");
            b.Output("y", ElementType.Float32, 2, 4);
            b.Output("z", ElementType.Float32, 2, 4);
            var g = Apply(ImportModel(b), new ActivationFusion());
            Assert.Equal(new[] { "Add", "Relu", "Sub" }, OpTypes(g));
        }

        [Fact]
        public void ProducerWhoseResultIsAGraphOutputKeepsItsActivation()
        {
            var b = new OnnxModelBuilder("output", 14);
            b.Input("x", ElementType.Float32, 2, 4);
            b.NodeWithOutputs("Add", new[] { "x", "x" }, new[] { "sum" }, "add", "");
            b.NodeWithOutputs("Relu", new[] { "sum" }, new[] { "y" }, "relu", "");
            b.Output("sum", ElementType.Float32, 2, 4);
            b.Output("y", ElementType.Float32, 2, 4);
            var g = Apply(ImportModel(b), new ActivationFusion());
            Assert.Equal(new[] { "Add", "Relu" }, OpTypes(g));
        }

        [Fact]
        public void ClipWithComputedOrCrossedBoundsStays()
        {
            var b = new OnnxModelBuilder("clip", 13);
            b.Input("x", ElementType.Float32, 2, 4);
            b.Input("hi", ElementType.Float32);
            string p = b.Node("Add", new[] { "x", "x" });
            b.NodeWithOutputs("Clip", new[] { p, "", "hi" }, new[] { "y" }, "clip", "");
            string q = b.Node("Add", new[] { "x", "x" });
            // min > max: Clip gives max everywhere, which the fused form would not.
            b.NodeWithOutputs("Clip", new[] { q, b.Initializer("five", Tensor.Scalar(5)), b.Initializer("one", Tensor.Scalar(1)) }, new[] { "z" }, "crossed", "");
            b.Output("y", ElementType.Float32, 2, 4);
            b.Output("z", ElementType.Float32, 2, 4);
            var (before, after) = BeforeAndAfter(b, new ActivationFusion());
            Assert.Equal(new[] { "Add", "Clip", "Add", "Clip" }, OpTypes(after));
            AssertSameFloats(before, after, Input, ("hi", Tensor.Scalar(1.5f)));
        }
    }
}
