using System.Linq;

namespace Bitsmith.Compiler.Emit
{
    /// <summary>
    /// The epilogue of kernels that leave their sums channels-last (<c>acc[pixel · stride + channel]</c>),
    /// shared by every channels-in-lanes implementation. Where every channel has a single-precision
    /// form, <c>LanesToPlanes</c> requantises blocks of pixels and channels and writes them
    /// to the NCHW output transposed; otherwise each pixel's channels are requantised together (the
    /// exact "Lanes" form) into a line of the workspace, then scattered to the output.
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
            string? fast = c.HasPacked("lows") ? DeclareSinglePrecision(c, firstChannel) : null;
            string image = Affine.Sum2(Affine.Term(batch, channels * pixels), Affine.Term(firstChannel, pixels));
            string outType = CSharp.ElementType(y.Type);
            if (fast != null)
            {
                // Requantised and transposed in registers, straight into the channel planes (codes as bytes).
                string planes = outType == "byte" ? c.OutName(0) : $"{RuntimeNames.Marshal}.Cast<{outType}, byte>({c.OutName(0)})";
                string pixelCount = endPixel == null ? CSharp.Int(pixels) : firstPixel == "0" ? endPixel : $"{endPixel} - {firstPixel}";
                string channelCount = endChannel == null ? CSharp.Int(channels) : $"{endChannel} - {firstChannel}";
                string sums = firstChannel == "0" ? acc : $"{acc}.Slice({firstChannel})";
                string from = firstChannel == "0" ? offsets : $"{offsets}.Slice({firstChannel})";
                string exact = firstChannel == "0" ? $"{scales}, {biases}" : $"{scales}.Slice({firstChannel}), {biases}.Slice({firstChannel})";
                c.W.Line($"{RuntimeNames.Int8}.LanesToPlanes.Codes({sums}, {accStride}, {pixelCount}, {channelCount}, {from}, {fast}, {exact}, " +
                    $"{CSharp.Float(y.Quant!.Scale[0])}, {CSharp.Int(y.Quant.ZeroPoint[0])}, {Sliced(planes, Affine.Sum2(image, firstPixel))}, {pixels});");
                return;
            }
            string line = c.Local("line");
            c.W.Line($"var {line} = {(outType == "byte" ? lineBytes : $"{RuntimeNames.Marshal}.Cast<byte, {outType}>({lineBytes})")};");
            string p = c.Local("p");
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
                c.W.Line(KernelEpilogue.Call("Lanes", y, c.Step.Activation, sums, offsets, scales, biases, line));
                string at = Affine.Sum2(image, p);
                c.W.Line($"{RuntimeNames.Kernels}.Strided.Scatter<{outType}>({line}, {c.OutName(0)}.Slice({at}), {pixels});");
            }
        }

        private static string Sliced(string span, string start) => start == "0" ? span : $"{span}.Slice({start})";

        /// <summary>The single-precision constants, which every channel has (<c>Int8Operands.PackLanesEpilogue</c>), as the call's arguments.</summary>
        private static string DeclareSinglePrecision(LayerContext c, string firstChannel)
        {
            var names = new[] { "multipliers", "addends", "guards", "lows", "highs" }.Select(n => (Name: n, Local: c.Local(n))).ToArray();
            foreach (var (name, local) in names)
                c.W.Line($"var {local} = {RuntimeNames.Marshal}.Cast<byte, float>({c.Packed(name)});");
            return string.Join(", ", names.Select(n => firstChannel == "0" ? n.Local : $"{n.Local}.Slice({firstChannel})"));
        }
    }
}
