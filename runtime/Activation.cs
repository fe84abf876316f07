using System;

namespace Bitsmith.Runtime
{
    /// <summary>Activations fused into a layer, in float32 as the reference interpreter computes them.</summary>
    public static class Activation
    {
        public static float Relu(float x) => x < 0 ? 0 : x;

        public static float Clip(float x, float min, float max) => x < min ? min : x > max ? max : x;

        public static float HardSwish(float x) => x * Math.Max(0f, Math.Min(1f, x / 6f + 0.5f));
    }
}
