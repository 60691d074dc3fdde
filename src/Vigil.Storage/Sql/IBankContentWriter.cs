namespace Vigil.Storage.Sql;

/// <summary>
/// Adds and removes content in one bank inside the caller's write transaction, which holds the bank
/// (see <see cref="SqlBankStore.LockAsync"/>). Duplicate checks see the bank as committed plus what
/// this writer added or removed before. The engines do this differently in kind: SQLite, in process,
/// checks and writes row by row through prepared statements; PostgreSQL, a round trip away, reads
/// what a batch could collide with in two queries and writes runs of rows in bulk.
/// </summary>
internal interface IBankContentWriter : IDisposable
{
    /// <summary>Reads ahead what the duplicate checks of <paramref name="items"/> will need (a no-op where checks read row by row).</summary>
    ValueTask PrefetchAsync(IReadOnlyList<ImportItem> items, CancellationToken cancellationToken);

    /// <summary>The id of the item that <paramref name="content"/> duplicates (same source and source id, or any same signal), or null.</summary>
    /// <remarks>The id of an addition not yet written (PostgreSQL, before <see cref="FlushAsync"/>) is negative.</remarks>
    long? FindDuplicate(NewContent content);

    /// <summary>Adds validated, non-duplicate content (written at once, or at the next <see cref="FlushAsync"/>).</summary>
    ValueTask AddAsync(NewContent content, CancellationToken cancellationToken);

    /// <summary>
    /// Removes what <paramref name="removal"/> names: by source and source id when it has a source
    /// id, else every item holding any of its signals. Returns how many items go.
    /// </summary>
    ValueTask<int> RemoveAsync(NewContent removal, CancellationToken cancellationToken);

    /// <summary>Writes whatever is pending; returns the ids given to the additions since the last flush, in order.</summary>
    ValueTask<IReadOnlyList<long>> FlushAsync(CancellationToken cancellationToken);
}

/// <summary>Makes the engine's writer for bank <c>bankId</c>, stamping additions with <c>addedAt</c>.</summary>
internal delegate IBankContentWriter BankContentWriterFactory(System.Data.Common.DbConnection connection, long bankId, DateTimeOffset addedAt);
