using System;
using System.Security.Cryptography;
using Bitsmith.Runtime;

namespace Bitsmith.Compiler.Lowering
{
    /// <summary>
    /// The weights file the build embeds as the model's resource: the packed weights, then the
    /// <see cref="WeightTrailer"/> with their length and SHA-256, so the file says itself what it
    /// holds and the plan's offsets into the weights stay as they are.
    /// </summary>
    public static class WeightResourceFile
    {
        /// <summary>The file for <paramref name="weights"/>, whose SHA-256 the plan records as <paramref name="sha256Hex"/>.</summary>
        public static byte[] Bytes(byte[] weights, string sha256Hex)
        {
            var file = new byte[weights.Length + WeightTrailer.Size];
            Buffer.BlockCopy(weights, 0, file, 0, weights.Length);
            WeightTrailer.Write(new Span<byte>(file, weights.Length, WeightTrailer.Size), weights.Length, Sha256Hex.Parse(sha256Hex));
            return file;
        }

        /// <summary>
        /// Why <paramref name="file"/> is not the weights a plan of <paramref name="length"/> bytes
        /// and SHA-256 <paramref name="sha256Hex"/> was made with, or null: its trailer must match
        /// the plan, and the weights before it must hash to what both record.
        /// </summary>
        public static string? Problem(byte[] file, long length, string sha256Hex)
        {
            byte[] planned = Sha256Hex.Parse(sha256Hex);
            string? problem = WeightTrailer.Problem(file, length, planned);
            if (problem != null)
                return problem;
            using var sha = SHA256.Create();
            byte[] actual = sha.ComputeHash(file, 0, file.Length - WeightTrailer.Size);
            return actual.AsSpan().SequenceEqual(planned)
                ? null
                : "the weights' SHA-256 differs from the one their trailer and the plan record: they were changed after the build";
        }
    }
}
