using Vigil.Hashing.Signals;

namespace Vigil.Storage;

/// <summary>What an import item does.</summary>
public enum ImportOperation
{
    /// <summary>Add the content unless the bank already holds it.</summary>
    Add,

    /// <summary>Remove the content the item names.</summary>
    Remove,
}

/// <summary>
/// One line of a hash list being imported: content to add, or an entry to remove. A removal matches
/// by <see cref="NewContent.Source"/> and <see cref="NewContent.SourceId"/> when the source id is
/// given, else by any of its signals.
/// </summary>
/// <param name="Operation">Add or remove.</param>
/// <param name="Content">The content (for a removal only the signals, source and source id count).</param>
public sealed record ImportItem(ImportOperation Operation, NewContent Content)
{
    /// <summary>An item adding <paramref name="content"/>.</summary>
    public static ImportItem Add(NewContent content) => new(ImportOperation.Add, content);

    /// <summary>An item adding content with the given signals and no other fields.</summary>
    public static ImportItem Add(params Signal[] signals) => new(ImportOperation.Add, new NewContent(signals));

    /// <summary>An item removing the content that holds any of <paramref name="signals"/>.</summary>
    public static ImportItem Remove(params Signal[] signals) => new(ImportOperation.Remove, new NewContent(signals));

    /// <summary>An item removing the entry with the given source and source id.</summary>
    public static ImportItem RemoveBySource(string? source, string sourceId) =>
        new(ImportOperation.Remove, new NewContent([]) { Source = source, SourceId = sourceId });
}

/// <summary>How an import runs.</summary>
public sealed record ImportOptions
{
    /// <summary>The default number of items committed per transaction.</summary>
    public const int DefaultBatchSize = 5_000;

    /// <summary>
    /// Items per transaction. A stopped import keeps every batch committed before it, so a smaller
    /// batch loses less work; a larger one is a little faster.
    /// </summary>
    public int BatchSize { get; init; } = DefaultBatchSize;
}

/// <summary>What an import did. The four counts add up to the number of items processed.</summary>
/// <param name="Added">Content items added.</param>
/// <param name="Unchanged">Additions the bank already held (by a signal, or by source and source id).</param>
/// <param name="Removed">Removals that removed something.</param>
/// <param name="NotFound">Removals that matched nothing in the bank.</param>
public sealed record ImportSummary(long Added, long Unchanged, long Removed, long NotFound)
{
    /// <summary>Number of items processed.</summary>
    public long Total => Added + Unchanged + Removed + NotFound;
}
