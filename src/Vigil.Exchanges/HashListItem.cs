using System.Diagnostics.CodeAnalysis;

namespace Vigil.Exchanges;

/// <summary>One thing read from a hash-list file, in file order: either an entry or an error.</summary>
public sealed record HashListItem
{
    private HashListItem(HashListEntry? entry, HashListError? error)
    {
        Entry = entry;
        Error = error;
    }

    /// <summary>The entry, when this item is not an error.</summary>
    public HashListEntry? Entry { get; }

    /// <summary>The error, when this item is one.</summary>
    public HashListError? Error { get; }

    /// <summary>True when this item is an error rather than an entry.</summary>
    [MemberNotNullWhen(true, nameof(Error))]
    [MemberNotNullWhen(false, nameof(Entry))]
    public bool IsError => Error is not null;

    /// <summary>1-based line where the entry or the error is.</summary>
    public int Line => Error?.Line ?? Entry!.Line;

    /// <summary>An item holding <paramref name="entry"/>.</summary>
    public static HashListItem Of(HashListEntry entry) => new(entry ?? throw new ArgumentNullException(nameof(entry)), null);

    /// <summary>An item holding <paramref name="error"/>.</summary>
    public static HashListItem Of(HashListError error) => new(null, error ?? throw new ArgumentNullException(nameof(error)));

    /// <summary>An error item at <paramref name="line"/> (see <see cref="HashListError.At"/>).</summary>
    public static HashListItem Failure(int line, string reason) => Of(HashListError.At(line, reason));

    /// <inheritdoc/>
    public override string ToString() => IsError ? Error.ToString() : Entry.ToString();
}
