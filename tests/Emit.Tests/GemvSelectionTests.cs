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
    /// The cost model's choice among the GEMV forms: the bit-serial kernel only where both widths
    /// are 1 bit (an override reaches it at any width); the table-lookup GEMV for 1-bit weights with B
    /// in the caches, the packed forms for 2 to 4 bits (3 packed at 4), the 4-bit packed form where
    /// B streams from memory; the int8 one wherever a row's weights span more values than a form holds.
    /// </summary>
    public class GemvSelectionTests
    {
        [Theory]
        [InlineData(1, 1, true)]
        [InlineData(2, 2, false)]
        [InlineData(4, 4, false)]
        [InlineData(8, 8, false)]
        public void TheSelectorTakesTheBitSerialGemvOnlyForOneBitWidths(int weightBits, int activationBits, bool bitSerial)
        {
            var g = Gemv(4096, 256, weightBits, activationBits);
            var choice = ImplementationSelector.Select(g, new Dictionary<string, string>())[0];
            if (bitSerial)
                Assert.Equal(KernelPropertyModels.BitSerialImplementation, choice.Implementation.Name);
            else
                Assert.StartsWith("qgemv_u8s", choice.Implementation.Name);   // an int8, table-lookup or packed GEMV
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
        [InlineData(1024, 1024, 1, "qgemv_u8s1_lut16_32")]   // in the caches: one lookup plane beats every multiply
        [InlineData(1024, 1024, 2, "qgemv_u8s2_16c4")]       // from 2 bits the codes masked in place win
        [InlineData(1024, 1024, 3, "qgemv_u8s4_16c4")]       // 3-bit weights pack at 4 bits
        [InlineData(1024, 1024, 4, "qgemv_u8s4_16c4")]
        [InlineData(256, 64, 2, "qgemv_u8s2_16c4")]
        [InlineData(8192, 4096, 4, "qgemv_u8s4_16c4")]       // 32 MB of int8 B streams from memory: half the bytes wins
        [InlineData(8192, 4096, 2, "qgemv_u8s2_lut16_32")]
        [InlineData(1024, 1024, 5, "qgemv_u8s8_16c4")]       // 32 values a row fit neither form
        public void TheSelectorTakesThePackedGemvThatFitsAndIsFastest(int k, int n, int weightBits, string expected)
        {
            var g = Gemv(k, n, weightBits, 8);
            var choice = ImplementationSelector.Select(g, new Dictionary<string, string>())[0];
            if (expected == "qgemv_u8s8_16c4")
                Assert.StartsWith(expected, choice.Implementation.Name);   // byte or (where a pair could saturate) word pairs
            else
                Assert.Equal(expected, choice.Implementation.Name);
            foreach (var (name, bits) in KernelPropertyModels.PackedGemvImplementations)
                Assert.Equal(weightBits > bits, ImplementationRegistry.Find(name)!.WhyNot(g.Nodes[0], new LayerFacts(g)) != null);
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
