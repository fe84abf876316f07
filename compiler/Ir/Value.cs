using System;
using System.Text;

namespace Bitsmith.Compiler.Ir
{
    /// <summary>
    /// An edge of the dataflow graph: a tensor with a static type and shape,
    /// produced by one node (or a graph input, or a constant) and read by any
    /// number of nodes. A quantised tensor carries <see cref="Quant"/>.
    /// </summary>
    public sealed class Value
    {
        public Value(string name, ElementType type, int[] shape)
        {
            Name = name;
            Type = type;
            Shape = shape;
        }

        public string Name { get; set; }

        public ElementType Type { get; set; }

        public int[] Shape { get; set; }

        /// <summary>Set for initializers and folded constants.</summary>
        public Tensor? Constant { get; set; }

        /// <summary>Set on tensors of integers that stand for real values.</summary>
        public QuantParams? Quant { get; set; }

        /// <summary>Set on a weight kept as codebook codes (then <see cref="Constant"/> is null).</summary>
        public CodebookWeight? Codebook { get; set; }

        public bool IsConstant => Constant != null || Codebook != null;

        /// <summary>The constant's values, a codebook weight's materialised (for kernels that read a dense weight).</summary>
        public Tensor ConstantValues() => Constant ?? Codebook?.Materialize(Shape) ?? throw new InvalidOperationException($"value '{Name}' is not a constant");

        public int Rank => Shape.Length;

        public static Value FromConstant(string name, Tensor t) =>
            new Value(name, t.Type, t.Shape) { Constant = t };

        /// <summary>"s8[16,3,3,3] q(...)" — the type part of the IR dump.</summary>
        public string TypeString()
        {
            var sb = new StringBuilder();
            sb.Append(Type.ShortName()).Append(Ir.Shape.Format(Shape));
            if (Quant != null)
                sb.Append(' ').Append(Quant);
            if (Codebook != null)
                sb.Append(' ').Append(Codebook);
            return sb.ToString();
        }

        public override string ToString() => $"%{Name}: {TypeString()}";
    }
}
