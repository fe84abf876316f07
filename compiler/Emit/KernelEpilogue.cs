using System;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Lowering;

namespace Bitsmith.Compiler.Emit
{
    /// <summary>
    /// The calls that finish an int8 kernel's sums into the layer's output through
    /// <c>Runtime.Kernels.Int8.Requantize</c>: the fused activation as an operator struct, the
    /// output's type and parameters as literals.
    /// </summary>
    internal static class KernelEpilogue
    {
        /// <summary>The fused activation of a step as a runtime operator struct.</summary>
        public static string Activation(FusedActivation? a) => a == null ? $"new {RuntimeNames.Kernels}.NoActivation()" : a.Kind switch
        {
            ActivationKind.Relu => $"new {RuntimeNames.Kernels}.ReluOp()",
            ActivationKind.Clip => $"new {RuntimeNames.Kernels}.ClipOp({CSharp.Float(a.Min)}, {CSharp.Float(a.Max)})",
            ActivationKind.HardSwish => $"new {RuntimeNames.Kernels}.HardSwishOp()",
            _ => throw new ArgumentOutOfRangeException(nameof(a)),
        };

        /// <summary>
        /// The call for one channel's run of sums (<paramref name="form"/> "Row": scalar constants)
        /// or one row of channels ("Lanes": spans of constants) into <paramref name="destination"/>.
        /// </summary>
        public static string Call(string form, PlanValue output, FusedActivation? activation, string acc, string offset, string scale, string bias, string destination)
        {
            string act = Activation(activation);
            if (output.Quant == null)
                return $"{RuntimeNames.Int8}.Requantize.{form}ToFloat({acc}, {offset}, {scale}, {bias}, {act}, {destination});";
            string kind = output.Type == ElementType.Int8 ? "Int8" : "UInt8";
            return $"{RuntimeNames.Int8}.Requantize.{form}To{kind}({acc}, {offset}, {scale}, {bias}, {act}, {CSharp.Float(output.Quant.Scale[0])}, {CSharp.Int(output.Quant.ZeroPoint[0])}, {destination});";
        }
    }
}
