namespace Bitsmith.Compiler.Emit
{
    /// <summary>The runtime's names as generated code spells them, in one place.</summary>
    internal static class RuntimeNames
    {
        public const string Runtime = "global::Bitsmith.Runtime";
        public const string Kernels = Runtime + ".Kernels";
        public const string Int8 = Kernels + ".Int8";
        public const string Float32 = Kernels + ".Float32";
        public const string Lookup = Kernels + ".Lookup";
        public const string Marshal = "global::System.Runtime.InteropServices.MemoryMarshal";
        public const string Span = "global::System.Span";
        public const string ReadOnlySpan = "global::System.ReadOnlySpan";
        public const string Math = "global::System.Math";
        public const string LayerThreads = "global::Bitsmith.LayerThreads";
        public const string ScratchArena = Runtime + ".ScratchArena";
    }
}
