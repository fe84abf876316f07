using System;
using System.Linq;
using Bitsmith.Compiler.Ir;
using Xunit;
using static Bitsmith.Compiler.Tests.Ops.OpTestKit;

namespace Bitsmith.Compiler.Tests.Ops
{
    /// <summary>MatMul's numpy semantics beyond the backend tests: 1-D promotion, batch broadcasting, integers, errors.</summary>
    public class MatMulTests
    {
        private static Tensor MatMul(Tensor a, Tensor b, FusedActivation? activation = null)
        {
            var node = Node("MatMul", 13, new[] { Constant("a", a), Constant("b", b) }, new Value("y", ElementType.Float32, Array.Empty<int>()));
            node.Activation = activation;
            return Evaluate(node);
        }

        [Fact]
        public void OneDimensionalOperandsArePromotedAndTheirAxisDropped()
        {
            var m = F32(new[] { 3, 2 }, 1, 2, 3, 4, 5, 6);
            var v = F32(new[] { 3 }, 1, 10, 100);
            var rowTimesMatrix = MatMul(v, m);
            Assert.Equal(new[] { 2 }, rowTimesMatrix.Shape);
            Assert.Equal(new float[] { 531, 642 }, rowTimesMatrix.Floats);

            var matrixTimesColumn = MatMul(F32(new[] { 2, 3 }, 1, 3, 5, 2, 4, 6), v);
            Assert.Equal(new[] { 2 }, matrixTimesColumn.Shape);
            Assert.Equal(new float[] { 531, 642 }, matrixTimesColumn.Floats);

            var dot = MatMul(v, v);
            Assert.Empty(dot.Shape);
            Assert.Equal(new float[] { 10101 }, dot.Floats);
        }

        [Fact]
        public void BatchAxesBroadcast()
        {
            float[] a = Random(2 * 1 * 2 * 3, 1, 1f), b = Random(3 * 3 * 4, 2, 1f);
            var y = MatMul(F32(new[] { 2, 1, 2, 3 }, a), F32(new[] { 3, 3, 4 }, b));
            Assert.Equal(new[] { 2, 3, 2, 4 }, y.Shape);
            for (int i = 0; i < 2; i++)
                for (int j = 0; j < 3; j++)
                    for (int m = 0; m < 2; m++)
                        for (int n = 0; n < 4; n++)
                        {
                            double expected = 0;
                            for (int k = 0; k < 3; k++)
                                expected += (double)a[(i * 2 + m) * 3 + k] * b[(j * 3 + k) * 4 + n];
                            Assert.Equal((float)expected, y.Floats[((i * 3 + j) * 2 + m) * 4 + n]);
                        }
        }

        [Fact]
        public void Int32WrapsAroundAndInt64DoesNot()
        {
            var a32 = Of(ElementType.Int32, new[] { 1, 2 }, 1 << 30, 1 << 30);
            var b32 = Of(ElementType.Int32, new[] { 2, 1 }, 2, 2);
            var y32 = MatMul(a32, b32);
            Assert.Equal(ElementType.Int32, y32.Type);
            Assert.Equal(new long[] { 0 }, Ints(y32));

            var y64 = MatMul(Of(ElementType.Int64, new[] { 1, 2 }, 1 << 30, 1 << 30), Of(ElementType.Int64, new[] { 2, 1 }, 2, 2));
            Assert.Equal(new long[] { 1L << 32 }, Ints(y64));
        }

        [Fact]
        public void FusedActivationAppliesToTheFloatResult()
        {
            var y = MatMul(F32(new[] { 1, 2 }, 1, -1), F32(new[] { 2, 3 }, 1, 0, 7, 0, 1, 1), new FusedActivation(ActivationKind.Clip, 0, 6));
            Assert.Equal(new float[] { 1, 0, 6 }, y.Floats);
        }

        [Fact]
        public void FusedActivationOnIntegerMatMulIsRejected()
        {
            var e = Assert.Throws<ModelException>(() => MatMul(Of(ElementType.Int32, new[] { 1, 1 }, 1), Of(ElementType.Int32, new[] { 1, 1 }, 1), new FusedActivation(ActivationKind.Relu)));
            Assert.Contains("real-valued", e.Problem);
        }

        public static TheoryData<int[], int[], string> BadShapes => new()
        {
            { new[] { 2, 3 }, new[] { 2, 3 }, "inner dimensions differ" },
            { new[] { 2, 2, 3 }, new[] { 3, 3, 1 }, "batch dimensions" },
            { Array.Empty<int>(), new[] { 3 }, "rank 1 or more" },
        };

        [Theory]
        [MemberData(nameof(BadShapes))]
        public void BadShapesRaiseModelException(int[] a, int[] b, string expected)
        {
            var e = Assert.Throws<ModelException>(() => MatMul(Tensor.Zeros(ElementType.Float32, a), Tensor.Zeros(ElementType.Float32, b)));
            Assert.Equal("MatMul", e.OpType);
            Assert.Contains(expected, e.Problem);
        }

        [Fact]
        public void MixedPlainTypesAreRejected()
        {
            var e = Assert.Throws<ModelException>(() => MatMul(Tensor.Zeros(ElementType.Float32, new[] { 1, 1 }), Tensor.Zeros(ElementType.Int32, new[] { 1, 1 })));
            Assert.Contains("different element types", e.Problem);
        }

