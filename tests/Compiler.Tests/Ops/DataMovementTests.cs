using System;
using System.Linq;
using Bitsmith.Compiler.Ir;
using Xunit;

namespace Bitsmith.Compiler.Tests.Ops
{
    /// <summary>
    /// Reshape, Flatten, Squeeze, Unsqueeze, Transpose, Concat, Gather and Identity on what
    /// ONNX's tests leave out: element types other than f32, older-opset forms, and bad models.
    /// </summary>
    public class DataMovementTests
    {
        public static TheoryData<ElementType> StoredTypes => new TheoryData<ElementType>(
            Enum.GetValues(typeof(ElementType)).Cast<ElementType>().Where(t => t != ElementType.Float16));

        /// <summary>Elements 1, 2, 3, ... as the type holds them (wrapping in 4 bits; bool alternates).</summary>
        internal static Tensor Counting(ElementType type, params int[] shape)
        {
            var t = Tensor.Zeros(type, shape);
            for (int i = 0; i < t.Length; i++)
                t.SetInt64(i, type == ElementType.Bool ? i % 2 : i + 1);
            return t;
        }

        [Theory]
        [MemberData(nameof(StoredTypes))]
        public void TransposeMovesElementsOfEveryType(ElementType type)
        {
            var x = Counting(type, 2, 3);
            var y = new OneNodeModel("Transpose", 13).Input(x).Run(type);
            Assert.Equal(new[] { 3, 2 }, y.Shape);
            Assert.Equal(type, y.Type);
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 2; j++)
                    Assert.Equal(x.GetDouble(j * 3 + i), y.GetDouble(i * 2 + j));
        }

        [Theory]
        [MemberData(nameof(StoredTypes))]
        public void ConcatJoinsInputsOfEveryType(ElementType type)
        {
            var a = Counting(type, 2, 1);
            var b = Counting(type, 2, 2);
            var y = new OneNodeModel("Concat", 13).Input(a).Input(b).Attr("axis", -1).Run(type);
            Assert.Equal(new[] { 2, 3 }, y.Shape);
            var expected = new[] { a.GetDouble(0), b.GetDouble(0), b.GetDouble(1), a.GetDouble(1), b.GetDouble(2), b.GetDouble(3) };
            Assert.Equal(expected, Enumerable.Range(0, 6).Select(y.GetDouble));
        }

        [Theory]
        [MemberData(nameof(StoredTypes))]
        public void GatherPicksRowsOfEveryType(ElementType type)
        {
            var data = Counting(type, 3, 2);
            var indices = new Tensor(ElementType.Int32, new[] { 2 }, new[] { -1, 0 });
            var y = new OneNodeModel("Gather", 13).Input(data).Input(indices).Run(type);
            Assert.Equal(new[] { 2, 2 }, y.Shape);
            Assert.Equal(new[] { data.GetDouble(4), data.GetDouble(5), data.GetDouble(0), data.GetDouble(1) }, Enumerable.Range(0, 4).Select(y.GetDouble));
        }

        [Theory]
        [MemberData(nameof(StoredTypes))]
        public void ViewsKeepTypeAndElements(ElementType type)
        {
            var x = Counting(type, 1, 2, 3);
            var shape = Tensor.FromInt64s(new[] { 2 }, new long[] { 3, -1 });
            var views = new[]
            {
                (new OneNodeModel("Reshape", 14).Input(x).Const(shape), new[] { 3, 2 }),
                (new OneNodeModel("Flatten", 13).Input(x).Attr("axis", 2), new[] { 2, 3 }),
                (new OneNodeModel("Squeeze", 13).Input(x), new[] { 2, 3 }),
                (new OneNodeModel("Unsqueeze", 13).Input(x).Const(Tensor.FromInt64s(new[] { 1 }, new long[] { 3 })), new[] { 1, 2, 3, 1 }),
                (new OneNodeModel("Identity", 13).Input(x), new[] { 1, 2, 3 }),
            };
            foreach (var (model, expectedShape) in views)
            {
                var y = model.Run(type);
                Assert.Equal(type, y.Type);
                Assert.Equal(expectedShape, y.Shape);
                Assert.Equal(Enumerable.Range(0, 6).Select(x.GetDouble), Enumerable.Range(0, 6).Select(y.GetDouble));
            }
        }

