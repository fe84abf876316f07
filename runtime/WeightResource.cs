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
    /// never copied. The first call per resource opens it; later calls are a lookup with no allocation.
    /// </summary>
    public static unsafe class WeightResource
    {
        // Weak on the assembly, so a collectible AssemblyLoadContext can still unload.
        private static readonly ConditionalWeakTable<Assembly, ConcurrentDictionary<string, Mapped>> Cache = new();

        /// <summary>
        /// The same, and checks once that the resource has the <paramref name="length"/> bytes the
        /// plan recorded: a weights file cut short or from another build must fail with a message,
        /// not be read past its end or run with the wrong weights' layout.
        /// </summary>
        public static ReadOnlySpan<byte> Get(Assembly assembly, string name, int length)
        {
            var weights = Get(assembly, name);
            if (weights.Length != length)
                throw new InvalidOperationException(
                    $"The weights of a Bitsmith model are damaged: resource '{name}' of assembly '{assembly.GetName().Name}' has {weights.Length} bytes, its plan says {length}. " +
                    "Rebuild the project so the model is compiled again.");
            return weights;
        }

        /// <summary>The bytes of resource <paramref name="name"/> of <paramref name="assembly"/>; throws if the build did not embed it.</summary>
        public static ReadOnlySpan<byte> Get(Assembly assembly, string name)
        {
            var resources = Cache.GetValue(assembly, static _ => new ConcurrentDictionary<string, Mapped>(StringComparer.Ordinal));
            if (!resources.TryGetValue(name, out var mapped))
                mapped = resources.GetOrAdd(name, Open(assembly, name));
            return new ReadOnlySpan<byte>((void*)mapped.Pointer, mapped.Length);
        }

        private static Mapped Open(Assembly assembly, string name)
        {
            var stream = assembly.GetManifestResourceStream(name)
                ?? throw new InvalidOperationException(
                    $"The weights of a Bitsmith model are missing: assembly '{assembly.GetName().Name}' has no embedded resource '{name}'. " +
                    "The build embeds it from the model item; check that the model is a BitsmithModel item of the project that declares the class.");
            if (stream is UnmanagedMemoryStream mapped)
                return new Mapped((IntPtr)mapped.PositionPointer, checked((int)mapped.Length), mapped);
            // A stream that is not a view of the image (a custom loader): copy once into memory the GC never moves.
            var copy = GC.AllocateUninitializedArray<byte>(checked((int)stream.Length), pinned: true);
            stream.ReadExactly(copy);
            stream.Dispose();
            fixed (byte* p = copy)
                return new Mapped((IntPtr)p, copy.Length, copy);
        }

        /// <summary>A pointer and length, and the object that keeps the memory alive.</summary>
        private sealed record Mapped(IntPtr Pointer, int Length, object Owner);
    }
}
