// Marks symbol-version requirements of an ELF64 shared library as weak (VER_FLG_WEAK), so that
// the dynamic loader accepts a libstdc++ that lacks the version. Used by TorchSharpNative.targets
// on TorchSharp's libLibTorchSharp.so; the static part is also compiled into tests/Training.Tests
// (with BITSMITH_ELF_PATCHER_ONLY) to check the copy that the tests load.
//
// Why this is safe for the one version we weaken: libLibTorchSharp.so (built with GCC 13) names
// GLIBCXX_3.4.32 only for std::ios_base_library_init(), a link-time marker that no relocation
// refers to, so nothing ever binds it. The patcher checks exactly that: it refuses to weaken a
// version that any relocation needs, since weakening it would turn a clear load-time error into
// a crash at the first call.
//
// This file is compiled by MSBuild's RoslynCodeTaskFactory against netstandard2.0: plain C#,
// no Span, no nullable annotations.
#nullable disable
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
#if !BITSMITH_ELF_PATCHER_ONLY
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
#endif

namespace Bitsmith.Build
{
    /// <summary>One Vernaux entry of <c>.gnu.version_r</c>: a version that a needed library must define.</summary>
    public sealed class ElfVersionNeed
    {
        public string File;             // the needed library, e.g. libstdc++.so.6
        public string Version;          // e.g. GLIBCXX_3.4.32
        public ushort Flags;            // vna_flags
        public ushort Index;            // vna_other: the index .gnu.version gives to symbols of this version
        public long FlagsOffset;        // file offset of vna_flags
        public List<string> Symbols = new List<string>();           // dynamic symbols of this version
        public List<string> RelocatedSymbols = new List<string>();  // those a relocation refers to

        public bool IsWeak { get { return (Flags & ElfVersionNeeds.VerFlagWeak) != 0; } }
    }

    public enum WeakenOutcome { Weakened, AlreadyWeak, NotRequired, InUse }

    public static class ElfVersionNeeds
    {
        public const ushort VerFlagWeak = 0x2;
        const uint ShtRela = 4, ShtRel = 9, ShtDynsym = 11;
        const uint ShtGnuVerneed = 0x6ffffffe, ShtGnuVersym = 0x6fffffff;

        /// <summary>Reads every version requirement of a little-endian ELF64 file.</summary>
        public static List<ElfVersionNeed> Read(byte[] elf)
        {
            if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
                throw new InvalidDataException("not an ELF file");
            if (elf[4] != 2 || elf[5] != 1)
                throw new InvalidDataException("not a little-endian ELF64 file");

            long shoff = (long)U64(elf, 40);
            int shentsize = U16(elf, 58);
            long shnum = U16(elf, 60);
            if (shoff == 0 || shentsize < 64)
                throw new InvalidDataException("no section headers");
            if (shnum == 0)                  // extended numbering: the count is in section 0's sh_size
                shnum = (long)U64(elf, Check(elf, shoff, 64) + 32);

            var sections = new Section[shnum];
            for (long i = 0; i < shnum; i++)
            {
                long h = Check(elf, shoff + i * shentsize, 64);
                sections[i] = new Section
                {
                    Type = U32(elf, h + 4),
                    Offset = (long)U64(elf, h + 24),
                    Size = (long)U64(elf, h + 32),
                    Link = U32(elf, h + 40),
                    Info = U32(elf, h + 44),
                };
            }

            var needs = new List<ElfVersionNeed>();
            for (long i = 0; i < shnum; i++)
            {
                Section s = sections[i];
                if (s.Type != ShtGnuVerneed) continue;
                Section strtab = At(sections, s.Link);
                long vn = s.Offset;
                for (uint n = 0; n < s.Info; n++)
                {
                    Check(elf, vn, 16);
                    int count = U16(elf, vn + 2);
                    string file = Str(elf, strtab, U32(elf, vn + 4));
                    long aux = vn + U32(elf, vn + 8);
                    for (int a = 0; a < count; a++)
                    {
                        Check(elf, aux, 16);
                        needs.Add(new ElfVersionNeed
                        {
                            File = file,
                            Flags = U16(elf, aux + 4),
                            Index = U16(elf, aux + 6),
                            Version = Str(elf, strtab, U32(elf, aux + 8)),
                            FlagsOffset = aux + 4,
                        });
                        aux += U32(elf, aux + 12);
                    }
                    uint next = U32(elf, vn + 12);
                    if (next == 0) break;
                    vn += next;
                }
            }

            // Which dynamic symbols carry each version, and which of them a relocation refers to.
            for (long i = 0; i < shnum; i++)
            {
                Section versym = sections[i];
                if (versym.Type != ShtGnuVersym) continue;
                long dynsymIndex = versym.Link;
                Section dynsym = At(sections, (uint)dynsymIndex);
                if (dynsym.Type != ShtDynsym) continue;
                Section dynstr = At(sections, dynsym.Link);
                long symbols = dynsym.Size / 24;

                var relocated = new HashSet<long>();
                for (long r = 0; r < shnum; r++)
                {
                    Section rel = sections[r];
                    if ((rel.Type != ShtRela && rel.Type != ShtRel) || rel.Link != dynsymIndex) continue;
                    int entsize = rel.Type == ShtRela ? 24 : 16;
                    for (long e = rel.Offset; e + entsize <= rel.Offset + rel.Size; e += entsize)
                        relocated.Add((long)(U64(elf, Check(elf, e, entsize) + 8) >> 32));
                }

                foreach (ElfVersionNeed need in needs)
                {
                    for (long k = 1; k < symbols; k++)
                    {
                        if ((U16(elf, Check(elf, versym.Offset + 2 * k, 2)) & 0x7fff) != need.Index) continue;
                        string name = Str(elf, dynstr, U32(elf, Check(elf, dynsym.Offset + 24 * k, 24)));
                        need.Symbols.Add(name);
                        if (relocated.Contains(k)) need.RelocatedSymbols.Add(name);
                    }
                }
            }
            return needs;
        }

