using Bitsmith.Compiler.Lowering;

namespace Bitsmith.Compiler.Emit
{
    /// <summary>A parameter of a layer method: a value's span (<see cref="Value"/>), a packed constant (<see cref="Packed"/>), or the workspace (neither).</summary>
    public sealed record LayerParameter(string Type, string Name, string? Value, PlanPacked? Packed);
}
