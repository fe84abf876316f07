using System.Collections.Generic;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Lowering;

namespace Bitsmith.Compiler.Emit.Layers
{
    /// <summary>
    /// Add, Sub, Mul and Div with broadcasting (<see cref="Compiler.Ops.BinaryOperator"/>): f32 and
    /// quantised operands in float on their real values, then the output's activation and
    /// quantisation; integers in long, wrapped to the element type (division truncating, MinValue / -1 wrapping).
    /// </summary>
    public sealed class BinaryEmitter : OpEmitter
    {
        private static readonly Dictionary<string, string> Symbols = new Dictionary<string, string> { ["Add"] = "+", ["Sub"] = "-", ["Mul"] = "*", ["Div"] = "/" };

        public BinaryEmitter(string opType) => OpType = opType;

        public override string OpType { get; }

        public override void Emit(LayerContext c)
        {
            string op = Symbols[OpType];
            bool real = c.In(0).Quant != null || c.In(1).Quant != null || c.In(0).Type == ElementType.Float32;
            string type = CSharp.ElementType(c.Out(0).Type);
            string Integer(string x, string y) => OpType == "Div" ? $"global::Bitsmith.Runtime.IntegerMath.Divide({x}, {y})" : $"{x} {op} {y}";
            Loops.Broadcast(c, c.OutShape(0), new[] { c.InShape(0), c.InShape(1) }, (o, at) => c.W.Line(real
                ? c.Store(0, o, $"({c.Real(0, at[0])}) {op} ({c.Real(1, at[1])})")
                : $"{c.OutName(0)}[{o}] = unchecked(({type})({Integer($"(long){c.Element(0, at[0])}", $"(long){c.Element(1, at[1])}")}));"));
        }
    }
}