        [Theory]
        [InlineData(new long[] { 0, -1 }, 0, new[] { 2, 12 })]
        [InlineData(new long[] { 4, 0, -1 }, 0, new[] { 4, 3, 2 })]
        [InlineData(new long[] { -1 }, 1, new[] { 24 })]
        [InlineData(new long[] { 2, 3, 4, 1 }, 1, new[] { 2, 3, 4, 1 })]
        public void ReshapeCopiesZerosAndInfersMinusOne(long[] shape, int allowZero, int[] expected)
        {
            var x = Counting(ElementType.Float32, 2, 3, 4);
            var y = new OneNodeModel("Reshape", 14).Input(x).Const(Tensor.FromInt64s(new[] { shape.Length }, shape)).Attr("allowzero", allowZero).Run(ElementType.Float32);
            Assert.Equal(expected, y.Shape);
            Assert.Equal(x.Floats, y.Floats);
        }

        [Fact]
        public void ReshapeWithAllowZeroMakesAnEmptyDimension()
        {
            var x = Tensor.Zeros(ElementType.Float32, new[] { 0, 3 });
            var shape = Tensor.FromInt64s(new[] { 2 }, new long[] { 3, 0 });
            Assert.Equal(new[] { 3, 0 }, new OneNodeModel("Reshape", 14).Input(x).Const(shape).Attr("allowzero", 1).Run(ElementType.Float32).Shape);
            // Without allowzero the 0 copies the input's dimension 1 (3), which does not fit.
            var e = Assert.Throws<ModelException>(() => new OneNodeModel("Reshape", 14).Input(x).Const(shape).Run(ElementType.Float32));
            Assert.Contains("does not hold", e.Message);
        }

        [Theory]
        [InlineData(new long[] { -1, -1 }, 0, "more than one -1")]
        [InlineData(new long[] { 5, -1 }, 0, "cannot hold")]
        [InlineData(new long[] { 2, 3 }, 0, "does not hold")]
        [InlineData(new long[] { 2, -2 }, 0, "invalid dimension -2")]
        [InlineData(new long[] { 0, 0, 0, 0 }, 0, "copies dimension 3")]
        [InlineData(new long[] { 0, -1 }, 1, "-1 and a zero dimension")]
        [InlineData(new long[] { 24 }, 2, "allowzero")]
        public void ReshapeRejectsBadShapes(long[] shape, int allowZero, string problem)
        {
            var x = Counting(ElementType.Float32, 2, 3, 4);
            var e = Assert.Throws<ModelException>(() => new OneNodeModel("Reshape", 14).Input(x).Const(Tensor.FromInt64s(new[] { shape.Length }, shape)).Attr("allowzero", allowZero).Import(ElementType.Float32));
            Assert.Contains(problem, e.Message);
            Assert.Equal("Reshape", e.OpType);
        }

        [Fact]
        public void ReshapeNeedsAConstantShape()
        {
            var x = Counting(ElementType.Float32, 2, 3);
            var e = Assert.Throws<UnsupportedModelException>(() => new OneNodeModel("Reshape", 14).Input(x).Input(Tensor.FromInt64s(new[] { 1 }, new long[] { 6 })).Import(ElementType.Float32));
            Assert.Contains("computed at run time", e.Message);
        }

        [Fact]
        public void ReshapeRejectsTheOpset1AttributeForm()
        {
            var x = Counting(ElementType.Float32, 2, 3);
            var e = Assert.Throws<UnsupportedModelException>(() => new OneNodeModel("Reshape", 4).Input(x).Attr("shape", new long[] { 6 }).Import(ElementType.Float32));
            Assert.Contains("opset 4 of Reshape is not supported", e.Message);
        }

        [Fact]
        public void ReshapeRejectsAnS32Shape()
        {
            var x = Counting(ElementType.Float32, 2, 3);
            var e = Assert.Throws<ModelException>(() => new OneNodeModel("Reshape", 14).Input(x).Const(new Tensor(ElementType.Int32, new[] { 1 }, new[] { 6 })).Import(ElementType.Float32));
            Assert.Contains("expected one of s64", e.Message);
        }

