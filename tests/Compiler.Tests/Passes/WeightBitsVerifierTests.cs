using System;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Ops;
using Xunit;

namespace Bitsmith.Compiler.Tests.Passes
{
    /// <summary>
    /// A weight's recorded bitwidth is proven against its values (centred on the zero point) before
    /// lowering: a width narrower than the values need, whoever set it, stops the compile.
    /// </summary>
    public class WeightBitsVerifierTests
    {
        [Theory]
        [InlineData(0, 8, true)]
        [InlineData(0, 7, false)]  // 100 needs 8 signed bits
        [InlineData(90, 8, true)]
        [InlineData(90, 5, false)] // 100 - 90 = 10, but -3 - 90 = -93 needs 8
        public void AWeightMustHoldItsValuesInItsBits(int zeroPoint, int bits, bool fits)
        {
            var g = new Graph("bits", null);
            var x = new Value("x", ElementType.Int8, new[] { 1, 2 }) { Quant = new QuantParams(new[] { 0.1f }, new[] { 0 }, 0, 0, 8) };
            g.Inputs.Add(x);
            var w = Value.FromConstant("w", new Tensor(ElementType.Int8, new[] { 2, 1 }, new sbyte[] { 100, -3 }));
            w.Quant = new QuantParams(new[] { 0.05f }, new[] { zeroPoint }, 0, 0, bits);
            var y = new Value("y", ElementType.Float32, Array.Empty<int>());
            var mm = new Node("mm", "MatMul", "", 13);
            mm.Inputs.Add(x);
            mm.Inputs.Add(w);
            mm.Outputs.Add(y);
            g.Nodes.Add(mm);
            g.Outputs.Add(y);
            TypeInference.Run(g);

            if (fits)
                Verifier.Verify(g, VerifierStage.Optimized);
            else
                Assert.Contains($"constant 'w' claims {bits} bits", Assert.Throws<ModelException>(() => Verifier.Verify(g, VerifierStage.Optimized)).Message);
        }
    }
}
