namespace Bitsmith.Compiler.Lowering
{
    /// <summary>A piece of the scratch arena: its size and the steps (inclusive, in execution order) during which it is live.</summary>
    public sealed record BufferRequest(long Bytes, int FirstStep, int LastStep)
    {
        public bool OverlapsInTime(BufferRequest other) => FirstStep <= other.LastStep && other.FirstStep <= LastStep;
    }
}