        [Fact]
        public void FlattenAcceptsAxisEqualToRank()
        {
            var x = Counting(ElementType.Float32, 2, 3);
            Assert.Equal(new[] { 6, 1 }, new OneNodeModel("Flatten", 13).Input(x).Attr("axis", 2).Run(ElementType.Float32).Shape);
            Assert.Equal(new[] { 1, 6 }, new OneNodeModel("Flatten", 13).Input(x).Attr("axis", -2).Run(ElementType.Float32).Shape);
            var e = Assert.Throws<ModelException>(() => new OneNodeModel("Flatten", 13).Input(x).Attr("axis", 3).Import(ElementType.Float32));
            Assert.Contains("axis 3 is out of range", e.Message);
        }

        [Fact]
        public void FlattenRejectsADimensionTooLargeEvenWhenTheTensorIsEmpty()
        {
            var x = Tensor.Zeros(ElementType.Float32, new[] { 0, 1 << 15, 1 << 15 });
            var e = Assert.Throws<ModelException>(() => new OneNodeModel("Flatten", 13).Input(x).Import(ElementType.Float32));
            Assert.Contains("hold more than", e.Message);
        }

        [Fact]
        public void SqueezeAndUnsqueezeReadAxesFromTheAttributeBeforeOpset13()
        {
            var x = Counting(ElementType.Float32, 1, 3, 1);
            Assert.Equal(new[] { 1, 3 }, new OneNodeModel("Squeeze", 11).Input(x).Attr("axes", new long[] { -1 }).Run(ElementType.Float32).Shape);
            Assert.Equal(new[] { 3 }, new OneNodeModel("Squeeze", 1).Input(x).Run(ElementType.Float32).Shape);
            Assert.Equal(new[] { 1, 1, 3, 1, 1 }, new OneNodeModel("Unsqueeze", 11).Input(x).Attr("axes", new long[] { -1, 1 }).Run(ElementType.Float32).Shape);
        }

        [Fact]
        public void SqueezeAndUnsqueezeRejectTheWrongAxesForm()
        {
            var x = Counting(ElementType.Float32, 1, 3);
            var axes = Tensor.FromInt64s(new[] { 1 }, new long[] { 0 });
            Assert.Contains("not an attribute", Assert.Throws<ModelException>(() => new OneNodeModel("Squeeze", 13).Input(x).Attr("axes", new long[] { 0 }).Import(ElementType.Float32)).Message);
            Assert.Contains("attribute before opset 13", Assert.Throws<ModelException>(() => new OneNodeModel("Unsqueeze", 11).Input(x).Const(axes).Import(ElementType.Float32)).Message);
            Assert.Contains("axes are required", Assert.Throws<ModelException>(() => new OneNodeModel("Unsqueeze", 13).Input(x).Import(ElementType.Float32)).Message);
            Assert.Contains("computed at run time", Assert.Throws<UnsupportedModelException>(() => new OneNodeModel("Squeeze", 13).Input(x).Input(axes).Import(ElementType.Float32)).Message);
        }

        [Fact]
        public void SqueezeRejectsAnAxisWhoseSizeIsNotOne()
        {
            var x = Counting(ElementType.Float32, 1, 3);
            var e = Assert.Throws<ModelException>(() => new OneNodeModel("Squeeze", 13).Input(x).Const(Tensor.FromInt64s(new[] { 1 }, new long[] { 1 })).Import(ElementType.Float32));
            Assert.Contains("cannot squeeze axis 1", e.Message);
        }

        [Theory]
        [InlineData(new long[] { 0, 0 }, "twice")]
        [InlineData(new long[] { 0, -3 }, "twice")]
        [InlineData(new long[] { 2 }, "axis 2 is out of range for rank 2")]
        [InlineData(new long[] { -3 }, "axis -3 is out of range for rank 2")]
        public void UnsqueezeRejectsBadAxes(long[] axes, string problem)
        {
            var x = Counting(ElementType.Float32, 2);
            var e = Assert.Throws<ModelException>(() => new OneNodeModel("Unsqueeze", 13).Input(x).Const(Tensor.FromInt64s(new[] { axes.Length }, axes)).Import(ElementType.Float32));
            Assert.Contains(problem, e.Message);
        }

