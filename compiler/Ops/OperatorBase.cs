using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Ops
{
    /// <summary>Shared checks for operator implementations.</summary>
    public abstract class OperatorBase : IOperator
    {
        public abstract string OpType { get; }

        public virtual string Domain => "";

        public virtual int MinOpset => 1;

        public abstract void Infer(Node node);

        public abstract Tensor[] Evaluate(Node node, Tensor?[] inputs);

        /// <summary>
        /// Sets output <paramref name="index"/>. A quantised output (one that the QDQ pass gave
        /// quantisation parameters) keeps its integer type; otherwise it gets <paramref name="type"/>.
        /// </summary>
        protected static void SetOutput(Node node, int index, ElementType type, int[] shape)
        {
            if (index >= node.Outputs.Count)
                throw node.Error($"output {index} is missing");
            Shape.Size(shape); // rejects negative or oversized shapes here, before anything allocates
            var v = node.Outputs[index];
            if (v.Quant == null)
                v.Type = type;
            v.Shape = shape;
        }

        /// <summary>Throws unless <paramref name="v"/> has one of <paramref name="allowed"/> types.</summary>
        protected static void RequireType(Node node, Value v, string what, params ElementType[] allowed)
        {
            foreach (var t in allowed)
                if (v.Type == t)
                    return;
            throw node.Error($"{what} '{v.Name}' has element type {v.Type.ShortName()}, expected one of {string.Join(", ", System.Linq.Enumerable.Select(allowed, a => a.ShortName()))}");
        }

        protected static void RequireRank(Node node, Value v, string what, int rank)
        {
            if (v.Rank != rank)
                throw node.Error($"{what} '{v.Name}' must have rank {rank}, has shape {Shape.Format(v.Shape)}");
        }

        /// <summary>A constant input the op needs at compile time (a shape, axes, pads); throws if it is computed at run time.</summary>
        protected static Tensor RequireConstant(Node node, int index, string what)
        {
            var v = node.RequiredInput(index);
            return v.Constant ?? throw node.Error($"{what} (input {index}, '{v.Name}') must be a constant: shapes are static, so computing it at run time is not supported");
        }

        /// <summary>The float type rule most float-only ops share.</summary>
        protected static readonly ElementType[] FloatTypes = { ElementType.Float32 };
    }
}
