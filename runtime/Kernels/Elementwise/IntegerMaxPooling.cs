using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Bitsmith.Runtime.Kernels.Elementwise
{
    /// <summary>
    /// 2-D max pooling of u8 or s8 planes (quantised values share the input's parameters, so the
    /// largest code is the largest value): per output row, the window's input rows are reduced
    /// with vector maxima into one row, then each output takes the maximum of its columns there.
    /// Taps in the padding are skipped; a window with none gives the type's lowest value (what
    /// float's lowest value quantises to).
    /// </summary>
    public static class IntegerMaxPooling
    {
        /// <param name="rows">Workspace of two input rows: the window rows' maximum, then the window columns' maximum.</param>
        public static void Pool2d<T>(ReadOnlySpan<T> x, int planes, int height, int width, int kernelH, int kernelW,
            int strideH, int strideW, int dilationH, int dilationW, int padTop, int padLeft, int outHeight, int outWidth, Span<T> rows, Span<T> y)
            where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
        {
            if (x.Length < planes * height * width || y.Length < planes * outHeight * outWidth || rows.Length < 2 * width)
                throw new ArgumentException("the planes or the row buffers do not fit the spans");
            if (kernelH == 2 && kernelW == 2 && strideH == 2 && strideW == 2 && dilationH == 1 && dilationW == 1 && padTop == 0 && padLeft == 0
                && outHeight * 2 <= height && outWidth * 2 <= width)
            {
                Pool2x2(MemoryMarshal.AsBytes(x), typeof(T) == typeof(sbyte), planes, height, width, outHeight, outWidth, MemoryMarshal.AsBytes(y));
                return;
            }
            var row = rows.Slice(0, width);
            // window[i]: the maximum of the kernel's columns starting at input column i, where all are inside.
            int span = (kernelW - 1) * dilationW, whole = Math.Max(0, width - span);
            var window = rows.Slice(width, whole);
            // The outputs whose columns all lie inside the input: [first, last).
            int first = Math.Min(outWidth, Math.Max(0, (padLeft + strideW - 1) / strideW));
            int last = Math.Max(first, Math.Min(outWidth, whole == 0 ? 0 : (whole - 1 + padLeft) / strideW + 1));
            for (int p = 0; p < planes; p++)
            {
                var plane = x.Slice(p * height * width, height * width);
                var output = y.Slice(p * outHeight * outWidth, outHeight * outWidth);
                for (int oy = 0; oy < outHeight; oy++)
                {
                    row.Fill(T.MinValue);
                    for (int ky = 0; ky < kernelH; ky++)
                    {
                        int iy = oy * strideH - padTop + ky * dilationH;
                        if ((uint)iy < (uint)height)
                            Max(row, plane.Slice(iy * width, width));
                    }
                    if (kernelW == 3 && strideW == 2 && dilationW == 1 && last - first >= 8 && Vector128.IsHardwareAccelerated)
                    {
                        var outputs = output.Slice(oy * outWidth, outWidth);
                        Windows3Stride2(MemoryMarshal.AsBytes(row), typeof(T) == typeof(sbyte), first * 2 - padLeft, MemoryMarshal.AsBytes(outputs.Slice(first, last - first)));
                        for (int ox = 0; ox < first; ox++)
                            outputs[ox] = Edge(row, ox * strideW - padLeft, kernelW, dilationW);
                        for (int ox = last; ox < outWidth; ox++)
                            outputs[ox] = Edge(row, ox * strideW - padLeft, kernelW, dilationW);
                        continue;
                    }
                    if (whole > 0)
                    {
                        row.Slice(0, whole).CopyTo(window);
                        for (int kx = 1; kx < kernelW; kx++)
                            Max(window, row.Slice(kx * dilationW, whole));
                    }
                    var outputRow = output.Slice(oy * outWidth, outWidth);
                    for (int ox = 0; ox < first; ox++)
                        outputRow[ox] = Edge(row, ox * strideW - padLeft, kernelW, dilationW);
                    Strided.Gather<T>(window, first * strideW - padLeft, strideW, outputRow.Slice(first, last - first));
                    for (int ox = last; ox < outWidth; ox++)
                        outputRow[ox] = Edge(row, ox * strideW - padLeft, kernelW, dilationW);
                }
            }
        }

        /// <summary>
        /// The common 2x2 window at stride 2 with every window inside: per output row, the two input
        /// rows' maximum, then the maximum of each pair of bytes within 16-bit lanes (8 outputs from
        /// 16 bytes; the last step overlaps the one before, recomputing the same outputs).
        /// </summary>
        private static void Pool2x2(ReadOnlySpan<byte> x, bool signed, int planes, int height, int width, int outHeight, int outWidth, Span<byte> y)
        {
            for (int p = 0; p < planes; p++)
                for (int oy = 0; oy < outHeight; oy++)
                {
                    var top = x.Slice((p * height + 2 * oy) * width, width);
                    var bottom = x.Slice((p * height + 2 * oy + 1) * width, width);
                    var output = y.Slice((p * outHeight + oy) * outWidth, outWidth);
                    int ox = 0;
                    if (Vector128.IsHardwareAccelerated && outWidth >= 8)
                    {
                        for (int next = 0; ox < outWidth; ox = next)
                        {
                            next = ox + 8;
                            if (next > outWidth)
                            {
                                ox = outWidth - 8;
                                next = outWidth;
                            }
                            var a = Vector128.Create(top.Slice(2 * ox, 16));
                            var b = Vector128.Create(bottom.Slice(2 * ox, 16));
                            Vector128<byte> pairs;
                            if (signed)
                            {
                                var v = Vector128.Max(a.AsSByte(), b.AsSByte()).AsInt16();
                                var m = Vector128.Max(Vector128.ShiftRightArithmetic(Vector128.ShiftLeft(v, 8), 8), Vector128.ShiftRightArithmetic(v, 8));
                                pairs = Vector128.Narrow(m, m).AsByte();
                            }
                            else
                            {
                                var v = Vector128.Max(a, b).AsUInt16();
                                var m = Vector128.Max(v & Vector128.Create((ushort)0xFF), Vector128.ShiftRightLogical(v, 8));
                                pairs = Vector128.Narrow(m, m);
                            }
                            Unsafe.WriteUnaligned(ref output[ox], pairs.AsUInt64().ToScalar());
                        }
                        continue;
                    }
                    for (; ox < outWidth; ox++)
                    {
                        int i = 2 * ox;
                        output[ox] = signed
                            ? (byte)Math.Max(Math.Max((sbyte)top[i], (sbyte)top[i + 1]), Math.Max((sbyte)bottom[i], (sbyte)bottom[i + 1]))
                            : Math.Max(Math.Max(top[i], top[i + 1]), Math.Max(bottom[i], bottom[i + 1]));
                    }
                }
        }

        /// <summary>
        /// <c>y[j] = max(row[start + 2j], row[start + 2j + 1], row[start + 2j + 2])</c>, windows all inside the
        /// row (the 3-wide, stride-2 pooling of ResNets): eight outputs from two loads, as the maxima of
        /// the bytes of 16-bit lanes (the last step overlaps the one before, recomputing the same outputs).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Windows3Stride2(ReadOnlySpan<byte> row, bool signed, int start, Span<byte> y)
        {
            if (y.Length < 8 || start < 0 || start + 2 * y.Length + 1 > row.Length)
                throw new ArgumentException("the windows do not fit the row");
            for (int j = 0, next = 0; j < y.Length; j = next)
            {
                next = j + 8;
                if (next > y.Length)
                {
                    j = y.Length - 8;
                    next = y.Length;
                }
                // Lanes of a: (row[s + 2i], row[s + 2i + 1]); of b: (row[s + 2i + 1], row[s + 2i + 2]). In bounds: checked above.
                var a = Vector128.LoadUnsafe(ref MemoryMarshal.GetReference(row), (nuint)(start + 2 * j));
                var b = Vector128.LoadUnsafe(ref MemoryMarshal.GetReference(row), (nuint)(start + 2 * j + 1));
                Vector128<byte> codes;
                if (signed)
                {
                    var wa = a.AsInt16();
                    var hb = Vector128.ShiftRightArithmetic(b.AsInt16(), 8);
                    var m = Vector128.Max(Vector128.Max(Vector128.ShiftRightArithmetic(Vector128.ShiftLeft(wa, 8), 8), Vector128.ShiftRightArithmetic(wa, 8)), hb);
                    codes = Vector128.Narrow(m, m).AsByte();
                }
                else
                {
                    var wa = a.AsUInt16();
                    var hb = Vector128.ShiftRightLogical(b.AsUInt16(), 8);
                    var m = Vector128.Max(Vector128.Max(wa & Vector128.Create((ushort)0xFF), Vector128.ShiftRightLogical(wa, 8)), hb);
                    codes = Vector128.Narrow(m, m);
                }
                Unsafe.WriteUnaligned(ref y[j], codes.AsUInt64().ToScalar());
            }
        }

        /// <summary>A window that reaches past the row: the maximum of its columns inside (the lowest value if none).</summary>
        private static T Edge<T>(ReadOnlySpan<T> row, int start, int kernelW, int dilationW)
            where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
        {
            T max = T.MinValue;
            for (int kx = 0, ix = start; kx < kernelW; kx++, ix += dilationW)
                if ((uint)ix < (uint)row.Length && row[ix] > max)
                    max = row[ix];
            return max;
        }

        /// <summary>
        /// <c>into[i] = max(into[i], from[i])</c>, 16 bytes a step (the last step may overlap the one before).
        /// By reference and always inlined: inside a generated layer, where <see cref="Pool2d"/> is itself
        /// inlined, the JIT otherwise calls out to each vector <c>Create</c>, <c>CopyTo</c> and <c>Slice</c>
        /// (ResNet-18's pool measured 2.5x its time in isolation).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Max<T>(Span<T> into, ReadOnlySpan<T> from)
            where T : unmanaged, IBinaryInteger<T>
        {
            int i = 0, n = into.Length;
            if (Vector128.IsHardwareAccelerated && n >= Vector128<T>.Count)
            {
                if (from.Length < n)
                    throw new ArgumentException("the rows differ in length");
                ref T a = ref MemoryMarshal.GetReference(into);
                ref T b = ref MemoryMarshal.GetReference(from);
                nuint step = (nuint)Vector128<T>.Count, last = (nuint)n - step;
                for (nuint j = 0; j < last; j += step)
                    Vector128.Max(Vector128.LoadUnsafe(ref a, j), Vector128.LoadUnsafe(ref b, j)).StoreUnsafe(ref a, j);
                Vector128.Max(Vector128.LoadUnsafe(ref a, last), Vector128.LoadUnsafe(ref b, last)).StoreUnsafe(ref a, last);
                return;
            }
            for (; i < n; i++)
                if (from[i] > into[i])
                    into[i] = from[i];
        }
    }
}
