namespace Bitsmith.Compiler.Emit
{
    /// <summary>Which part of a layer an emitter writes: all of it, or (for a layer split across threads) the prologue or the tile range.</summary>
    public enum LayerPart
    {
        /// <summary>The whole layer in one method: the prologue, then every tile.</summary>
        Whole,

        /// <summary>What runs once before the tiles, on the calling thread.</summary>
        Prologue,

        /// <summary>Tiles <see cref="LayerContext.TileStart"/> to <see cref="LayerContext.TileEnd"/>, with <see cref="LayerContext.TileWorkspace"/>.</summary>
        Tiles,
    }
}
