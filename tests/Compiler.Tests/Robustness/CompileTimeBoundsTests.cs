using System;
using Bitsmith.Compiler.Export;
using Bitsmith.Compiler.Import;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Passes;
using Xunit;

namespace Bitsmith.Compiler.Tests.Robustness
{
    /// <summary>
    /// A small file must not make the compiler allocate gigabytes: ops that amplify (Pad, a
    /// broadcast) can describe a tensor of 2^28 elements in a hundred bytes. Such a model is
    /// valid and runs at run time, but import and the passes must not compute it.
    /// </summary>
    public class CompileTimeBoundsTests
    {
        private const long MaxCompileBytes = 64L << 20;

        [Theory]
        [InlineData(ElementType.Float32)]
        [InlineData(ElementType.Int64)]
        public void PaddingAConstantToAHugeTensorIsNotComputedAtCompileTime(ElementType type)
        {
            var b = new OnnxModelBuilder("amplifier", opset: 13);
            b.Input("x", type, 1, 1);
            b.Initializer("c", Tensor.Zeros(type, new[] { 1, 1 }));
            b.Initializer("pads", Tensor.FromInt64s(new[] { 4 }, new long[] { 0, 0, 16383, 16383 }));
            string padded = b.Node("Pad", new[] { "c", "pads" });
            b.NodeWithOutputs("Add", new[] { "x", padded }, new[] { "y" }, "add", "");
            b.Output("y", type, 16384, 16384);
            AssertCompilesWithin(b.ToBytes());
        }

        [Fact]
        public void BroadcastingTwoConstantsToAHugeTensorIsNotComputedAtCompileTime()
        {
            var b = new OnnxModelBuilder("amplifier", opset: 13);
            b.Input("x", ElementType.Float32, 1, 1);
            b.Initializer("column", new[] { 16384, 1 }, new float[16384]);
            b.Initializer("row", new[] { 1, 16384 }, new float[16384]);
            string sum = b.Node("Add", new[] { "column", "row" });
            b.NodeWithOutputs("Mul", new[] { "x", sum }, new[] { "y" }, "mul", "");
            b.Output("y", ElementType.Float32, 16384, 16384);
            AssertCompilesWithin(b.ToBytes());
        }

        private static void AssertCompilesWithin(byte[] model)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            var graph = OnnxImporter.Load(model, "amplifier.onnx");
            Pipeline.Run(graph);
            long used = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(used < MaxCompileBytes, $"compiling a {model.Length}-byte model allocated {used >> 20} MiB");
        }
    }
}
