namespace Bitsmith.Compiler.Lowering
{
    /// <summary>
    /// How a layer is computed in generated code; chosen per layer by <see cref="StrategySelector"/>.
    /// The fast strategies of the design (Int8, Int4Packed, BinaryDecomposed, Codebook) join
    /// this list as their kernels land; <see cref="IntegerReference"/> is what they are tested against.
    /// </summary>
    public enum Strategy
    {
        /// <summary>Scalar loops that compute exactly what the reference interpreter does, in its order; every op has it.</summary>
        Generic,

        /// <summary>A float layer as dot products of contiguous rows through the runtime's vectorised f32 kernel.</summary>
        Fp32,

        /// <summary>A quantised layer with exact integer accumulation in scalar loops.</summary>
        IntegerReference,

        /// <summary>The output is the input's storage under another shape: no code runs.</summary>
        View,
    }
}
