namespace Bitsmith.Runtime.Kernels.BitSerial
{
    /// <summary>How <see cref="BitSerialGemv"/> counts the bits of a combined plane pair.</summary>
    public enum PopCountForm
    {
        /// <summary><c>BitOperations.PopCount</c> on each 64-bit word (<c>popcnt</c> on x86-64, a software sum without it).</summary>
        Scalar,

        /// <summary>Nibble-table byte shuffle on 128-bit vectors with the cross-platform API (also ARM64's).</summary>
        Nibble128,

        /// <summary>Nibble-table byte shuffle on 256-bit vectors (AVX2 <c>vpshufb</c>).</summary>
        Nibble256,

        /// <summary>Nibble-table byte shuffle on 512-bit vectors (AVX-512BW <c>vpshufb</c>).</summary>
        Nibble512,
    }
}
