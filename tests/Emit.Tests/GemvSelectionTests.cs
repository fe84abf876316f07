using System;
using System.Collections.Generic;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Lowering.Implementations;
using Bitsmith.Compiler.Ops;
using Xunit;
using static Bitsmith.Emit.Tests.HandBuiltModels;

namespace Bitsmith.Emit.Tests
{
    /// <summary>
    /// The cost model's choice among the GEMV forms: the bit-serial kernel only at the widths where
    /// it beats the int8 one (an override reaches it at any width); the 4-bit packed form where its
    /// weights fit and B streams from memory.
    /// </summary>
    public class GemvSelectionTests
    {
        [Theory]
        [InlineData(1, 1, true)]
        [InlineData(2, 2, true)]
        [InlineData(4, 4, false)]
        [InlineData(8, 8, false)]
        public void TheSelectorTakesTheBitSerialGemvOnlyForNarrowWidths(int weightBits, int activationBits, bool bitSerial)
        {
            var g = Gemv(4096, 256, weightBits, activationBits);
            var choice = ImplementationSelector.Select(g, new Dictionary<string, string>())[0];
            if (bitSerial)
                Assert.Equal(KernelPropertyModels.BitSerialImplementation, choice.Implementation.Name);
            else
                Assert.StartsWith("qgemv_u8s", choice.Implementation.Name);   // an int8 or, for 4-bit weights, the 4-bit packed GEMV
            Assert.Contains($"W{weightBits}A{activationBits}", ImplementationRegistry.Find(KernelPropertyModels.BitSerialImplementation)!.Describe(g.Nodes[0]));
        }

        [Fact]
        public void AnOverrideTakesTheBitSerialGemvAtEightBits()
        {
            var g = Gemv(100, 8, 8, 8);
            var choice = ImplementationSelector.Select(g, new Dictionary<string, string> { ["gemm"] = KernelPropertyModels.BitSerialImplementation })[0];
            Assert.Equal(KernelPropertyModels.BitSerialImplementation, choice.Implementation.Name);
            Assert.Contains("not proven narrower", choice.Reason);
        }

        [Theory]
        [InlineData(2048, 1024, 4, true)]    // 2 MB of int8 weights streams from memory: half the bytes wins
        [InlineData(2048, 1024, 2, true)]
        [InlineData(256, 64, 4, false)]      // cache-resident: the int8 form computes faster
        [InlineData(2048, 1024, 5, false)]   // 32 values a row do not fit a nibble
        public void TheSelectorTakesTheNibbleGemvWhereWeightsFitAndStream(int k, int n, int weightBits, bool nibbles)
        {
            var g = Gemv(k, n, weightBits, 8);
            var choice = ImplementationSelector.Select(g, new Dictionary<string, string>())[0];
            if (nibbles)
                Assert.Equal(KernelPropertyModels.NibbleImplementation, choice.Implementation.Name);
            else
                Assert.StartsWith("qgemv_u8s8_16c4", choice.Implementation.Name);
            string? whyNot = ImplementationRegistry.Find(KernelPropertyModels.NibbleImplementation)!.WhyNot(g.Nodes[0], new LayerFacts(g));
            Assert.Equal(weightBits > 4, whyNot != null);
        }

        /// <summary>A MatMul of a u8 row of K codes, proven <paramref name="activationBits"/> wide, and s8 weights spanning <paramref name="weightBits"/> bits.</summary>
        private static Graph Gemv(int k, int n, int weightBits, int activationBits)
        {
            var random = new Random(k + n);
            var g = new Graph("gemv", null);
            var x = new Value("x", ElementType.UInt8, new[] { 1, k }) { Quant = PerTensor(0.05f, 0, activationBits) };
            g.Inputs.Add(x);
            var t = Tensor.Zeros(ElementType.Int8, new[] { k, n });
            for (int i = 0; i < t.Length; i++)
                t.SetInt64(i, -128 + random.Next(1 << weightBits));
            var w = Constant("w", t);
            w.Quant = PerTensor(0.01f, 0, 8);
            var y = new Value("y", ElementType.Float32, Array.Empty<int>());
            g.Nodes.Add(Node("gemm", "MatMul", new[] { x, w }, y));
            g.Outputs.Add(y);
            TypeInference.Run(g);
            return g;
        }
    }
}
