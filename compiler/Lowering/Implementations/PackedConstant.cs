namespace Bitsmith.Compiler.Lowering.Implementations
{
    /// <summary>A constant an implementation derives at build time: its name in the layer method, its layout and its bytes.</summary>
    public sealed class PackedConstant
    {
        public PackedConstant(string name, PackedLayout layout, byte[] bytes)
        {
            Name = name;
            Layout = layout;
            Bytes = bytes;
        }

        public string Name { get; }

        public PackedLayout Layout { get; }

        public byte[] Bytes { get; }
    }
}
