using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Ops
{
    /// <summary>Identity: the input unchanged, any element type, quantised or not.</summary>
    public sealed class Identity : DataMovementOperator
    {
        public override string OpType => "Identity";

        public override void Infer(Node node)
        {
            var x = node.RequiredInput(0);
            SetMovedOutput(node, x, x.Shape);
        }

        public override Tensor[] Evaluate(Node node, Tensor?[] inputs) => new[] { inputs[0]! };
    }
}
