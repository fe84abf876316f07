using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Ops
{
    /// <summary>Numpy-style broadcasting for the reference interpreter.</summary>
    public static class Broadcast
    {
        /// <summary>For each element of <paramref name="outShape"/>, the flat index of the element of <paramref name="inShape"/> that broadcasts to it.</summary>
        public static int[] SourceIndices(int[] outShape, int[] inShape)
        {
            int n = Shape.Size(outShape);
            var result = new int[n];
            int rank = outShape.Length;
            int offset = rank - inShape.Length;
            var inStrides = Shape.Strides(inShape);
            var coord = new int[rank];
            for (int i = 0; i < n; i++)
            {
                int src = 0;
                for (int d = offset; d < rank; d++)
                    if (inShape[d - offset] != 1)
                        src += coord[d] * inStrides[d - offset];
                result[i] = src;
                for (int d = rank - 1; d >= 0; d--)
                {
                    if (++coord[d] < outShape[d])
                        break;
                    coord[d] = 0;
                }
            }
            return result;
        }
    }
}
