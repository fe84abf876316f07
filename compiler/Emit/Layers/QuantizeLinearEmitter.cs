using System.Collections.Generic;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Lowering;
using Bitsmith.Compiler.Ops;

namespace Bitsmith.Compiler.Emit.Layers
{
    /// <summary>
    /// QuantizeLinear and DequantizeLinear (<see cref="QuantizeLinear"/>, <see cref="DequantizeLinear"/>)
    /// of either domain: per element the parameter index of its axis or block (lowered from
    /// <see cref="QdqLayout"/>), the scale and zero point read from their inputs, then
    /// <c>saturate(roundHalfEven(x / scale) + zp)</c> or <c>(float)(q - zp) · scale</c>.
    /// </summary>
    public sealed class QuantizeLinearEmitter : OpEmitter
    {
        private readonly bool _dequantize;

        public QuantizeLinearEmitter(string opType, string domain)
        {
            OpType = opType;
            Domain = domain;
            _dequantize = opType == "DequantizeLinear";
        }

        public override string OpType { get; }

        public override string Domain { get; }

        public override IEnumerable<PlanAttribute> Lower(Node node)
        {
            var layout = QdqLayout.Read(node, node.Inputs[0]!, node.Inputs[1]!, node.Input(2));
            return new[] { PlanAttribute.Of("axis", layout.Axis), PlanAttribute.Of("block-size", layout.BlockSize) };
        }

        public override void Emit(LayerContext c)
        {
            var x = c.In(0);
            string i = c.Local("i"), k = c.Local("k");
            string index = c.In(1).Length == 1 ? "0"
                : LayerContext.ParamIndex((int)c.Step.Int("axis"), (int)c.Step.Int("block-size"), x.Shape.ToArray(), i);
            using (c.W.Block($"for (int {i} = 0; {i} < {x.Length}; {i}++)"))
            {
                c.W.Line($"int {k} = {index};");
                string scale = c.Element(1, k);
                string zero = c.HasIn(2) ? $"(int){c.Element(2, k)}" : "0";
                if (_dequantize)
                {
                    c.W.Line($"{c.OutName(0)}[{i}] = (float)({LayerContext.Widen(x, c.Element(0, i))} - {zero}) * {scale};");
                    return;
                }
                var y = c.Out(0);
                string scaled = x.Type == ElementType.Int32 ? $"(double){c.Element(0, i)} / {scale}" : $"{c.Element(0, i)} / {scale}";
                c.W.Line($"{c.OutName(0)}[{i}] = ({CSharp.ElementType(y.Type)})global::Bitsmith.Runtime.Quantize.Saturate({scaled}, {zero}, {y.Type.MinValue()}, {y.Type.MaxValue()});");
            }
        }
    }
}