        [Fact]
        public void UnquantizedInt8IsNotAMatMulType()
        {
            var e = Assert.Throws<ModelException>(() => MatMul(Tensor.Zeros(ElementType.Int8, new[] { 1, 1 }), Tensor.Zeros(ElementType.Int8, new[] { 1, 1 })));
            Assert.Contains("is not a MatMul type", e.Problem);
        }

        [Fact]
        public void MatMulIntegerSubtractsPerRowAndPerColumnZeroPoints()
        {
            long[] a = { 10, 20, 30, 40, 50, 60 }, b = { 1, 2, 3, 4, 5, 6 };
            long[] za = { 5, 7 }, zb = { 1, 2 };
            var node = Node("MatMulInteger", 10, new[]
            {
                Constant("a", Of(ElementType.UInt8, new[] { 2, 3 }, a)), Constant("b", Of(ElementType.Int8, new[] { 3, 2 }, b)),
                Constant("za", Of(ElementType.UInt8, new[] { 2 }, za)), Constant("zb", Of(ElementType.Int8, new[] { 2 }, zb)),
            }, new Value("y", ElementType.Int32, Array.Empty<int>()));
            var y = Evaluate(node);
            Assert.Equal(ElementType.Int32, y.Type);
            var expected = new long[4];
            for (int m = 0; m < 2; m++)
                for (int n = 0; n < 2; n++)
                    for (int k = 0; k < 3; k++)
                        expected[m * 2 + n] += (a[m * 3 + k] - za[m]) * (b[k * 2 + n] - zb[n]);
            Assert.Equal(expected, Ints(y));
        }

        [Fact]
        public void MatMulIntegerTakesBatchedZeroPointTensors()
        {
            var a = Of(ElementType.Int8, new[] { 2, 1, 2 }, 1, 2, 3, 4);
            var b = Of(ElementType.Int8, new[] { 2, 1 }, 1, 1);
            var node = Node("MatMulInteger", 10, new[]
            {
                Constant("a", a), Constant("b", b), Constant("za", Of(ElementType.Int8, new[] { 2, 1, 1 }, 1, 3)), null,
            }, new Value("y", ElementType.Int32, Array.Empty<int>()));
            var y = Evaluate(node);
            Assert.Equal(new[] { 2, 1, 1 }, y.Shape);
            Assert.Equal(new long[] { 0 + 1, 0 + 1 }, Ints(y));
        }

        [Fact]
        public void MatMulIntegerRejectsAZeroPointOfTheWrongShape()
        {
            var node = Node("MatMulInteger", 10, new[]
            {
                Constant("a", Tensor.Zeros(ElementType.UInt8, new[] { 2, 3 })), Constant("b", Tensor.Zeros(ElementType.UInt8, new[] { 3, 4 })),
                null, Constant("zb", Tensor.Zeros(ElementType.UInt8, new[] { 3 })),
            }, new Value("y", ElementType.Int32, Array.Empty<int>()));
            var e = Assert.Throws<ModelException>(() => Evaluate(node));
            Assert.Contains("b_zero_point", e.Problem);
            Assert.Contains("[4]", e.Problem);
        }

        [Fact]
        public void QLinearMatMulRoundsHalfToEvenPerColumnAndSaturates()
        {
            // acc per column: [1, 3, 5, 200]; multiplier sa·sb/sy = 0.5 for the first three, 1 for the last.
            var node = Node("QLinearMatMul", 10, new[]
            {
                Constant("a", Of(ElementType.UInt8, new[] { 1, 1 }, 11)), Constant("sa", Tensor.Scalar(1f)), Constant("za", Of(ElementType.UInt8, Array.Empty<int>(), 10)),
                Constant("b", Of(ElementType.Int8, new[] { 1, 4 }, 1, 3, 5, 100)), Constant("sb", F32(new[] { 4 }, 1, 1, 1, 2)), Constant("zb", Of(ElementType.Int8, new[] { 4 }, 0, 0, 0, -100)),
                Constant("sy", Tensor.Scalar(2f)), Constant("zy", Of(ElementType.Int8, Array.Empty<int>(), 0)),
            }, new Value("y", ElementType.Int8, Array.Empty<int>()));
            var y = Evaluate(node);
            Assert.Equal(ElementType.Int8, y.Type);
            Assert.Equal(new long[] { 0, 2, 2, 127 }, Ints(y));
        }

        [Fact]
        public void QLinearMatMulRejectsAPerRowOutputScale()
        {
            var node = Node("QLinearMatMul", 10, new[]
            {
                Constant("a", Tensor.Zeros(ElementType.UInt8, new[] { 2, 1 })), Constant("sa", Tensor.Scalar(1f)), Constant("za", Of(ElementType.UInt8, Array.Empty<int>(), 0)),
                Constant("b", Tensor.Zeros(ElementType.UInt8, new[] { 1, 1 })), Constant("sb", Tensor.Scalar(1f)), Constant("zb", Of(ElementType.UInt8, Array.Empty<int>(), 0)),
                Constant("sy", F32(new[] { 2 }, 1, 1)), Constant("zy", Of(ElementType.UInt8, new[] { 2 }, 0, 0)),
            }, new Value("y", ElementType.UInt8, Array.Empty<int>()));
            var e = Assert.Throws<UnsupportedModelException>(() => Evaluate(node));
            Assert.Contains("is not supported", e.Problem);
        }
    }
}
