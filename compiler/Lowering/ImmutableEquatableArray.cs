using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;

namespace Bitsmith.Compiler.Lowering
{
    /// <summary>
    /// A read-only array that compares by its elements, so that records holding it (the plan)
    /// have structural equality: what a source generator's incremental pipeline needs to cache.
    /// </summary>
    public sealed class ImmutableEquatableArray<T> : IEquatable<ImmutableEquatableArray<T>>, IReadOnlyList<T>
    {
        public static readonly ImmutableEquatableArray<T> Empty = new ImmutableEquatableArray<T>(Array.Empty<T>());

        private readonly T[] _items;

        public ImmutableEquatableArray(IEnumerable<T> items) => _items = items.ToArray();

        public T this[int index] => _items[index];

        public int Count => _items.Length;

        public bool Equals(ImmutableEquatableArray<T>? other)
        {
            if (ReferenceEquals(this, other))
                return true;
            if (other is null || other._items.Length != _items.Length)
                return false;
            var comparer = EqualityComparer<T>.Default;
            for (int i = 0; i < _items.Length; i++)
                if (!comparer.Equals(_items[i], other._items[i]))
                    return false;
            return true;
        }

        public override bool Equals(object? obj) => obj is ImmutableEquatableArray<T> other && Equals(other);

        public override int GetHashCode()
        {
            var comparer = EqualityComparer<T>.Default;
            int hash = 17;
            foreach (var item in _items)
                hash = unchecked(hash * 31 + (item is null ? 0 : comparer.GetHashCode(item)));
            return hash;
        }

        public T[] ToArray() => (T[])_items.Clone();

        public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)_items).GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();

        public override string ToString() => "[" + string.Join(", ", _items) + "]";
    }

    public static class ImmutableEquatableArray
    {
        public static ImmutableEquatableArray<T> Create<T>(params T[] items) => new ImmutableEquatableArray<T>(items);

        public static ImmutableEquatableArray<T> ToImmutableEquatableArray<T>(this IEnumerable<T> items) => new ImmutableEquatableArray<T>(items);
    }
}
