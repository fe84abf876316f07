namespace Bitsmith.Cli.Verification
{
    /// <summary>The bounds <c>verify</c> applies.</summary>
    internal static class VerifyTolerances
    {
        /// <summary>
        /// Against the reference interpreter, which runs the same graph after the same passes: the
        /// integer layers are bit-exact, and float layers only sum in another order (float32
        /// rounding, about 1e-6 of the sum's magnitude).
        /// </summary>
        public static readonly Tolerance Interpreter = new Tolerance(1e-5, 1e-4, 0, integerStep: false,
            "against the interpreter, integer outputs equal and float outputs within 1e-5 + 1e-4 x their largest magnitude (float sums in another order)");

        /// <summary>
        /// Against the interpreter where a layer's kernel rounds on purpose (<c>LayerImplementation.Approximation</c>:
        /// the codebook GEMV's 16-bit tables, each block within half its chunk's step; on the codebook MLP of
        /// bench/models the logits end 1.6e-5 from the interpreter's, 1e-4 of their largest magnitude).
        /// </summary>
        public static readonly Tolerance InterpreterApproximate = new Tolerance(1e-5, 2e-3, 0, integerStep: false,
            "where a kernel rounds on purpose (codebook lookup tables), float outputs within 1e-5 + 2e-3 x their largest magnitude");

        /// <summary>
        /// Against ONNX Runtime running the file as written: it sums in float32 where Bitsmith sums
        /// exact integers, so a value on a rounding boundary of a quantiser can land one step away,
        /// and the next layers carry that step on. On random weights and inputs over the whole input
        /// quantiser's range, MobileNetV2 (bench/models) ends up to 16 steps of its 255-step output
        /// grid away (6 % of the range); tests/Compiler.Tests/BenchModelParityTests allows 24 steps
        /// (9 %) as written. A wrong scale, zero point or layout moves the logits by much of their
        /// range, which 10 % still catches; the class agreement is printed beside it. An integer
        /// (quantised) output gets one step more: one int8 conv layer alone is already a step away
        /// on a few values (bench/models/layers).
        /// </summary>
        public static readonly Tolerance OnnxRuntime = new Tolerance(1e-4, 0, 0.10, integerStep: true,
            "against ONNX Runtime, float outputs within 1e-4, and integer outputs within 1, + 10 % of the range of its output (it sums quantised layers in float, so values on a rounding boundary land a step away and later layers carry that on)");
    }
}
