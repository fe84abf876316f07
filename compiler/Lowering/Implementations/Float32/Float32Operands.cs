using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Lowering.Implementations.Float32
{
    /// <summary>
    /// What the f32 kernels need of a layer left in float: plain f32 activations and output, a
    /// constant f32 weight they can lay out at build time (a codebook weight materialised: iPQ's
    /// layers then run at the dense kernels' speed, with the dense weight in the blob, as the
    /// interpreter-order fallback stores it too), and a constant bias if any. Quantised
    /// layers are "not a float layer" (the selector then leaves this kernel out of the reasons).
    /// </summary>
    internal static class Float32Operands
    {
        public static string? Problem(Node node, Value x, Value w, Value? bias)
        {
            if (x.Quant != null || w.Quant != null || node.Outputs[0].Quant != null)
                return "not a float layer (an operand or the output is quantised)";
            if (x.Type != ElementType.Float32 || w.Type != ElementType.Float32 || node.Outputs[0].Type != ElementType.Float32)
                return "not a float layer (an operand or the output is not f32)";
            if (!w.IsConstant)
                return "the weight is computed at run time (the kernel lays it out at build time)";
            if (bias != null && bias.Constant == null)
                return "the bias is not a constant";
            return null;
        }

        /// <summary>A Gemm's beta · C per output column (C of one value or one per column), zeros past <paramref name="columns"/> up to <paramref name="length"/>; a MatMul's zeros.</summary>
        public static float[] ColumnBiases(Node node, int columns, int length)
        {
            var biases = new float[length];
            var c = node.OpType == "Gemm" ? node.Input(2) : null;
            if (c != null)
            {
                double beta = node.GetFloat("beta", 1f);
                var real = Ops.Quantization.RealValuesInDouble(c, c.Constant!);
                for (int j = 0; j < columns; j++)
                    biases[j] = (float)(beta * real[real.Length == 1 ? 0 : j]);
            }
            return biases;
        }
    }
}
