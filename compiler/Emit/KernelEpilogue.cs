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
        public static string Activation(FusedActivation? a) =>
            a?.Kind == ActivationKind.Clip ? $"new {ActivationType(a)}({CSharp.Float(a.Min)}, {CSharp.Float(a.Max)})" : $"new {ActivationType(a)}()";

        /// <summary>The type of that struct, for a kernel's generic argument.</summary>
        public static string ActivationType(FusedActivation? a) => RuntimeNames.Kernels + "." + (a == null ? "NoActivation" : a.Kind switch
        {
            ActivationKind.Relu => "ReluOp",
            ActivationKind.Clip => "ClipOp",
            ActivationKind.HardSwish => "HardSwishOp",
            _ => throw new ArgumentOutOfRangeException(nameof(a)),
        });

        /// <summary>
        /// The call for one channel's run of sums (<paramref name="form"/> "Row": scalar constants),
        /// its strided rows ("Rows": <paramref name="acc"/> then stride, rows and width) or one row
        /// of channels ("Lanes": spans of constants) into <paramref name="destination"/>.
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

    /// <summary>
    /// A convolution's per-channel epilogue in generated code: the exact double-precision form
    /// (packed <c>scales</c> and <c>biases</c>) and, for the channels the compiler gave one, the
    /// single-precision one (packed <c>multipliers</c>, <c>addends</c>, <c>guards</c>, <c>bounds</c>;
    /// a channel without one has bounds (1, 0) and takes the exact form).
    /// </summary>
    internal sealed class ChannelEpilogue
    {
        private readonly LayerContext _c;
        private readonly string _scales, _biases, _multipliers, _addends, _guards, _bounds;

        private ChannelEpilogue(LayerContext c, string scales, string biases, string multipliers, string addends, string guards, string bounds)
        {
            _c = c;
            _scales = scales;
            _biases = biases;
            _multipliers = multipliers;
            _addends = addends;
            _guards = guards;
            _bounds = bounds;
        }

        /// <summary>Declares the constants' locals at the top of the layer method.</summary>
        public static ChannelEpilogue Declare(LayerContext c)
        {
            string M = RuntimeNames.Marshal;
            string scales = c.Local("scales"), biases = c.Local("biases");
            c.W.Line($"var {scales} = {M}.Cast<byte, double>({c.Packed("scales")});");
            c.W.Line($"var {biases} = {M}.Cast<byte, double>({c.Packed("biases")});");
            if (!c.HasPacked("multipliers"))
                return new ChannelEpilogue(c, scales, biases, "", "", "", "");
            string m = c.Local("multipliers"), a = c.Local("addends"), guards = c.Local("guards"), bounds = c.Local("bounds");
            c.W.Line($"var {m} = {M}.Cast<byte, float>({c.Packed("multipliers")});");
            c.W.Line($"var {a} = {M}.Cast<byte, float>({c.Packed("addends")});");
            c.W.Line($"var {guards} = {M}.Cast<byte, float>({c.Packed("guards")});");
            c.W.Line($"var {bounds} = {M}.Cast<byte, int>({c.Packed("bounds")});");
            return new ChannelEpilogue(c, scales, biases, m, a, guards, bounds);
        }

        /// <summary>The statement finishing <paramref name="rows"/> rows of <paramref name="width"/> sums, <paramref name="stride"/> apart, of one channel.</summary>
        public string Rows(string acc, string stride, string rows, string width, string offset, string channel, string destination)
        {
            var output = _c.Out(0);
            string exact = KernelEpilogue.Call("Rows", output, _c.Step.Activation, $"{acc}, {stride}, {rows}, {width}", offset, $"{_scales}[{channel}]", $"{_biases}[{channel}]", destination);
            if (_bounds.Length == 0)
                return exact;
            string bytes = output.Type == Ir.ElementType.Int8 ? $"{RuntimeNames.Marshal}.Cast<sbyte, byte>({destination})" : destination;
            string lo = $"{_bounds}[2 * {channel}]", hi = $"{_bounds}[2 * {channel} + 1]";
            return $"if ({lo} <= {hi}) {RuntimeNames.Int8}.Requantize.RowsToCodes({acc}, {stride}, {rows}, {width}, {offset}, {_multipliers}[{channel}], {_addends}[{channel}], {_guards}[{channel}], " +
                $"{_scales}[{channel}], {_biases}[{channel}], {CSharp.Float(output.Quant!.Scale[0])}, {CSharp.Int(output.Quant.ZeroPoint[0])}, {lo}, {hi}, {bytes}); else {exact}";
        }
    }
}
