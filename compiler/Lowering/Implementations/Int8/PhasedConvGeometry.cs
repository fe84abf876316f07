using System;

namespace Bitsmith.Compiler.Lowering.Implementations.Int8
{
    /// <summary>
    /// A 2-D convolution seen by <c>ConvKernel</c>: the padded input split into stride phases,
    /// each a plane of <see cref="PlaneRows"/> × <see cref="PlaneCols"/> words, outputs indexed
    /// virtually as <c>y · PlaneCols + x</c> (columns past <see cref="OutWidth"/> are computed and
    /// dropped), every tap a word offset (<see cref="TapOffsets"/>, kernel row-major).
    /// Computed alike at lowering time (workspace size) and in the emitter (from the plan).
    /// </summary>
    internal sealed class PhasedConvGeometry
    {
        /// <summary>Output rows computed per kernel call: enough for a few hundred outputs, so the accumulators stay in L1.</summary>
        private const int TargetOutputsPerCall = 512;

        public PhasedConvGeometry(int channels, int inHeight, int inWidth, int[] kernel, int[] strides, int[] dilations, int[] padBegin, int[] padEnd, int outHeight, int outWidth)
        {
            Channels = channels;
            InHeight = inHeight;
            InWidth = inWidth;
            StrideH = strides[0];
            StrideW = strides[1];
            PadTop = padBegin[0];
            PadLeft = padBegin[1];
            OutHeight = outHeight;
            OutWidth = outWidth;
            PlaneRows = Ceil(inHeight + padBegin[0] + padEnd[0], StrideH);
            PlaneCols = Ceil(inWidth + padBegin[1] + padEnd[1], StrideW);
            int taps = kernel[0] * kernel[1];
            var phaseOf = new int[taps];
            var offsetOf = new int[taps];
            int inPlane = 0;
            for (int ky = 0; ky < kernel[0]; ky++)
                for (int kx = 0; kx < kernel[1]; kx++)
                {
                    int dy = ky * dilations[0], dx = kx * dilations[1], t = ky * kernel[1] + kx;
                    phaseOf[t] = dy % StrideH * StrideW + dx % StrideW;
                    offsetOf[t] = dy / StrideH * PlaneCols + dx / StrideW;
                    inPlane = Math.Max(inPlane, offsetOf[t]);
                }
            RowsPerCall = Math.Max(1, Math.Min(outHeight, TargetOutputsPerCall / PlaneCols));
            // Room for the last call's block-rounded outputs past the deepest tap.
            PlaneWords = Math.Max(PlaneRows * PlaneCols, outHeight * PlaneCols + 15 + inPlane);
            TapOffsets = new int[taps];
            for (int t = 0; t < taps; t++)
                TapOffsets[t] = phaseOf[t] * PlaneWords + offsetOf[t];
        }

        public int Channels { get; }

        public int InHeight { get; }

        public int InWidth { get; }

        public int StrideH { get; }

        public int StrideW { get; }

        public int PadTop { get; }

        public int PadLeft { get; }

        public int OutHeight { get; }

        public int OutWidth { get; }

        public int PlaneRows { get; }

        public int PlaneCols { get; }

        public int PlaneWords { get; }

        public int Phases => StrideH * StrideW;

        public int Quads => (Channels + 3) / 4;

        /// <summary>Words between consecutive channel quads.</summary>
        public int QuadStride => Phases * PlaneWords;

        /// <summary>Words of one group's packed input.</summary>
        public int PackedWords => Quads * QuadStride;

        public int[] TapOffsets { get; }

        public int RowsPerCall { get; }

        /// <summary>Outputs one kernel call computes for <paramref name="rows"/> output rows (a whole number of blocks).</summary>
        public int Count(int rows) => (rows * PlaneCols + 15) / 16 * 16;

        private static int Ceil(int a, int b) => (a + b - 1) / b;

    }
}
