namespace Bitsmith.Compiler.Lowering
{
    /// <summary>A step's packed constant in the weight blob: its name in the layer method, its layout (as text, e.g. <c>c4-rows rows=64 words=144</c>), where it lies.</summary>
    public sealed record PlanPacked(string Name, string Layout, long Offset, long Bytes);
}
