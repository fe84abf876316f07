namespace Bitsmith.Compiler.Ir
{
    /// <summary>
    /// A product-quantised weight kept as codes: the weight is
    /// <c>Reshape(Gather(Codebook[K, d], Indices), Shape)</c>, recognised from the
    /// ONNX subgraph of that form so that kernels can use table lookups instead of
    /// a materialised weight.
    /// </summary>
    public sealed class CodebookWeight
    {
        public CodebookWeight(Tensor codebook, Tensor indices)
        {
            Codebook = codebook;
            Indices = indices;
        }

        /// <summary>K centroids of d values: shape [K, d].</summary>
        public Tensor Codebook { get; }

        /// <summary>One centroid index per block of d weights (s32 or s64).</summary>
        public Tensor Indices { get; }

        public int Centroids => Codebook.Shape[0];

        public int BlockLength => Codebook.Shape[1];

        /// <summary>The dense weight, for the reference interpreter.</summary>
        public Tensor Materialize(int[] shape)
        {
            int d = BlockLength;
            float[] book = Codebook.Floats;
            var w = new float[Ir.Shape.Size(shape)];
            for (int b = 0; b < Indices.Length; b++)
            {
                long k = Indices.GetInt64(b);
                if (k < 0)
                    k += Centroids;
                System.Array.Copy(book, (int)k * d, w, b * d, d);
            }
            return Tensor.FromFloats(shape, w);
        }

        public override string ToString() =>
            $"codebook(K={Centroids}, d={BlockLength}, {Indices.Length} codes)";
    }
}
