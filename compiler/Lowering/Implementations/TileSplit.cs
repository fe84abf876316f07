namespace Bitsmith.Compiler.Lowering.Implementations
{
    /// <summary>
    /// How a layer's work splits into independent output tiles that threads can share: a
    /// prologue that runs once (e.g. packing the input into the shared first
    /// <see cref="SharedBytes"/> of the workspace), then <see cref="Tiles"/> tiles, each range of
    /// them computed with its own <see cref="TileBytes"/> of workspace.
    /// </summary>
    public sealed record TileSplit(int Tiles, long SharedBytes, long TileBytes);
}
