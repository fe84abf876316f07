namespace Bitsmith.Runtime
{
    /// <summary>ONNX integer arithmetic where C# differs from it.</summary>
    public static class IntegerMath
    {
        /// <summary>Truncating division; MinValue / -1 wraps to MinValue as numpy does, where C# would throw.</summary>
        public static long Divide(long x, long y) => y == -1 ? unchecked(-x) : x / y;
    }
}
