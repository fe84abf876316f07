using System.Globalization;
using System.Linq;

namespace Bitsmith.Compiler.Ir
{
    /// <summary>
    /// How a quantised tensor's integers map to real values:
    /// <c>real = (q - ZeroPoint) * Scale</c>, per tensor (one scale), per channel
    /// along <see cref="Axis"/>, or per block of <see cref="BlockSize"/> along it.
    /// <see cref="Bits"/> is the true bitwidth, which may be narrower than the storage type
    /// (a 3-bit weight travels as s8 within [-4, 3]).
    /// </summary>
    public sealed class QuantParams
    {
        public QuantParams(float[] scale, int[] zeroPoint, int axis, int blockSize, int bits)
        {
            Scale = scale;
            ZeroPoint = zeroPoint;
            Axis = axis;
            BlockSize = blockSize;
            Bits = bits;
        }

        /// <summary>One scale for per-tensor, else one per channel (or per block).</summary>
        public float[] Scale { get; }

        /// <summary>Same length as <see cref="Scale"/>.</summary>
        public int[] ZeroPoint { get; }

        /// <summary>The channel axis (non-negative) for per-axis and blocked; ignored for per-tensor.</summary>
        public int Axis { get; }

        /// <summary>0 unless blocked.</summary>
        public int BlockSize { get; }

        public int Bits { get; }

        public bool IsPerTensor => Scale.Length == 1 && BlockSize == 0;

        public bool IsSymmetric => ZeroPoint.All(z => z == 0);

        public QuantParams WithBits(int bits) => new QuantParams(Scale, ZeroPoint, Axis, BlockSize, bits);

        public override string ToString()
        {
            string Num(float f) => f.ToString("G6", CultureInfo.InvariantCulture);
            if (IsPerTensor)
                return $"q(s={Num(Scale[0])}, zp={ZeroPoint[0].ToString(CultureInfo.InvariantCulture)}, bits={Bits.ToString(CultureInfo.InvariantCulture)})";
            string kind = BlockSize > 0 ? $"block={BlockSize.ToString(CultureInfo.InvariantCulture)} axis={Axis.ToString(CultureInfo.InvariantCulture)}" : $"axis={Axis.ToString(CultureInfo.InvariantCulture)}";
            return $"q({kind}, {Scale.Length.ToString(CultureInfo.InvariantCulture)} scales in [{Num(Scale.Min())}, {Num(Scale.Max())}], zp {(IsSymmetric ? "0" : "mixed")}, bits={Bits.ToString(CultureInfo.InvariantCulture)})";
        }
    }
}
