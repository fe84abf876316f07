namespace Bitsmith.Compiler.Lowering
{
    /// <summary>The order in which a constant's elements are packed into the weight blob.</summary>
    public enum WeightLayout
    {
        /// <summary>As the value's shape says (every value not in the blob has this layout too).</summary>
        RowMajor,

        /// <summary>The last two axes swapped: a [.., K, N] matrix stored as N rows of K, so that a dot product reads contiguous memory.</summary>
        Transposed,
    }
}
