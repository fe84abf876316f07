namespace Bitsmith.Compiler.Ops
{
    /// <summary>
    /// What MaxPool does with NaN in f32 inputs, as ONNX's reference implementation
    /// (onnx/reference/ops/op_max_pool.py) does it; the interpreter, the loop-nest emitter and
    /// the runtime's 2-D kernel all follow it bit for bit. The reference has two loops:
    /// <list type="bullet">
    /// <item>strides and dilations all 1: <c>CommonPool._run</c> and <c>_pool</c>, which pad with
    /// NaN and drop every NaN before <c>np.max</c>, so NaN never wins.</item>
    /// <item>any other stride or dilation: <c>MaxPool._max_pool</c> and <c>_max_pool_1d/2d/3d</c>,
    /// which start each window at its first tap inside the input, whatever it holds, and replace
    /// it only with a greater tap (<c>&gt;</c>): a NaN first tap stays, a later NaN never wins.</item>
    /// </list>
    /// Both take the taps in row-major kernel order. Where the reference has no value we choose:
    /// a window whose taps inside the input are all NaN (<c>np.max</c> of nothing raises) gives
    /// its first tap, as the second loop does; of equal taps (+0 and -0) the first stays on both
    /// loops (<c>np.max</c> leaves that to NumPy).
    /// </summary>
    public static class MaxPoolNaN
    {
        /// <summary>The bits of NumPy's NaN, which the reference writes for a 1-D or 3-D window with no tap inside the input.</summary>
        public const int EmptyWindowNaNBits = 0x7FC00000;

        /// <summary>True where the reference drops NaN (its first loop): every stride and dilation 1.</summary>
        public static bool DropsNaN(int[] strides, int[] dilations)
        {
            foreach (int s in strides)
                if (s != 1)
                    return false;
            foreach (int d in dilations)
                if (d != 1)
                    return false;
            return true;
        }

        /// <summary>Whether tap <paramref name="v"/> replaces the window's maximum so far (not the first tap, which always starts it).</summary>
        public static bool Replaces(float v, float max, bool dropsNaN) =>
            v > max || (dropsNaN && float.IsNaN(max) && !float.IsNaN(v));

        /// <summary>
        /// A window with no tap inside the input (a dilated window over a small map, or pads at
        /// least the kernel): <c>_max_pool_2d</c> skips it and leaves the 0 its output starts
        /// with; <c>_max_pool_1d</c> and <c>_max_pool_3d</c> write None, which NumPy stores as NaN.
        /// The unit-stride loop has no value (np.max of nothing); we give the same.
        /// </summary>
        public static float EmptyWindow(int spatialRank) =>
            spatialRank == 2 ? 0f : System.BitConverter.ToSingle(System.BitConverter.GetBytes(EmptyWindowNaNBits), 0);
    }
}