        [Theory]
        [InlineData(new long[] { 0, 0, 1 })]
        [InlineData(new long[] { 0, 1 })]
        [InlineData(new long[] { 0, 1, 3 })]
        [InlineData(new long[] { -1, 0, 1 })]
        public void TransposeRejectsWhatIsNotAPermutation(long[] perm)
        {
            var x = Counting(ElementType.Float32, 2, 3, 4);
            var e = Assert.Throws<ModelException>(() => new OneNodeModel("Transpose", 13).Input(x).Attr("perm", perm).Import(ElementType.Float32));
            Assert.Contains("perm [", e.Message);
        }

        [Fact]
        public void TransposeWithPermutationOfRank3()
        {
            var x = Counting(ElementType.Int64, 2, 3, 4);
            var y = new OneNodeModel("Transpose", 13).Input(x).Attr("perm", new long[] { 1, 2, 0 }).Run(ElementType.Int64);
            Assert.Equal(new[] { 3, 4, 2 }, y.Shape);
            for (int i = 0; i < 2; i++)
                for (int j = 0; j < 3; j++)
                    for (int k = 0; k < 4; k++)
                        Assert.Equal(x.Longs[(i * 3 + j) * 4 + k], y.Longs[(j * 4 + k) * 2 + i]);
        }

        [Fact]
        public void ConcatRejectsMismatchedInputs()
        {
            var a = Counting(ElementType.Float32, 2, 3);
            Assert.Contains("outside axis 0", Assert.Throws<ModelException>(() => new OneNodeModel("Concat", 13).Input(a).Input(Counting(ElementType.Float32, 2, 2)).Attr("axis", 0).Import(ElementType.Float32)).Message);
            Assert.Contains("element type s32", Assert.Throws<ModelException>(() => new OneNodeModel("Concat", 13).Input(a).Input(Counting(ElementType.Int32, 2, 3)).Attr("axis", 0).Import(ElementType.Float32)).Message);
            Assert.Contains("axis 2 is out of range", Assert.Throws<ModelException>(() => new OneNodeModel("Concat", 13).Input(a).Input(a).Attr("axis", 2).Import(ElementType.Float32)).Message);
            Assert.Contains("attribute 'axis' is required", Assert.Throws<ModelException>(() => new OneNodeModel("Concat", 13).Input(a).Import(ElementType.Float32)).Message);
        }

        [Fact]
        public void GatherRejectsAnIndexOutOfRangeAtRunTime()
        {
            var data = Counting(ElementType.Float32, 3, 2);
            var indices = Tensor.FromInt64s(new[] { 1 }, new long[] { -4 });
            var e = Assert.Throws<ModelException>(() => new OneNodeModel("Gather", 13).Input(data).Input(indices).Run(ElementType.Float32));
            Assert.Contains("index -4 is out of range for axis 0 of size 3", e.Message);
            Assert.Equal("Gather", e.OpType);
        }

        [Fact]
        public void GatherAlongAnInnerAxisWithMatrixIndices()
        {
            var data = Counting(ElementType.Int64, 2, 3);
            var indices = Tensor.FromInt64s(new[] { 2, 2 }, new long[] { 2, 0, -2, 2 });
            var y = new OneNodeModel("Gather", 13).Input(data).Const(indices).Attr("axis", 1).Run(ElementType.Int64);
            Assert.Equal(new[] { 2, 2, 2 }, y.Shape);
            Assert.Equal(new long[] { 3, 1, 2, 3, 6, 4, 5, 6 }, y.Longs);
        }

        [Fact]
        public void GatherRejectsFloatIndices()
        {
            var data = Counting(ElementType.Float32, 3);
            var e = Assert.Throws<ModelException>(() => new OneNodeModel("Gather", 13).Input(data).Input(Counting(ElementType.Float32, 1)).Import(ElementType.Float32));
            Assert.Contains("indices", e.Message);
        }
    }
}
