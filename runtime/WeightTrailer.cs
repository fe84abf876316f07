using System;
using System.Buffers.Binary;
using System.Globalization;

namespace Bitsmith.Runtime
{
    /// <summary>
    /// The end of a weight resource, which makes it self-describing: the packed weights (the
    /// payload, whose offsets the plan records) come first and unchanged, then 48 bytes,
    /// little-endian:
    /// <code>
    /// offset  bytes  field
    ///  0       8     payload length
    ///  8      32     SHA-256 of the payload
    /// 40       4     format version (1)
    /// 44       4     magic "BSMW"
    /// </code>
    /// The magic is last so that a reader finds it from the end. This file is compiled into the
    /// runtime, which checks it on first use, and into the compiler, which writes it and whose
    /// MSBuild task checks it before reusing a build's outputs: one definition of the format.
    /// </summary>
    internal static class WeightTrailer
    {
        public const int Size = 48;

        public const int Version = 1;

        public const int Sha256Bytes = 32;

        /// <summary>"BSMW" read as a little-endian uint.</summary>
        private const uint Magic = 0x574D5342;

        private const int LengthAt = 0, Sha256At = 8, VersionAt = 40, MagicAt = 44;

        /// <summary>Writes into <paramref name="trailer"/> (<see cref="Size"/> bytes) the trailer of a payload of <paramref name="payloadLength"/> bytes with this SHA-256.</summary>
        public static void Write(Span<byte> trailer, long payloadLength, ReadOnlySpan<byte> sha256)
        {
            if (trailer.Length != Size || sha256.Length != Sha256Bytes)
                throw new ArgumentException("a weight trailer is 48 bytes and holds a 32-byte SHA-256");
            BinaryPrimitives.WriteInt64LittleEndian(trailer.Slice(LengthAt), payloadLength);
            sha256.CopyTo(trailer.Slice(Sha256At));
            BinaryPrimitives.WriteInt32LittleEndian(trailer.Slice(VersionAt), Version);
            BinaryPrimitives.WriteUInt32LittleEndian(trailer.Slice(MagicAt), Magic);
        }

        /// <summary>
        /// Why <paramref name="resource"/> (payload and trailer) is not the weights a plan of
        /// <paramref name="length"/> bytes and this SHA-256 was made with; null when it is. Compares
        /// the trailer's hash with the plan's and hashes nothing, so it is cheap at run time.
        /// </summary>
        public static string? Problem(ReadOnlySpan<byte> resource, long length, ReadOnlySpan<byte> sha256)
        {
            if (resource.Length < Size)
                return "the weights are cut short: " + Number(resource.Length) + " bytes, fewer than the " + Number(Size) + " of their trailer";
            var trailer = resource.Slice(resource.Length - Size);
            if (BinaryPrimitives.ReadUInt32LittleEndian(trailer.Slice(MagicAt)) != Magic)
                return "the weights do not end in a Bitsmith trailer, so they were cut short or written by an older Bitsmith";
            int version = BinaryPrimitives.ReadInt32LittleEndian(trailer.Slice(VersionAt));
            if (version != Version)
                return "the weights' trailer has format version " + Number(version) + ", this Bitsmith reads version " + Number(Version);
            long recorded = BinaryPrimitives.ReadInt64LittleEndian(trailer.Slice(LengthAt));
            if (recorded != resource.Length - Size)
                return "the weights' trailer records " + Number(recorded) + " bytes of weights before it, there are " + Number(resource.Length - Size);
            if (recorded != length)
                return "the weights have " + Number(recorded) + " bytes, the plan says " + Number(length);
            if (!trailer.Slice(Sha256At, Sha256Bytes).SequenceEqual(sha256))
                return "the weights' trailer records another SHA-256 than the plan: they are from another build";
            return null;
        }

        private static string Number(long n) => n.ToString(CultureInfo.InvariantCulture);
    }
}
