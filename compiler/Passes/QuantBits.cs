using System;
using System.Globalization;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Ops;

namespace Bitsmith.Compiler.Passes
{
    /// <summary>
    /// The true bitwidth of a quantised tensor, which may be narrower than its storage type:
    /// 2-, 3-, 5- and 6-bit values travel as s8/u8 inside a narrower range. The smallest b such
    /// that, for a signed type, every <c>q - zp</c> lies in [-2^(b-1), 2^(b-1) - 1], and for an
    /// unsigned type every code q lies in [0, 2^b - 1] (unsigned grids start at 0 whatever the
    /// zero point: an asymmetric 4-bit quantiser writes codes 0..15 around a zero point inside them).
    /// </summary>
    public static class QuantBits
    {
        /// <summary>Node metadata key our exporter writes on a QuantizeLinear: the activation's bitwidth.</summary>
        public const string MetadataKey = "bitsmith.bits";

        /// <summary>Smallest b that holds codes in [minCode, maxCode] whose centred values (q - zp) lie in [minCentred, maxCentred].</summary>
        public static int Fit(ElementType type, long minCode, long maxCode, long minCentred, long maxCentred)
        {
            bool signed = type.MinValue() < 0;
            int max = type.Bits();
            for (int b = 1; b < max; b++)
            {
                bool fits = signed
                    ? minCentred >= -(1L << (b - 1)) && maxCentred <= (1L << (b - 1)) - 1
                    : minCode >= 0 && maxCode <= (1L << b) - 1;
                if (fits)
                    return b;
            }
            return max;
        }

        /// <summary>The bitwidth of a constant (a weight) from the integers it actually holds.</summary>
        public static int OfConstant(Tensor t, QuantParams p)
        {
            if (t.Length == 0)
                return t.Type.Bits();
            long minCode = long.MaxValue, maxCode = long.MinValue, minCentred = long.MaxValue, maxCentred = long.MinValue;
            for (int i = 0; i < t.Length; i++)
            {
                long q = t.GetInt64(i);
                long centred = q - p.ZeroPoint[Quantization.ParamIndex(p, t.Shape, i)];
                minCode = Math.Min(minCode, q);
                maxCode = Math.Max(maxCode, q);
                minCentred = Math.Min(minCentred, centred);
                maxCentred = Math.Max(maxCentred, centred);
            }
            return Fit(t.Type, minCode, maxCode, minCentred, maxCentred);
        }

        /// <summary>
        /// The bitwidth of an activation that <paramref name="quantize"/> (a QuantizeLinear, or the
        /// node that absorbed one) writes: when the real values are clamped first (a Relu or Clip
        /// just before, or fused), the codes the clamp bounds quantise to; else the whole type.
        /// The exporter's metadata is a hint that is checked for form, never trusted: a narrower
        /// width than the graph proves would let a kernel drop bits the codes can have.
        /// </summary>
        public static int OfActivation(Node quantize, ElementType type, QuantParams p, FusedActivation? clamp)
        {
            if (quantize.Metadata.TryGetValue(MetadataKey, out string? text)
                && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int bits) || bits < 1 || bits > type.Bits()))
                throw quantize.Error($"metadata {MetadataKey} = '{text}' is not a bitwidth from 1 to {type.Bits().ToString(CultureInfo.InvariantCulture)} (the output is {type.ShortName()})");
            if (clamp == null || !p.IsPerTensor)
                return type.Bits();
            var (lo, hi) = Range(clamp);
            var codes = Quantization.Quantize(new[] { lo, hi }, new[] { 2 }, type, p);
            long qlo = codes.GetInt64(0), qhi = codes.GetInt64(1), zp = p.ZeroPoint[0];
            return Fit(type, qlo, qhi, qlo - zp, qhi - zp);
        }

        /// <summary>The real values an activation can produce.</summary>
        private static (float Lo, float Hi) Range(FusedActivation a) => a.Kind switch
        {
            ActivationKind.Relu => (0f, float.PositiveInfinity),
            ActivationKind.Clip => (a.Min, a.Max),
            // x · clamp(x/6 + 1/2, 0, 1) is smallest at x = -3/2; a hair lower covers float rounding.
            _ => (-0.375f * 1.0001f, float.PositiveInfinity),
        };
    }
}
