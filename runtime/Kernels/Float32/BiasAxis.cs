namespace Bitsmith.Runtime.Kernels.Float32
{
    /// <summary>
    /// Which way a GEMM's bias runs, as a type the kernel specialises on: one value per row
    /// (a convolution's output channels, the rows of its product) or one per column (a Gemm's
    /// output features).
    /// </summary>
    public interface IBiasAxis
    {
        static abstract bool PerRow { get; }
    }

    /// <summary>One bias value per row of C, broadcast along it.</summary>
    public readonly struct BiasPerRow : IBiasAxis
    {
        public static bool PerRow => true;
    }

    /// <summary>One bias value per column of C.</summary>
    public readonly struct BiasPerColumn : IBiasAxis
    {
        public static bool PerRow => false;
    }
}
