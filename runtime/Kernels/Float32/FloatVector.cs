using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Bitsmith.Runtime.Kernels.Float32
{
    /// <summary>
    /// The f32 operations of the GEMM tiles at one vector width, as an operator struct: each tile
    /// is written once, generic over the width, and the JIT specialises it per struct (the
    /// pattern of TensorPrimitives' operators). <see cref="Float128"/> uses only the
    /// cross-platform API, so it is also the ARM64 path.
    /// </summary>
    internal interface IFloatVector<TVector> where TVector : struct
    {
        /// <summary>Floats per vector.</summary>
        static abstract int Count { get; }

        static abstract TVector Zero { get; }

        static abstract TVector Load(ref float source);

        static abstract void Store(TVector value, ref float destination);

        static abstract TVector Broadcast(float value);

        /// <summary><c>a · b + c</c>, fused where the hardware has FMA (every AVX2 and ARM64 core).</summary>
        static abstract TVector MultiplyAdd(TVector a, TVector b, TVector c);

        static abstract TVector Add(TVector a, TVector b);

        static abstract TVector Activate<TAct>(TAct act, TVector x) where TAct : struct, IActivationOp;
    }

    internal readonly struct Float512 : IFloatVector<Vector512<float>>
    {
        public static int Count => Vector512<float>.Count;

        public static Vector512<float> Zero => Vector512<float>.Zero;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Load(ref float source) => Vector512.LoadUnsafe(ref source);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(Vector512<float> value, ref float destination) => value.StoreUnsafe(ref destination);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Broadcast(float value) => Vector512.Create(value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> MultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Vector512.MultiplyAddEstimate(a, b, c);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Activate<TAct>(TAct act, Vector512<float> x) where TAct : struct, IActivationOp => act.Apply(x);
    }

    internal readonly struct Float256 : IFloatVector<Vector256<float>>
    {
        public static int Count => Vector256<float>.Count;

        public static Vector256<float> Zero => Vector256<float>.Zero;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Load(ref float source) => Vector256.LoadUnsafe(ref source);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(Vector256<float> value, ref float destination) => value.StoreUnsafe(ref destination);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Broadcast(float value) => Vector256.Create(value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Vector256.MultiplyAddEstimate(a, b, c);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Activate<TAct>(TAct act, Vector256<float> x) where TAct : struct, IActivationOp => act.Apply(x);
    }

    internal readonly struct Float128 : IFloatVector<Vector128<float>>
    {
        public static int Count => Vector128<float>.Count;

        public static Vector128<float> Zero => Vector128<float>.Zero;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Load(ref float source) => Vector128.LoadUnsafe(ref source);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(Vector128<float> value, ref float destination) => value.StoreUnsafe(ref destination);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Broadcast(float value) => Vector128.Create(value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> MultiplyAdd(Vector128<float> a, Vector128<float> b, Vector128<float> c) => Vector128.MultiplyAddEstimate(a, b, c);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Add(Vector128<float> a, Vector128<float> b) => a + b;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Activate<TAct>(TAct act, Vector128<float> x) where TAct : struct, IActivationOp => act.Apply(x);
    }
}
