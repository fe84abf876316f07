using System.Collections.Generic;

namespace Bitsmith.Compiler.Lowering
{
    /// <summary>
    /// Where each buffer lives in the arena, the arena's size, and the lower bound no
    /// placement can beat: the largest total of bytes live at one step.
    /// </summary>
    public sealed record MemoryPlan(IReadOnlyList<long> Offsets, long ArenaBytes, long LowerBound);
}
