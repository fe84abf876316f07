using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Bitsmith.Runtime.Kernels
{
    /// <summary>
    /// A fused activation as an operator struct, so kernels specialise on it: the scalar form is
    /// <see cref="Activation"/> itself (the interpreter's semantics), the vector forms compute
    /// the same value for every input, NaN and signed zeros included (comparisons and selects,
    /// never Min/Max, whose NaN and zero rules differ between ISAs).
    /// </summary>
    public interface IActivationOp
    {
        float Apply(float x);

        Vector512<float> Apply(Vector512<float> x);

        Vector256<float> Apply(Vector256<float> x);

        Vector128<float> Apply(Vector128<float> x);
    }

    /// <summary>No activation.</summary>
    public readonly struct NoActivation : IActivationOp
    {
        public float Apply(float x) => x;

        public Vector512<float> Apply(Vector512<float> x) => x;

        public Vector256<float> Apply(Vector256<float> x) => x;

        public Vector128<float> Apply(Vector128<float> x) => x;
    }

    /// <summary><see cref="Activation.Relu"/>: <c>x &lt; 0 ? 0 : x</c> (keeps -0 and NaN).</summary>
    public readonly struct ReluOp : IActivationOp
    {
        public float Apply(float x) => Activation.Relu(x);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector512<float> Apply(Vector512<float> x) => Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512<float>.Zero), Vector512<float>.Zero, x);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<float> Apply(Vector256<float> x) => Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<float>.Zero), Vector256<float>.Zero, x);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector128<float> Apply(Vector128<float> x) => Vector128.ConditionalSelect(Vector128.LessThan(x, Vector128<float>.Zero), Vector128<float>.Zero, x);
    }

    /// <summary><see cref="Activation.Clip"/>: <c>x &lt; min ? min : x &gt; max ? max : x</c>.</summary>
    public readonly struct ClipOp : IActivationOp
    {
        private readonly float _min, _max;

        public ClipOp(float min, float max)
        {
            _min = min;
            _max = max;
        }

        public float Apply(float x) => Activation.Clip(x, _min, _max);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector512<float> Apply(Vector512<float> x)
        {
            Vector512<float> lo = Vector512.Create(_min), hi = Vector512.Create(_max);
            return Vector512.ConditionalSelect(Vector512.LessThan(x, lo), lo, Vector512.ConditionalSelect(Vector512.GreaterThan(x, hi), hi, x));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<float> Apply(Vector256<float> x)
        {
            Vector256<float> lo = Vector256.Create(_min), hi = Vector256.Create(_max);
            return Vector256.ConditionalSelect(Vector256.LessThan(x, lo), lo, Vector256.ConditionalSelect(Vector256.GreaterThan(x, hi), hi, x));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector128<float> Apply(Vector128<float> x)
        {
            Vector128<float> lo = Vector128.Create(_min), hi = Vector128.Create(_max);
            return Vector128.ConditionalSelect(Vector128.LessThan(x, lo), lo, Vector128.ConditionalSelect(Vector128.GreaterThan(x, hi), hi, x));
        }
    }

    /// <summary><see cref="Activation.HardSwish"/>: <c>x · max(0, min(1, x / 6 + 0.5))</c>, in float, no fused multiply-add.</summary>
    public readonly struct HardSwishOp : IActivationOp
    {
        public float Apply(float x) => Activation.HardSwish(x);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector512<float> Apply(Vector512<float> x)
        {
            var t = x / Vector512.Create(6f) + Vector512.Create(0.5f);
            t = Vector512.ConditionalSelect(Vector512.GreaterThan(t, Vector512<float>.One), Vector512<float>.One, t);
            t = Vector512.ConditionalSelect(Vector512.LessThan(t, Vector512<float>.Zero), Vector512<float>.Zero, t);
            return x * t;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<float> Apply(Vector256<float> x)
        {
            var t = x / Vector256.Create(6f) + Vector256.Create(0.5f);
            t = Vector256.ConditionalSelect(Vector256.GreaterThan(t, Vector256<float>.One), Vector256<float>.One, t);
            t = Vector256.ConditionalSelect(Vector256.LessThan(t, Vector256<float>.Zero), Vector256<float>.Zero, t);
            return x * t;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector128<float> Apply(Vector128<float> x)
        {
            var t = x / Vector128.Create(6f) + Vector128.Create(0.5f);
            t = Vector128.ConditionalSelect(Vector128.GreaterThan(t, Vector128<float>.One), Vector128<float>.One, t);
            t = Vector128.ConditionalSelect(Vector128.LessThan(t, Vector128<float>.Zero), Vector128<float>.Zero, t);
            return x * t;
        }
    }
}
