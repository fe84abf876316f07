using System;
using Bitsmith.Compiler.Ir;
using Xunit;

namespace Bitsmith.Compiler.Tests.Ops
{
    /// <summary>Constant's attribute forms; the importer folds the node into a constant value.</summary>
    public class ConstantTests
    {
        [Fact]
        public void ScalarAndListAttributesGiveF32AndS64Tensors()
        {
            var f = new OneNodeModel("Constant", 13).Attr("value_float", 2.5f).Run(ElementType.Float32);
            Assert.Equal(Array.Empty<int>(), f.Shape);
            Assert.Equal(new[] { 2.5f }, f.Floats);

            var fs = new OneNodeModel("Constant", 13).Attr("value_floats", new[] { 1f, -2f }).Run(ElementType.Float32);
            Assert.Equal(new[] { 2 }, fs.Shape);
            Assert.Equal(new[] { 1f, -2f }, fs.Floats);

            var i = new OneNodeModel("Constant", 13).Attr("value_int", 7L).Run(ElementType.Int64);
            Assert.Equal(Array.Empty<int>(), i.Shape);
            Assert.Equal(new[] { 7L }, i.Longs);

            var ints = new OneNodeModel("Constant", 13).Attr("value_ints", new long[] { 3, -4, 5 }).Run(ElementType.Int64);
            Assert.Equal(new[] { 3 }, ints.Shape);
            Assert.Equal(new long[] { 3, -4, 5 }, ints.Longs);
        }

        [Fact]
        public void ATensorValueKeepsItsType()
        {
            var value = new Tensor(ElementType.UInt8, new[] { 2, 1 }, new byte[] { 9, 200 });
            var y = new OneNodeModel("Constant", 9).Attr("value", value).Run(ElementType.UInt8);
            Assert.Equal(new[] { 2, 1 }, y.Shape);
            Assert.Equal(new byte[] { 9, 200 }, y.Bytes);
        }

        [Fact]
        public void ExactlyOneValueAttributeIsAllowed()
        {
            Assert.Contains("has none", Assert.Throws<ModelException>(() => new OneNodeModel("Constant", 13).Import(ElementType.Float32)).Message);
            var both = Assert.Throws<ModelException>(() => new OneNodeModel("Constant", 13).Attr("value_float", 1f).Attr("value_int", 1L).Import(ElementType.Float32));
            Assert.Contains("has value_float, value_int", both.Message);
            Assert.Equal("Constant", both.OpType);
        }

        [Fact]
        public void StringConstantsAreNotSupported()
        {
            var e = Assert.Throws<UnsupportedModelException>(() => new OneNodeModel("Constant", 13).Attr("value_string", "hello").Import(ElementType.Float32));
            Assert.Contains("'value_string' is not supported", e.Message);
        }

        [Fact]
        public void AValueAttributeOfTheWrongKindIsAnError()
        {
            var e = Assert.Throws<ModelException>(() => new OneNodeModel("Constant", 13).Attr("value_int", 1f).Import(ElementType.Int64));
            Assert.Contains("attribute 'value_int' must be Int", e.Message);
        }
    }
}
