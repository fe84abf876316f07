using System;
using System.Collections.Concurrent;
using System.IO;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace Bitsmith.Runtime
{
    /// <summary>
    /// The packed weights of a generated model, read in place from the manifest resource the
    /// build embedded: the runtime maps resources with the assembly image, so the bytes are
    /// never copied. The first call per resource opens and checks it; later calls are a lookup
    /// with no allocation.
    /// </summary>
    public static unsafe class WeightResource
    {
        // Weak on the assembly, so a collectible AssemblyLoadContext can still unload.
        private static readonly ConditionalWeakTable<Assembly, ConcurrentDictionary<string, Mapped>> Cache = new();

        /// <summary>
        /// The packed weights of resource <paramref name="name"/> of <paramref name="assembly"/>: the
        /// resource without its <see cref="WeightTrailer"/>. The first call checks, without hashing,
        /// that the trailer is there and records the <paramref name="length"/> bytes and the
        /// <paramref name="sha256"/> the plan recorded: a weights file cut short, edited or from
        /// another build must fail with a message, not be read past its end or run with another
        /// model's weights. Later calls are a lookup with no allocation.
        /// </summary>
        public static ReadOnlySpan<byte> Get(Assembly assembly, string name, int length, ReadOnlySpan<byte> sha256)
        {
            var resources = Cache.GetValue(assembly, static _ => new ConcurrentDictionary<string, Mapped>(StringComparer.Ordinal));
            if (!resources.TryGetValue(name, out var mapped))
                mapped = resources.GetOrAdd(name, Open(assembly, name, length, sha256));
            return new ReadOnlySpan<byte>((void*)mapped.Pointer, mapped.Length);
        }

        /// <summary>The weights of the resource once its trailer matches the plan (the check allocates nothing); else <see cref="WeightResourceException"/>.</summary>
        private static Mapped Open(Assembly assembly, string name, int length, ReadOnlySpan<byte> sha256)
        {
            var (pointer, size, owner) = Map(assembly, name);
            string? problem = WeightTrailer.Problem(new ReadOnlySpan<byte>((void*)pointer, size), length, sha256);
            if (problem != null)
                throw new WeightResourceException(name,
                    $"The weights of a Bitsmith model are damaged: resource '{name}' of assembly '{assembly.GetName().Name}': {problem}. " +
                    "Rebuild the project so the model is compiled again.");
            return new Mapped(pointer, length, owner);
        }

        /// <summary>The whole resource: a pointer, its length, and the object that keeps the memory alive.</summary>
        private static (IntPtr Pointer, int Length, object Owner) Map(Assembly assembly, string name)
        {
            var stream = assembly.GetManifestResourceStream(name)
                ?? throw new WeightResourceException(name,
                    $"The weights of a Bitsmith model are missing: assembly '{assembly.GetName().Name}' has no embedded resource '{name}'. " +
                    "The build embeds it from the model item; check that the model is a BitsmithModel item of the project that declares the class.");
            if (stream is UnmanagedMemoryStream mapped)
                return ((IntPtr)mapped.PositionPointer, checked((int)mapped.Length), mapped);
            // A stream that is not a view of the image (a custom loader): copy once into memory the GC never moves.
            var copy = GC.AllocateUninitializedArray<byte>(checked((int)stream.Length), pinned: true);
            stream.ReadExactly(copy);
            stream.Dispose();
            fixed (byte* p = copy)
                return ((IntPtr)p, copy.Length, copy);
        }

        /// <summary>A pointer and length, and the object that keeps the memory alive.</summary>
        private sealed record Mapped(IntPtr Pointer, int Length, object Owner);
    }
}
