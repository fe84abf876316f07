using System;
using System.Globalization;

namespace Bitsmith.Compiler.Ir
{
    public enum ActivationKind
    {
        Relu,
        /// <summary>Clamp to [Min, Max]; Relu6 is Clip(0, 6).</summary>
        Clip,
        HardSwish,
    }

    /// <summary>An activation folded into the node that produces its input.</summary>
    public sealed record FusedActivation(ActivationKind Kind, float Min = float.NegativeInfinity, float Max = float.PositiveInfinity)
    {
        public float Apply(float x) => Kind switch
        {
            ActivationKind.Relu => x < 0 ? 0 : x,
            ActivationKind.Clip => x < Min ? Min : x > Max ? Max : x,
            ActivationKind.HardSwish => x * Math.Max(0f, Math.Min(1f, x / 6f + 0.5f)),
            _ => throw new InvalidOperationException(),
        };

        public override string ToString() => Kind == ActivationKind.Clip
            ? $"Clip({Min.ToString("R", CultureInfo.InvariantCulture)}, {Max.ToString("R", CultureInfo.InvariantCulture)})"
            : Kind.ToString();
    }
}
