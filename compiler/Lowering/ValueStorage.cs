namespace Bitsmith.Compiler.Lowering
{
    /// <summary>Where a value of the plan lives while the model runs.</summary>
    public enum ValueStorage
    {
        /// <summary>A caller's input span; the offset is the input's index.</summary>
        Input,

        /// <summary>A caller's output span; the offset is the output's index.</summary>
        Output,

        /// <summary>The scratch arena; the offset is in bytes.</summary>
        Arena,

        /// <summary>The packed weight blob; the offset is in bytes.</summary>
        Weight,
    }
}
