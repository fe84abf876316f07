namespace Bitsmith.Compiler.Emit
{
    /// <summary>
    /// The epilogue of kernels that leave their sums channels-last (<c>acc[pixel · stride + channel]</c>):
    /// each pixel's channels requantised together (the exact "Lanes" form) into a line of the
    /// workspace, then scattered to the NCHW output. Shared by every channels-in-lanes implementation.
    /// </summary>
    internal static class PixelEpilogue
    {
        /// <summary>Workspace bytes of the line: one output value per channel.</summary>
        public static long LineBytes(Ir.ElementType output, int channels) => (long)channels * (output == Ir.ElementType.Float32 ? 4 : 1);

        /// <summary>Emits the line (at <paramref name="lineOffset"/> of the workspace) and the per-pixel loop of image <paramref name="batch"/>.</summary>
        public static void Emit(LayerContext c, long lineOffset, string acc, int accStride, int channels, int pixels, string batch, string offsets, string scales, string biases)
        {
            var y = c.Out(0);
            string outType = CSharp.ElementType(y.Type), line = c.Local("line");
            string bytes = $"{c.Workspace}.Slice({CSharp.Int(lineOffset)}, {CSharp.Int(LineBytes(y.Type, channels))})";
            c.W.Line($"var {line} = {(outType == "byte" ? bytes : $"{RuntimeNames.Marshal}.Cast<byte, {outType}>({bytes})")};");
            string p = c.Local("p");
            using (c.W.Block($"for (int {p} = 0; {p} < {pixels}; {p}++)"))
            {
                c.W.Line(KernelEpilogue.Call("Lanes", y, c.Step.Activation, $"{acc}.Slice({p} * {accStride}, {channels})", offsets, scales, biases, line));
                c.W.Line($"{RuntimeNames.Kernels}.Strided.Scatter<{outType}>({line}, {c.OutName(0)}.Slice({Affine.Sum2(Affine.Term(batch, channels * pixels), p)}), {pixels});");
            }
        }
    }
}