        /// <summary>
        /// Sets VER_FLG_WEAK on the requirement of <paramref name="version"/> in <paramref name="elf"/>
        /// (in place), unless a relocation needs one of its symbols. Idempotent.
        /// </summary>
        public static WeakenOutcome Weaken(byte[] elf, string version, out ElfVersionNeed need)
        {
            need = null;
            foreach (ElfVersionNeed n in Read(elf))
                if (n.Version == version) { need = n; break; }
            if (need == null) return WeakenOutcome.NotRequired;
            if (need.IsWeak) return WeakenOutcome.AlreadyWeak;
            if (need.RelocatedSymbols.Count > 0) return WeakenOutcome.InUse;
            ushort flags = (ushort)(need.Flags | VerFlagWeak);
            elf[need.FlagsOffset] = (byte)flags;
            elf[need.FlagsOffset + 1] = (byte)(flags >> 8);
            need.Flags = flags;
            return WeakenOutcome.Weakened;
        }

        sealed class Section { public uint Type; public long Offset; public long Size; public uint Link; public uint Info; }

        static Section At(Section[] sections, uint index)
        {
            if (index >= sections.Length) throw new InvalidDataException("section index " + index + " out of range");
            return sections[index];
        }

        static long Check(byte[] elf, long offset, long length)
        {
            if (offset < 0 || length < 0 || offset + length > elf.Length)
                throw new InvalidDataException("offset 0x" + offset.ToString("x") + " lies outside the file");
            return offset;
        }

        static string Str(byte[] elf, Section strtab, uint offset)
        {
            long start = Check(elf, strtab.Offset + offset, 1);
            long end = start;
            while (end < elf.Length && elf[end] != 0) end++;
            return Encoding.ASCII.GetString(elf, (int)start, (int)(end - start));
        }

        static ushort U16(byte[] b, long o) { Check(b, o, 2); return (ushort)(b[o] | b[o + 1] << 8); }
        static uint U32(byte[] b, long o) { Check(b, o, 4); return (uint)(b[o] | b[o + 1] << 8 | b[o + 2] << 16 | b[o + 3] << 24); }
        static ulong U64(byte[] b, long o) { return U32(b, o) | (ulong)U32(b, o + 4) << 32; }
    }

#if !BITSMITH_ELF_PATCHER_ONLY
    /// <summary>
    /// Copies <see cref="SourceFile"/> to <see cref="DestinationFile"/> with the requirements of
    /// <see cref="Versions"/> marked weak. A version that the file does not require, or already
    /// requires weakly, is left as it is; one whose symbols a relocation needs is left strong with a
    /// warning.
    /// </summary>
    public sealed class WeakenElfVersionNeed : Task
    {
        [Required] public string SourceFile { get; set; }
        [Required] public string DestinationFile { get; set; }
        [Required] public string[] Versions { get; set; }

        public override bool Execute()
        {
            byte[] elf = File.ReadAllBytes(SourceFile);
            var changes = new List<string>();
            try
            {
                foreach (string version in Versions)
                {
                    ElfVersionNeed need;
                    WeakenOutcome outcome = ElfVersionNeeds.Weaken(elf, version, out need);
                    if (outcome == WeakenOutcome.Weakened)
                        changes.Add(version + " (" + need.File + "; symbols: " + string.Join(", ", need.Symbols) + ")");
                    else if (outcome == WeakenOutcome.InUse)
                        Log.LogWarning("{0}: not weakening {1}: relocations refer to {2}; on a machine whose {3} lacks {1} the library will not load.",
                            SourceFile, version, string.Join(", ", need.RelocatedSymbols), need.File);
                    else
                        Log.LogMessage(MessageImportance.Low, "{0}: {1} {2}", SourceFile, version,
                            outcome == WeakenOutcome.AlreadyWeak ? "is already weak" : "is not required");
                }
            }
            catch (InvalidDataException e)
            {
                Log.LogError("{0}: cannot read ELF version requirements: {1}", SourceFile, e.Message);
                return false;
            }

            // File.Copy keeps the mode bits of the package's file, then the patched bytes overwrite
            // it; all through a temporary file so that no reader ever sees half a library.
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(DestinationFile)));
            string temporary = DestinationFile + ".tmp";
            File.Copy(SourceFile, temporary, true);
            using (var stream = new FileStream(temporary, FileMode.Open, FileAccess.Write))
                stream.Write(elf, 0, elf.Length);
            if (File.Exists(DestinationFile)) File.Delete(DestinationFile);
            File.Move(temporary, DestinationFile);

            Log.LogMessage(MessageImportance.Normal, "{0} -> {1}: weak version requirements: {2}",
                SourceFile, DestinationFile, changes.Count == 0 ? "none changed" : string.Join("; ", changes));
            return true;
        }
    }
#endif
}
