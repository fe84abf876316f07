using System;
using System.Linq;
using Google.Protobuf;

namespace Bitsmith.Compiler.Tests.Robustness
{
    /// <summary>
    /// Makes one mutant of a seed model. Three kinds: truncation and byte flips (damaged
    /// files, mostly rejected by the protobuf decoder), and field edits on the wire-format
    /// tree (the file stays valid protobuf but means something broken: a node, dimension,
    /// attribute or name deleted, duplicated, reordered or replaced by an extreme value,
    /// or a node's op swapped for another supported op, which then meets inputs and
    /// attributes it was never written for).
    /// </summary>
    internal static class ModelMutator
    {
        private const int GraphField = 7, OpsetImportField = 8, NodeField = 1, OpTypeField = 4, DomainField = 7;

        private static readonly string[] SupportedOps = Bitsmith.Compiler.Ops.OperatorRegistry.SupportedOpTypes.ToArray();

        /// <summary>Integers that break shape and attribute arithmetic: zero, one, negatives (as two's complement), 2^31 and 2^63 edges.</summary>
        private static readonly ulong[] InterestingIntegers =
        {
            0, 1, 2, 3, 7, 8, 255, 256, 65535, 1UL << 20, int.MaxValue, 1UL << 31, uint.MaxValue, 1UL << 32, 1UL << 62,
            long.MaxValue, 1UL << 63, ulong.MaxValue, unchecked((ulong)-2L), unchecked((ulong)-8L), unchecked((ulong)(long)int.MinValue),
        };

        private static readonly float[] InterestingFloats =
        {
            0f, -0f, 1f, -1f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, float.MaxValue, float.Epsilon, 1e-30f, 3e9f,
        };

        public static (byte[] Bytes, string Description) Mutate(SeedModel seed, Random rng)
        {
            int kind = rng.Next(100);
            if (kind < 10)
                return Truncate(seed.Bytes, rng);
            if (kind < 40)
                return FlipBytes(seed.Bytes, rng);
            if (kind < 55)
                return SwapOp(seed.Tree, rng);
            return EditField(seed.Tree, rng);
        }

        private static (byte[], string) Truncate(byte[] bytes, Random rng)
        {
            int length = rng.Next(bytes.Length);
            return (bytes.Take(length).ToArray(), $"truncated to {length} of {bytes.Length} bytes");
        }

        private static (byte[], string) FlipBytes(byte[] bytes, Random rng)
        {
            var copy = (byte[])bytes.Clone();
            int count = rng.Next(1, 9);
            var flips = new string[count];
            for (int i = 0; i < count; i++)
            {
                int at = rng.Next(copy.Length);
                byte mask = (byte)rng.Next(1, 256);
                copy[at] ^= mask;
                flips[i] = $"{at}^0x{mask:x2}";
            }
            return (copy, "flipped bytes " + string.Join(" ", flips));
        }

        private static (byte[], string) SwapOp(WireMessage seedTree, Random rng)
        {
            var tree = seedTree.Clone();
            var nodes = tree.Fields.Where(f => f.Number == GraphField && f.Message != null)
                .SelectMany(g => g.Message!.Fields.Where(f => f.Number == NodeField && f.Message != null))
                .ToList();
            if (nodes.Count == 0)
                return EditField(seedTree, rng);
            int index = rng.Next(nodes.Count);
            var node = nodes[index].Message!;
            string op = SupportedOps[rng.Next(SupportedOps.Length)];
            int dot = op.LastIndexOf('.');
            node.Fields.RemoveAll(f => f.Number == OpTypeField || f.Number == DomainField);
            node.Fields.Add(new WireField(OpTypeField, WireFormat.WireType.LengthDelimited) { Bytes = System.Text.Encoding.UTF8.GetBytes(op.Substring(dot + 1)) });
            if (dot > 0)
            {
                var domain = System.Text.Encoding.UTF8.GetBytes(op.Substring(0, dot));
                node.Fields.Add(new WireField(DomainField, WireFormat.WireType.LengthDelimited) { Bytes = domain });
                var opset = new WireMessage();
                opset.Fields.Add(new WireField(1, WireFormat.WireType.LengthDelimited) { Bytes = domain });
                opset.Fields.Add(new WireField(2, WireFormat.WireType.Varint) { Varint = 1 });
                tree.Fields.Add(new WireField(OpsetImportField, WireFormat.WireType.LengthDelimited) { Message = opset });
            }
            return (tree.ToBytes(), $"node {index} became {op}");
        }

        private static (byte[], string) EditField(WireMessage seedTree, Random rng)
        {
            var tree = seedTree.Clone();
            var fields = tree.AllFields().ToList();
            var (owner, index) = fields[rng.Next(fields.Count)];
            var field = owner[index];
            string what = $"field {field.Number} ({field.WireType}) at position {index} of its message";
            string edit;
            switch (rng.Next(4))
            {
                case 0:
                    owner.RemoveAt(index);
                    edit = "deleted " + what;
                    break;
                case 1:
                    owner.Insert(index + 1, field.Clone());
                    edit = "duplicated " + what;
                    break;
                case 2:
                    owner.RemoveAt(index);
                    int to = rng.Next(owner.Count + 1);
                    owner.Insert(to, field);
                    edit = $"moved {what} to position {to}";
                    break;
                default:
                    edit = Replace(field, fields, rng) + " in " + what;
                    break;
            }
            return (tree.ToBytes(), edit);
        }

        /// <summary>Replaces a field's value: an extreme number, another field's bytes (names become dangling or duplicated), or another submessage.</summary>
        private static string Replace(WireField field, System.Collections.Generic.List<(System.Collections.Generic.List<WireField> Owner, int Index)> all, Random rng)
        {
            switch (field.WireType)
            {
                case WireFormat.WireType.Varint:
                case WireFormat.WireType.Fixed64:
                {
                    ulong old = field.Varint;
                    field.Varint = rng.Next(3) switch
                    {
                        0 => InterestingIntegers[rng.Next(InterestingIntegers.Length)],
                        1 => unchecked(old + (ulong)(rng.Next(5) - 2)),
                        _ => (ulong)rng.Next(64),
                    };
                    return $"set {old} to {field.Varint}";
                }
                case WireFormat.WireType.Fixed32:
                {
                    float f = InterestingFloats[rng.Next(InterestingFloats.Length)];
                    field.Varint = BitConverter.ToUInt32(BitConverter.GetBytes(f), 0);
                    return $"set float to {f.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}";
                }
                default:
                {
                    var donors = all.Select(x => x.Owner[x.Index]).Where(f => f.WireType == WireFormat.WireType.LengthDelimited && (f.Message == null) == (field.Message == null)).ToList();
                    var donor = donors[rng.Next(donors.Count)];
                    if (field.Message != null)
                    {
                        field.Message = donor.Message!.Clone();
                        return $"replaced submessage by a copy of a field {donor.Number}";
                    }
                    if (field.Bytes.Length > 0 && rng.Next(4) == 0)
                    {
                        int cut = rng.Next(field.Bytes.Length);
                        field.Bytes = field.Bytes.Take(cut).ToArray();
                        return $"cut bytes to {cut}";
                    }
                    field.Bytes = (byte[])donor.Bytes.Clone();
                    return $"replaced bytes by those of a field {donor.Number}";
                }
            }
        }
    }
}
