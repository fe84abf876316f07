using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Bitsmith.Runtime.Kernels.Int8
{
    /// <summary>
    /// The epilogue of the int8 kernels: exact int32 sums to the layer's output, computing what
    /// the reference interpreter computes for a quantised Conv, Gemm or MatMul, bit for bit:
    /// <c>real = (float)((double)(acc + offset) · scale + bias)</c> (offset = the zero-point
    /// terms folded at build time, scale = <c>(double)sx · sw</c>, bias in double), then the
    /// fused activation in float, then either the float itself or
    /// <c>saturate(roundHalfEven(real / sy) + zy)</c> as <see cref="Quantize"/> does. Doubles
    /// are multiplied and added separately (no fused multiply-add), as in the scalar code.
    /// <c>Row</c> forms take one channel's constants (outputs of one channel are contiguous, as
    /// in a convolution); <c>Lanes</c> forms take one constant per element (a matrix product's row).
    /// </summary>
    public static class Requantize
    {
        public static void RowToFloat<TAct>(ReadOnlySpan<int> acc, int offset, double scale, double bias, TAct act, Span<float> dst) where TAct : struct, IActivationOp =>
            Row(acc, offset, scale, bias, act, new FloatStore(), ref Unsafe.As<float, byte>(ref MemoryMarshal.GetReference(Checked(dst, acc.Length))), acc.Length);

        public static void RowToUInt8<TAct>(ReadOnlySpan<int> acc, int offset, double scale, double bias, TAct act, float outScale, int outZero, Span<byte> dst) where TAct : struct, IActivationOp =>
            Row(acc, offset, scale, bias, act, new QuantStore(outScale, outZero, 0, 255), ref MemoryMarshal.GetReference(Checked(dst, acc.Length)), acc.Length);

        public static void RowToInt8<TAct>(ReadOnlySpan<int> acc, int offset, double scale, double bias, TAct act, float outScale, int outZero, Span<sbyte> dst) where TAct : struct, IActivationOp =>
            Row(acc, offset, scale, bias, act, new QuantStore(outScale, outZero, -128, 127), ref Unsafe.As<sbyte, byte>(ref MemoryMarshal.GetReference(Checked(dst, acc.Length))), acc.Length);

        /// <summary>
        /// <paramref name="rows"/> runs of <paramref name="width"/> sums, <paramref name="stride"/>
        /// apart in <paramref name="acc"/> (a convolution's output rows inside its padded planes),
        /// into consecutive rows of <paramref name="dst"/>: one call per channel.
        /// </summary>
        public static void RowsToFloat<TAct>(ReadOnlySpan<int> acc, int stride, int rows, int width, int offset, double scale, double bias, TAct act, Span<float> dst) where TAct : struct, IActivationOp
        {
            if (stride == width)
                (width, rows) = (width * rows, Math.Min(rows, 1)); // contiguous rows: one run
            int y = 0;
            if (NarrowRows(width))
                for (; y < rows && OverlapFits(y, stride, width, acc.Length, dst.Length); y++)
                    RowToFloat(acc.Slice(y * stride, Block), offset, scale, bias, act, dst.Slice(y * width, Block));
            for (; y < rows; y++)
                RowToFloat(acc.Slice(y * stride, width), offset, scale, bias, act, dst.Slice(y * width, width));
        }

        public static void RowsToUInt8<TAct>(ReadOnlySpan<int> acc, int stride, int rows, int width, int offset, double scale, double bias, TAct act, float outScale, int outZero, Span<byte> dst) where TAct : struct, IActivationOp
        {
            if (stride == width)
                (width, rows) = (width * rows, Math.Min(rows, 1)); // contiguous rows: one run
            int y = 0;
            if (NarrowRows(width))
                for (; y < rows && OverlapFits(y, stride, width, acc.Length, dst.Length); y++)
                    RowToUInt8(acc.Slice(y * stride, Block), offset, scale, bias, act, outScale, outZero, dst.Slice(y * width, Block));
            for (; y < rows; y++)
                RowToUInt8(acc.Slice(y * stride, width), offset, scale, bias, act, outScale, outZero, dst.Slice(y * width, width));
        }

        public static void RowsToInt8<TAct>(ReadOnlySpan<int> acc, int stride, int rows, int width, int offset, double scale, double bias, TAct act, float outScale, int outZero, Span<sbyte> dst) where TAct : struct, IActivationOp
        {
            if (stride == width)
                (width, rows) = (width * rows, Math.Min(rows, 1)); // contiguous rows: one run
            int y = 0;
            if (NarrowRows(width))
                for (; y < rows && OverlapFits(y, stride, width, acc.Length, dst.Length); y++)
                    RowToInt8(acc.Slice(y * stride, Block), offset, scale, bias, act, outScale, outZero, dst.Slice(y * width, Block));
            for (; y < rows; y++)
                RowToInt8(acc.Slice(y * stride, width), offset, scale, bias, act, outScale, outZero, dst.Slice(y * width, width));
        }

        /// <summary>
        /// The single-precision form of one channel: <c>clamp(roundHalfEven((float)(acc + offset) · m + b)
        /// + zero, lo, hi)</c>, the fused activation folded into the bounds. Codes as bytes (s8 in two's
        /// complement). The compiler proved it equal to the exact form wherever <c>(float)(acc + offset) · m + b</c>
        /// is more than <paramref name="guard"/> from an integer; a vector with a value nearer a rounding
        /// boundary than that takes the exact form (<see cref="ExactCode"/>, with <paramref name="scale"/>,
        /// <paramref name="bias"/> and <paramref name="outScale"/>) lane by lane.
        /// </summary>
        public static void RowsToCodes(ReadOnlySpan<int> acc, int stride, int rows, int width, int offset, float m, float b, float guard,
            double scale, double bias, float outScale, int zero, int lo, int hi, Span<byte> dst)
        {
            if (stride == width)
                (width, rows) = (width * rows, Math.Min(rows, 1)); // contiguous rows: one run
            if ((long)(rows - 1) * stride + width > acc.Length && rows > 0 || dst.Length < rows * width)
                throw new ArgumentException("the rows do not fit the spans");
            ref int pa = ref MemoryMarshal.GetReference(acc);
            ref byte pd = ref MemoryMarshal.GetReference(dst);
            bool check = guard < 0.5f; // a proven channel's guard is 1: nothing to check
            for (int y = 0; y < rows; y++)
            {
                ref int a = ref Unsafe.Add(ref pa, y * stride);
                ref byte d = ref Unsafe.Add(ref pd, y * width);
                int i = 0, run = width;
                if (NarrowRows(width) && OverlapFits(y, stride, width, acc.Length, dst.Length))
                    run = Block;
                if (Vector512.IsHardwareAccelerated)
                {
                    Vector512<float> vm = Vector512.Create(m), vb = Vector512.Create(b), vg = Vector512.Create(guard), vz = Vector512.Create((float)zero), vlo = Vector512.Create((float)lo), vhi = Vector512.Create((float)hi);
                    // The last step overlaps the one before (the same codes again) rather than leave a tail to the narrower forms.
                    for (; i < run; i += 16)
                    {
                        if (i + 16 > run)
                        {
                            if (run < 16)
                                break;
                            i = run - 16;
                        }
                        var v = Vector512.ConvertToSingle(Vector512.LoadUnsafe(ref a, (nuint)i) + Vector512.Create(offset)) * vm + vb;
                        var r = Vector512.Round(v);
                        if (check && Vector512.GreaterThanAny(Vector512.Abs(v - r), vg))
                        {
                            for (int j = i; j < i + 16; j++)
                                Unsafe.Add(ref d, j) = (byte)ExactCode(Unsafe.Add(ref a, j) + offset, scale, bias, outScale, zero, lo, hi);
                            continue;
                        }
                        var q = r + vz;
                        q = Vector512.ConditionalSelect(Vector512.LessThan(q, vlo), vlo, q);
                        q = Vector512.ConditionalSelect(Vector512.GreaterThan(q, vhi), vhi, q);
                        QuantizeVectors.Narrow(Vector512.ConvertToInt32Native(q)).StoreUnsafe(ref d, (nuint)i);
                    }
                }
                if (Avx2.IsSupported)
                {
                    // vcvtps2dq rounds half to even itself; the zero point and the bounds then in integers.
                    Vector256<float> vm = Vector256.Create(m), vb = Vector256.Create(b), vg = Vector256.Create(guard);
                    Vector256<int> vz = Vector256.Create(zero), vlo = Vector256.Create(lo), vhi = Vector256.Create(hi), vo = Vector256.Create(offset);
                    // 32 codes a step: two rounds of saturating packs (exact, the codes being in range) and one dword permute, one store.
                    var order = Vector256.Create(0, 4, 1, 5, 2, 6, 3, 7);
                    bool unsigned = lo >= 0;
                    for (; i + 32 <= run; i += 32)
                    {
                        ref int s = ref Unsafe.Add(ref a, i);
                        var v0 = Vector256.ConvertToSingle(Vector256.LoadUnsafe(ref s) + vo) * vm + vb;
                        var v1 = Vector256.ConvertToSingle(Vector256.LoadUnsafe(ref s, 8) + vo) * vm + vb;
                        var v2 = Vector256.ConvertToSingle(Vector256.LoadUnsafe(ref s, 16) + vo) * vm + vb;
                        var v3 = Vector256.ConvertToSingle(Vector256.LoadUnsafe(ref s, 24) + vo) * vm + vb;
                        Vector256<int> r0 = Avx.ConvertToVector256Int32(v0), r1 = Avx.ConvertToVector256Int32(v1), r2 = Avx.ConvertToVector256Int32(v2), r3 = Avx.ConvertToVector256Int32(v3);
                        if (check && (Vector256.GreaterThanAny(Vector256.Abs(v0 - Vector256.ConvertToSingle(r0)), vg) || Vector256.GreaterThanAny(Vector256.Abs(v1 - Vector256.ConvertToSingle(r1)), vg)
                            || Vector256.GreaterThanAny(Vector256.Abs(v2 - Vector256.ConvertToSingle(r2)), vg) || Vector256.GreaterThanAny(Vector256.Abs(v3 - Vector256.ConvertToSingle(r3)), vg)))
                        {
                            for (int j = i; j < i + 32; j++)
                                Unsafe.Add(ref d, j) = (byte)SingleCode(Unsafe.Add(ref a, j) + offset, m, b, guard, scale, bias, outScale, zero, lo, hi);
                            continue;
                        }
                        var words01 = Avx2.PackSignedSaturate(Vector256.Min(Vector256.Max(r0 + vz, vlo), vhi), Vector256.Min(Vector256.Max(r1 + vz, vlo), vhi));
                        var words23 = Avx2.PackSignedSaturate(Vector256.Min(Vector256.Max(r2 + vz, vlo), vhi), Vector256.Min(Vector256.Max(r3 + vz, vlo), vhi));
                        var bytes = unsigned ? Avx2.PackUnsignedSaturate(words01, words23) : Avx2.PackSignedSaturate(words01, words23).AsByte();
                        Avx2.PermuteVar8x32(bytes.AsInt32(), order).AsByte().StoreUnsafe(ref d, (nuint)i);
                    }
                    for (; i < run; i += 8)
                    {
                        if (i + 8 > run)
                        {
                            if (run < 8)
                                break;
                            i = run - 8;
                        }
                        var v = Vector256.ConvertToSingle(Vector256.LoadUnsafe(ref a, (nuint)i) + Vector256.Create(offset)) * vm + vb;
                        var r = Avx.ConvertToVector256Int32(v);
                        if (check && Vector256.GreaterThanAny(Vector256.Abs(v - Vector256.ConvertToSingle(r)), vg))
                        {
                            for (int j = i; j < i + 8; j++)
                                Unsafe.Add(ref d, j) = (byte)ExactCode(Unsafe.Add(ref a, j) + offset, scale, bias, outScale, zero, lo, hi);
                            continue;
                        }
                        Unsafe.WriteUnaligned(ref Unsafe.Add(ref d, i), QuantizeVectors.Narrow(Vector256.Min(Vector256.Max(r + vz, vlo), vhi)));
                    }
                }
                if (Vector128.IsHardwareAccelerated)
                {
                    Vector128<float> vm = Vector128.Create(m), vb = Vector128.Create(b), vg = Vector128.Create(guard), vz = Vector128.Create((float)zero), vlo = Vector128.Create((float)lo), vhi = Vector128.Create((float)hi);
                    for (; i + 4 <= run; i += 4)
                    {
                        var v = Vector128.ConvertToSingle(Vector128.LoadUnsafe(ref a, (nuint)i) + Vector128.Create(offset)) * vm + vb;
                        var r = Vector128.Round(v);
                        if (check && Vector128.GreaterThanAny(Vector128.Abs(v - r), vg))
                        {
                            for (int j = i; j < i + 4; j++)
                                Unsafe.Add(ref d, j) = (byte)ExactCode(Unsafe.Add(ref a, j) + offset, scale, bias, outScale, zero, lo, hi);
                            continue;
                        }
                        var q = r + vz;
                        q = Vector128.ConditionalSelect(Vector128.LessThan(q, vlo), vlo, q);
                        q = Vector128.ConditionalSelect(Vector128.GreaterThan(q, vhi), vhi, q);
                        var codes = Vector128.ConvertToInt32Native(q); // clamped already: the plain conversion is exact
                        Unsafe.WriteUnaligned(ref Unsafe.Add(ref d, i), QuantizeVectors.Narrow(codes, codes, codes, codes).AsUInt32().ToScalar());
                    }
                }
                for (; i < run; i++)
                    Unsafe.Add(ref d, i) = (byte)SingleCode(Unsafe.Add(ref a, i) + offset, m, b, guard, scale, bias, outScale, zero, lo, hi);
            }
        }

        /// <summary>One value of the single-precision form, or of the exact one where it lands within the guard of a rounding boundary.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)] // no call in the vector loops: live vectors would be spilled around it
        public static int SingleCode(int sum, float m, float b, float guard, double scale, double bias, float outScale, int zero, int lo, int hi)
        {
            float v = (float)((float)sum * m) + b;
            double r = Math.Round((double)v, MidpointRounding.ToEven);
            if (Math.Abs(v - r) > guard)
                return ExactCode(sum, scale, bias, outScale, zero, lo, hi);
            return (int)Math.Max(lo, Math.Min(hi, r + zero));
        }

        /// <summary>
        /// The interpreter's requantisation of one sum (with the offset added): <c>(float)(sum · scale + bias)</c>
        /// quantised with <paramref name="outScale"/> and <paramref name="zero"/>, the fused activation
        /// as the code bounds.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static int ExactCode(int sum, double scale, double bias, float outScale, int zero, int lo, int hi)
        {
            float real = (float)((double)sum * scale + bias);
            double q = Math.Round((double)(real / outScale), MidpointRounding.ToEven) + zero;
            return (int)Math.Max(lo, Math.Min(hi, q));
        }

        /// <summary>Vector results a step where a row is narrower.</summary>
        private const int Block = 16;

        /// <summary>
        /// Rows narrower than a vector are written a whole vector at a time: the lanes past the
        /// row's end land on the next row's place, which the next row then overwrites (rows go in
        /// order). Only where the vector stays inside both spans; the last rows go one by one.
        /// </summary>
        private static bool NarrowRows(int width) => width < Block && Vector256.IsHardwareAccelerated;

        private static bool OverlapFits(int y, int stride, int width, int accLength, int dstLength) =>
            (long)y * stride + Block <= accLength && (long)y * width + Block <= dstLength;

        public static void LanesToFloat<TAct>(ReadOnlySpan<int> acc, ReadOnlySpan<int> offset, ReadOnlySpan<double> scale, ReadOnlySpan<double> bias, TAct act, Span<float> dst) where TAct : struct, IActivationOp =>
            Lanes(acc, offset, scale, bias, act, new FloatStore(), ref Unsafe.As<float, byte>(ref MemoryMarshal.GetReference(Checked(dst, acc.Length))));

        public static void LanesToUInt8<TAct>(ReadOnlySpan<int> acc, ReadOnlySpan<int> offset, ReadOnlySpan<double> scale, ReadOnlySpan<double> bias, TAct act, float outScale, int outZero, Span<byte> dst) where TAct : struct, IActivationOp =>
            Lanes(acc, offset, scale, bias, act, new QuantStore(outScale, outZero, 0, 255), ref MemoryMarshal.GetReference(Checked(dst, acc.Length)));

        public static void LanesToInt8<TAct>(ReadOnlySpan<int> acc, ReadOnlySpan<int> offset, ReadOnlySpan<double> scale, ReadOnlySpan<double> bias, TAct act, float outScale, int outZero, Span<sbyte> dst) where TAct : struct, IActivationOp =>
            Lanes(acc, offset, scale, bias, act, new QuantStore(outScale, outZero, -128, 127), ref Unsafe.As<sbyte, byte>(ref MemoryMarshal.GetReference(Checked(dst, acc.Length))));

        private static Span<T> Checked<T>(Span<T> dst, int count) =>
            dst.Length >= count ? dst : throw new ArgumentException($"the destination holds {dst.Length} elements, {count} are written", nameof(dst));

        private static void Row<TAct, TStore>(ReadOnlySpan<int> acc, int offset, double scale, double bias, TAct act, TStore store, ref byte dst, int count)
            where TAct : struct, IActivationOp where TStore : struct, IStore
        {
            ref int a = ref MemoryMarshal.GetReference(acc);
            int i = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                Vector512<double> s = Vector512.Create(scale), b = Vector512.Create(bias);
                for (; i + 16 <= count; i += 16)
                {
                    var v = Vector512.LoadUnsafe(ref a, (nuint)i) + Vector512.Create(offset);
                    var lo = Vector512.ConvertToDouble(Vector512.WidenLower(v)) * s + b;
                    var hi = Vector512.ConvertToDouble(Vector512.WidenUpper(v)) * s + b;
                    store.Store(act.Apply(Vector512.Narrow(lo, hi)), ref dst, i);
                }
            }
            if (Vector256.IsHardwareAccelerated)
            {
                Vector256<double> s = Vector256.Create(scale), b = Vector256.Create(bias);
                for (; i + 8 <= count; i += 8)
                {
                    var v = Vector256.LoadUnsafe(ref a, (nuint)i) + Vector256.Create(offset);
                    var lo = Vector256.ConvertToDouble(Vector256.WidenLower(v)) * s + b;
                    var hi = Vector256.ConvertToDouble(Vector256.WidenUpper(v)) * s + b;
                    store.Store(act.Apply(Vector256.Narrow(lo, hi)), ref dst, i);
                }
            }
            if (Vector128.IsHardwareAccelerated)
            {
                Vector128<double> s = Vector128.Create(scale), b = Vector128.Create(bias);
                for (; i + 4 <= count; i += 4)
                {
                    var v = Vector128.LoadUnsafe(ref a, (nuint)i) + Vector128.Create(offset);
                    var lo = Vector128.ConvertToDouble(Vector128.WidenLower(v)) * s + b;
                    var hi = Vector128.ConvertToDouble(Vector128.WidenUpper(v)) * s + b;
                    store.Store(act.Apply(Vector128.Narrow(lo, hi)), ref dst, i);
                }
            }
            for (; i < count; i++)
                store.Store(act.Apply((float)((double)(Unsafe.Add(ref a, i) + offset) * scale + bias)), ref dst, i);
        }

        private static void Lanes<TAct, TStore>(ReadOnlySpan<int> acc, ReadOnlySpan<int> offset, ReadOnlySpan<double> scale, ReadOnlySpan<double> bias, TAct act, TStore store, ref byte dst)
            where TAct : struct, IActivationOp where TStore : struct, IStore
        {
            int count = acc.Length;
            if (offset.Length < count || scale.Length < count || bias.Length < count)
                throw new ArgumentException("fewer constants than sums");
            ref int a = ref MemoryMarshal.GetReference(acc);
            ref int o = ref MemoryMarshal.GetReference(offset);
            ref double s = ref MemoryMarshal.GetReference(scale);
            ref double b = ref MemoryMarshal.GetReference(bias);
            int i = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                for (; i + 16 <= count; i += 16)
                {
                    var v = Vector512.LoadUnsafe(ref a, (nuint)i) + Vector512.LoadUnsafe(ref o, (nuint)i);
                    var lo = Vector512.ConvertToDouble(Vector512.WidenLower(v)) * Vector512.LoadUnsafe(ref s, (nuint)i) + Vector512.LoadUnsafe(ref b, (nuint)i);
                    var hi = Vector512.ConvertToDouble(Vector512.WidenUpper(v)) * Vector512.LoadUnsafe(ref s, (nuint)i + 8) + Vector512.LoadUnsafe(ref b, (nuint)i + 8);
                    store.Store(act.Apply(Vector512.Narrow(lo, hi)), ref dst, i);
                }
            }
            if (Vector256.IsHardwareAccelerated)
            {
                for (; i + 8 <= count; i += 8)
                {
                    var v = Vector256.LoadUnsafe(ref a, (nuint)i) + Vector256.LoadUnsafe(ref o, (nuint)i);
                    var lo = Vector256.ConvertToDouble(Vector256.WidenLower(v)) * Vector256.LoadUnsafe(ref s, (nuint)i) + Vector256.LoadUnsafe(ref b, (nuint)i);
                    var hi = Vector256.ConvertToDouble(Vector256.WidenUpper(v)) * Vector256.LoadUnsafe(ref s, (nuint)i + 4) + Vector256.LoadUnsafe(ref b, (nuint)i + 4);
                    store.Store(act.Apply(Vector256.Narrow(lo, hi)), ref dst, i);
                }
            }
            if (Vector128.IsHardwareAccelerated)
            {
                for (; i + 4 <= count; i += 4)
                {
                    var v = Vector128.LoadUnsafe(ref a, (nuint)i) + Vector128.LoadUnsafe(ref o, (nuint)i);
                    var lo = Vector128.ConvertToDouble(Vector128.WidenLower(v)) * Vector128.LoadUnsafe(ref s, (nuint)i) + Vector128.LoadUnsafe(ref b, (nuint)i);
                    var hi = Vector128.ConvertToDouble(Vector128.WidenUpper(v)) * Vector128.LoadUnsafe(ref s, (nuint)i + 2) + Vector128.LoadUnsafe(ref b, (nuint)i + 2);
                    store.Store(act.Apply(Vector128.Narrow(lo, hi)), ref dst, i);
                }
            }
            for (; i < count; i++)
                store.Store(act.Apply((float)((double)(Unsafe.Add(ref a, i) + Unsafe.Add(ref o, i)) * Unsafe.Add(ref s, i) + Unsafe.Add(ref b, i))), ref dst, i);
        }

        /// <summary>How a real result is written: as float, or quantised to a byte.</summary>
        private interface IStore
        {
            void Store(float value, ref byte dst, int i);

            void Store(Vector512<float> value, ref byte dst, int i);

            void Store(Vector256<float> value, ref byte dst, int i);

            void Store(Vector128<float> value, ref byte dst, int i);
        }

        private readonly struct FloatStore : IStore
        {
            public void Store(float value, ref byte dst, int i) => Unsafe.Add(ref Unsafe.As<byte, float>(ref dst), i) = value;

            public void Store(Vector512<float> value, ref byte dst, int i) => value.StoreUnsafe(ref Unsafe.As<byte, float>(ref dst), (nuint)i);

            public void Store(Vector256<float> value, ref byte dst, int i) => value.StoreUnsafe(ref Unsafe.As<byte, float>(ref dst), (nuint)i);

            public void Store(Vector128<float> value, ref byte dst, int i) => value.StoreUnsafe(ref Unsafe.As<byte, float>(ref dst), (nuint)i);
        }

        /// <summary><see cref="Quantize.Saturate(double, int, long, long)"/> of <c>value / scale</c> (the division in float), one byte an element.</summary>
        private readonly struct QuantStore : IStore
        {
            private readonly float _scale, _zero, _min, _max;
            private readonly int _zeroPoint, _minCode, _maxCode;

            public QuantStore(float scale, int zeroPoint, int min, int max)
            {
                _scale = scale;
                _zeroPoint = zeroPoint;
                _zero = zeroPoint;
                _minCode = min;
                _maxCode = max;
                _min = min;
                _max = max;
            }

            public void Store(float value, ref byte dst, int i) =>
                Unsafe.Add(ref dst, i) = (byte)Quantize.Saturate(value / _scale, _zeroPoint, _minCode, _maxCode);

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public void Store(Vector512<float> value, ref byte dst, int i) =>
                QuantizeVectors.Narrow(QuantizeVectors.Codes(value, Vector512.Create(_scale), Vector512.Create(_zero), Vector512.Create(_min), Vector512.Create(_max)))
                    .StoreUnsafe(ref dst, (nuint)i);

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public void Store(Vector256<float> value, ref byte dst, int i) =>
                Unsafe.WriteUnaligned(ref Unsafe.Add(ref dst, i),
                    QuantizeVectors.Narrow(QuantizeVectors.Codes(value, Vector256.Create(_scale), Vector256.Create(_zero), Vector256.Create(_min), Vector256.Create(_max))));

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public void Store(Vector128<float> value, ref byte dst, int i)
            {
                var codes = QuantizeVectors.Codes(value, Vector128.Create(_scale), Vector128.Create(_zero), Vector128.Create(_min), Vector128.Create(_max));
                Unsafe.WriteUnaligned(ref Unsafe.Add(ref dst, i), QuantizeVectors.Narrow(codes, codes, codes, codes).AsUInt32().ToScalar());
            }
        }
    }
}
