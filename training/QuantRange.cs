using System;

namespace Bitsmith.Training;

/// <summary>
/// The integer grid of a uniform quantiser: levels <c>-QN … QP</c>. Signed b-bit:
/// <c>QN = 2^(b-1)</c>, <c>QP = 2^(b-1) - 1</c>; unsigned: <c>QN = 0</c>, <c>QP = 2^b - 1</c>
/// (the notation of shared/PAPERS.md).
/// </summary>
public readonly record struct QuantRange
{
    public QuantRange(int bits, bool signed)
    {
        if (bits < (signed ? 2 : 1) || bits > 16)
            throw new ArgumentOutOfRangeException(nameof(bits), bits,
                signed ? "A signed grid needs 2 to 16 bits." : "An unsigned grid needs 1 to 16 bits.");
        Bits = bits;
        Signed = signed;
    }

    public int Bits { get; }
    public bool Signed { get; }

    /// <summary>Number of negative levels.</summary>
    public int QN => Signed ? 1 << (Bits - 1) : 0;

    /// <summary>Number of positive levels.</summary>
    public int QP => Signed ? (1 << (Bits - 1)) - 1 : (1 << Bits) - 1;

    /// <summary>Number of steps between the lowest and the highest level.</summary>
    public int Steps => QN + QP;

    public override string ToString() => $"{(Signed ? "int" : "uint")}{Bits} [{-QN}, {QP}]";
}
