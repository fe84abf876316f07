using System.Linq;
using System.Text;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Lowering;
using Xunit;

namespace Bitsmith.Compiler.Tests.Lowering
{
    /// <summary>The weight blob: storage types, nibble order, alignment, transposed layout, hash.</summary>
    public class WeightPackerTests
    {
        [Fact]
        public void TensorsArePackedInTheirStorageTypesAtAlignedOffsets()
        {
            var f = Tensor.FromFloats(new[] { 2 }, new[] { 1f, -2f });
            var s4 = Tensor.Zeros(ElementType.Int4, new[] { 3 });
            s4.SetInt64(0, -1);
            s4.SetInt64(1, 7);
            s4.SetInt64(2, -8);
            var u8 = new Tensor(ElementType.UInt8, new[] { 1 }, new byte[] { 200 });
            var (blob, offsets) = WeightPacker.Pack(new[] { (f, WeightLayout.RowMajor), (s4, WeightLayout.RowMajor), (u8, WeightLayout.RowMajor) });

            Assert.Equal(new long[] { 0, 64, 128 }, offsets);
            Assert.Equal(192, blob.Length);
            Assert.Equal(new byte[] { 0, 0, 0x80, 0x3F, 0, 0, 0, 0xC0 }, blob.Take(8).ToArray());
            Assert.Equal(new byte[] { 0x7F, 0x08 }, blob.Skip(64).Take(2).ToArray()); // -1 low, 7 high; then -8 alone
            Assert.Equal(200, blob[128]);
        }

        [Fact]
        public void ATransposedWeightStoresColumnsAsRows()
        {
            var t = Tensor.FromFloats(new[] { 2, 2, 3 }, Enumerable.Range(0, 12).Select(i => (float)i).ToArray());
            var transposed = WeightPacker.Transpose(t);
            Assert.Equal(new[] { 2, 3, 2 }, transposed.Shape);
            Assert.Equal(new float[] { 0, 3, 1, 4, 2, 5, 6, 9, 7, 10, 8, 11 }, transposed.Floats);
        }

        [Fact]
        public void TheHashIsSha256InLowercaseHex()
        {
            Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", WeightPacker.Sha256(Encoding.ASCII.GetBytes("abc")));
        }
    }
}
