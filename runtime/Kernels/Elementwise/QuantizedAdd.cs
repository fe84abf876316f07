using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Bitsmith.Runtime.Kernels.Elementwise
{
    /// <summary>
    /// Add of two quantised tensors of one shape (a residual connection), as the interpreter
    /// computes it: each operand dequantised in float (<c>(float)(q - zp) · s</c>), the float
    /// sum, the fused activation, then the output quantised (or kept as float). Sixteen
    /// elements a step.
    /// </summary>
    public static class QuantizedAdd
    {
        public static void ToQuantized<TAct>(ReadOnlySpan<byte> a, bool aSigned, float aScale, int aZero, ReadOnlySpan<byte> b, bool bSigned, float bScale, int bZero,
            TAct act, float yScale, int yZero, bool ySigned, Span<byte> y) where TAct : struct, IActivationOp =>
            Run(a, aSigned, aScale, aZero, b, bSigned, bScale, bZero, act, new ToCodes(yScale, yZero, ySigned), ref MemoryMarshal.GetReference(Checked(y, a.Length, b.Length)), a.Length);

        public static void ToFloat<TAct>(ReadOnlySpan<byte> a, bool aSigned, float aScale, int aZero, ReadOnlySpan<byte> b, bool bSigned, float bScale, int bZero,
            TAct act, Span<float> y) where TAct : struct, IActivationOp =>
            Run(a, aSigned, aScale, aZero, b, bSigned, bScale, bZero, act, new ToFloats(), ref Unsafe.As<float, byte>(ref MemoryMarshal.GetReference(Checked(y, a.Length, b.Length))), a.Length);

        private static Span<T> Checked<T>(Span<T> y, int a, int b) =>
            a == b && y.Length >= a ? y : throw new ArgumentException($"operands of {a} and {b} elements into {y.Length}");

        private static void Run<TAct, TStore>(ReadOnlySpan<byte> a, bool aSigned, float aScale, int aZero, ReadOnlySpan<byte> b, bool bSigned, float bScale, int bZero,
            TAct act, TStore store, ref byte y, int n) where TAct : struct, IActivationOp where TStore : struct, IStore
        {
            ref byte pa = ref MemoryMarshal.GetReference(a);
            ref byte pb = ref MemoryMarshal.GetReference(b);
            int i = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                Vector512<int> za = Vector512.Create(aZero), zb = Vector512.Create(bZero);
                Vector512<float> sa = Vector512.Create(aScale), sb = Vector512.Create(bScale);
                for (; i + 16 <= n; i += 16)
                {
                    var va = Vector512.ConvertToSingle(Widen512(Vector128.LoadUnsafe(ref pa, (nuint)i), aSigned) - za) * sa;
                    var vb = Vector512.ConvertToSingle(Widen512(Vector128.LoadUnsafe(ref pb, (nuint)i), bSigned) - zb) * sb;
                    store.Store(act.Apply(va + vb), ref y, i);
                }
            }
            if (Vector128.IsHardwareAccelerated)
            {
                Vector128<int> za = Vector128.Create(aZero), zb = Vector128.Create(bZero);
                Vector128<float> sa = Vector128.Create(aScale), sb = Vector128.Create(bScale);
                for (; i + 16 <= n; i += 16)
                {
                    var (a0, a1, a2, a3) = Widen(Vector128.LoadUnsafe(ref pa, (nuint)i), aSigned);
                    var (b0, b1, b2, b3) = Widen(Vector128.LoadUnsafe(ref pb, (nuint)i), bSigned);
                    store.Store(
                        act.Apply(Vector128.ConvertToSingle(a0 - za) * sa + Vector128.ConvertToSingle(b0 - zb) * sb),
                        act.Apply(Vector128.ConvertToSingle(a1 - za) * sa + Vector128.ConvertToSingle(b1 - zb) * sb),
                        act.Apply(Vector128.ConvertToSingle(a2 - za) * sa + Vector128.ConvertToSingle(b2 - zb) * sb),
                        act.Apply(Vector128.ConvertToSingle(a3 - za) * sa + Vector128.ConvertToSingle(b3 - zb) * sb),
                        ref y, i);
                }
            }
            for (; i < n; i++)
            {
                int qa = aSigned ? (sbyte)Unsafe.Add(ref pa, i) : Unsafe.Add(ref pa, i), qb = bSigned ? (sbyte)Unsafe.Add(ref pb, i) : Unsafe.Add(ref pb, i);
                store.Store(act.Apply((float)(qa - aZero) * aScale + (float)(qb - bZero) * bScale), ref y, i);
            }
        }

        /// <summary>Sixteen bytes to sixteen int lanes in one widening.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<int> Widen512(Vector128<byte> bytes, bool signed) => signed
            ? Vector512.WidenLower(Vector256.WidenLower(bytes.AsSByte().ToVector256()).ToVector512())
            : Vector512.WidenLower(Vector256.WidenLower(bytes.ToVector256()).ToVector512()).AsInt32();

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static (Vector128<int>, Vector128<int>, Vector128<int>, Vector128<int>) Widen(Vector128<byte> bytes, bool signed)
        {
            if (signed)
            {
                var (lo, hi) = Vector128.Widen(bytes.AsSByte());
                var (a, b) = Vector128.Widen(lo);
                var (c, d) = Vector128.Widen(hi);
                return (a, b, c, d);
            }
            var (ulo, uhi) = Vector128.Widen(bytes);
            var (ua, ub) = Vector128.Widen(ulo);
            var (uc, ud) = Vector128.Widen(uhi);
            return (ua.AsInt32(), ub.AsInt32(), uc.AsInt32(), ud.AsInt32());
        }

        private interface IStore
        {
            void Store(float value, ref byte y, int i);

            void Store(Vector128<float> v0, Vector128<float> v1, Vector128<float> v2, Vector128<float> v3, ref byte y, int i);

            void Store(Vector512<float> v, ref byte y, int i);
        }

        private readonly struct ToFloats : IStore
        {
            public void Store(float value, ref byte y, int i) => Unsafe.Add(ref Unsafe.As<byte, float>(ref y), i) = value;

            public void Store(Vector512<float> v, ref byte y, int i) => v.StoreUnsafe(ref Unsafe.As<byte, float>(ref y), (nuint)i);

            public void Store(Vector128<float> v0, Vector128<float> v1, Vector128<float> v2, Vector128<float> v3, ref byte y, int i)
            {
                ref float f = ref Unsafe.As<byte, float>(ref y);
                v0.StoreUnsafe(ref f, (nuint)i);
                v1.StoreUnsafe(ref f, (nuint)i + 4);
                v2.StoreUnsafe(ref f, (nuint)i + 8);
                v3.StoreUnsafe(ref f, (nuint)i + 12);
            }
        }

        private readonly struct ToCodes : IStore
        {
            private readonly float _scale, _zero, _lo, _hi;
            private readonly int _zeroPoint, _min, _max;

            public ToCodes(float scale, int zero, bool signed)
            {
                _scale = scale;
                _zeroPoint = zero;
                _zero = zero;
                _min = signed ? -128 : 0;
                _max = signed ? 127 : 255;
                _lo = _min;
                _hi = _max;
            }

            public void Store(float value, ref byte y, int i) => Unsafe.Add(ref y, i) = (byte)Quantize.Saturate(value / _scale, _zeroPoint, _min, _max);

            public void Store(Vector512<float> v, ref byte y, int i) =>
                QuantizeVectors.Narrow(QuantizeVectors.Codes(v, Vector512.Create(_scale), Vector512.Create(_zero), Vector512.Create(_lo), Vector512.Create(_hi))).StoreUnsafe(ref y, (nuint)i);

            public void Store(Vector128<float> v0, Vector128<float> v1, Vector128<float> v2, Vector128<float> v3, ref byte y, int i)
            {
                Vector128<float> s = Vector128.Create(_scale), z = Vector128.Create(_zero), l = Vector128.Create(_lo), h = Vector128.Create(_hi);
                QuantizeVectors.Narrow(QuantizeVectors.Codes(v0, s, z, l, h), QuantizeVectors.Codes(v1, s, z, l, h), QuantizeVectors.Codes(v2, s, z, l, h), QuantizeVectors.Codes(v3, s, z, l, h))
                    .StoreUnsafe(ref y, (nuint)i);
            }
        }
    }
}
