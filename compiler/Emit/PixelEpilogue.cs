using System.Linq;

namespace Bitsmith.Compiler.Emit
{
    /// <summary>
    /// The epilogue of kernels that leave their sums channels-last (<c>acc[pixel · stride + channel]</c>):
    /// each pixel's channels requantised together (the exact "Lanes" form) into a line of the
    /// workspace, then scattered to the NCHW output. Shared by every channels-in-lanes implementation.
    /// Where every channel's single-precision form was proven, the lanes take it.
    /// </summary>
    internal static class PixelEpilogue
    {
        /// <summary>Workspace bytes of the line: one output value per channel.</summary>
        public static long LineBytes(Ir.ElementType output, int channels) => (long)channels * (output == Ir.ElementType.Float32 ? 4 : 1);

        /// <summary>
        /// Emits the line (<paramref name="lineBytes"/>, a Span&lt;byte&gt; of <see cref="LineBytes"/>) and the
        /// loop over pixels <paramref name="firstPixel"/> to <paramref name="endPixel"/> (all
        /// <paramref name="pixels"/> when null) of image <paramref name="batch"/>, whose sums start at
        /// <paramref name="acc"/>'s beginning; only channels <paramref name="firstChannel"/> to
        /// <paramref name="endChannel"/> when that is given (a range of output channels per thread).
        /// </summary>
        public static void Emit(LayerContext c, string lineBytes, string acc, int accStride, int channels, int pixels, string batch, string offsets, string scales, string biases,
            string firstPixel = "0", string? endPixel = null, string firstChannel = "0", string? endChannel = null)
        {
            var y = c.Out(0);
            string outType = CSharp.ElementType(y.Type), line = c.Local("line");
            c.W.Line($"var {line} = {(outType == "byte" ? lineBytes : $"{RuntimeNames.Marshal}.Cast<byte, {outType}>({lineBytes})")};");
            string p = c.Local("p");
            string? fast = c.HasPacked("lows") ? DeclareSinglePrecision(c, firstChannel) : null;
            string count = CSharp.Int(channels);
            if (endChannel != null)
            {
                count = c.Local("channels");
                c.W.Line($"int {count} = {endChannel} - {firstChannel};");
                line = $"{line}.Slice(0, {count})";
                offsets = $"{offsets}.Slice({firstChannel})";
                scales = $"{scales}.Slice({firstChannel})";
                biases = $"{biases}.Slice({firstChannel})";
            }
            using (c.W.Block($"for (int {p} = {firstPixel}; {p} < {endPixel ?? CSharp.Int(pixels)}; {p}++)"))
            {
                string pixel = firstPixel == "0" ? p : $"({p} - {firstPixel})";
                string sums = $"{acc}.Slice({Affine.Sum2($"{pixel} * {accStride}", firstChannel)}, {count})";
                if (fast != null)
                {
                    string codes = y.Type == Ir.ElementType.Int8 ? $"{RuntimeNames.Marshal}.Cast<sbyte, byte>({line})" : line;
                    c.W.Line($"{RuntimeNames.Int8}.Requantize.LanesToCodes({sums}, {offsets}, {fast}, {CSharp.Int(y.Quant!.ZeroPoint[0])}, {codes});");
                }
                else
                    c.W.Line(KernelEpilogue.Call("Lanes", y, c.Step.Activation, sums, offsets, scales, biases, line));
                string at = Affine.Sum2(Affine.Sum2(Affine.Term(batch, channels * pixels), Affine.Term(firstChannel, pixels)), p);
                c.W.Line($"{RuntimeNames.Kernels}.Strided.Scatter<{outType}>({line}, {c.OutName(0)}.Slice({at}), {pixels});");
            }
        }

        /// <summary>The single-precision constants every channel was proven for (<c>Int8Operands.PackLanesEpilogue</c>), as the call's arguments.</summary>
        private static string DeclareSinglePrecision(LayerContext c, string firstChannel)
        {
            var names = new[] { "multipliers", "addends", "lows", "highs" }.Select(n => (Name: n, Local: c.Local(n))).ToArray();
            foreach (var (name, local) in names)
                c.W.Line($"var {local} = {RuntimeNames.Marshal}.Cast<byte, float>({c.Packed(name)});");
            return string.Join(", ", names.Select(n => firstChannel == "0" ? n.Local : $"{n.Local}.Slice({firstChannel})"));
        }
    }
}
