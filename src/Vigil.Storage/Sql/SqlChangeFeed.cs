using System.Data.Common;
using System.Runtime.CompilerServices;
using Vigil.Hashing.Signals;

namespace Vigil.Storage.Sql;

/// <summary>
/// The signal feeds and the change log on either engine. The change log is written by triggers
/// (schema step 1; on PostgreSQL made to commit in number order by step 4), never by this code.
/// </summary>
internal sealed class SqlChangeFeed(SqlDatabase db, FeedScans scans) : IChangeFeed
{
    /// <inheritdoc/>
    public IAsyncEnumerable<PdqFeedEntry> StreamPdqSignalsAsync(IReadOnlyCollection<string>? bankNames = null,
        bool includeDisabledContent = false, CancellationToken cancellationToken = default) =>
        // Far in the future: no content is disabled that long, so the filter lets everything through.
        scans.ScanPdqAsync(db, bankNames, includeDisabledContent ? DateTimeOffset.MaxValue : DateTimeOffset.UtcNow, cancellationToken);

    /// <inheritdoc/>
    /// <remarks>
    /// One snapshot transaction (SQLite: a deferred transaction in WAL mode; PostgreSQL: REPEATABLE
    /// READ), so the latest change number and the signals agree while writers go on. Change numbers
    /// commit in order on both engines, so the snapshot holds exactly the changes up to that number.
    /// </remarks>
    public Task<long> ReadPdqSignalsAsync(Action<PdqFeedEntry> onEntry, CancellationToken cancellationToken = default) =>
        ReadInSnapshotAsync(onEntry, scans.ScanAllAsync, cancellationToken);

    /// <inheritdoc/>
    public Task<long> ReadPdqVariantSignalsAsync(Action<PdqFeedEntry> onEntry, CancellationToken cancellationToken = default) =>
        ReadInSnapshotAsync(onEntry, scans.ScanVariantsAsync, cancellationToken);

    private async Task<long> ReadInSnapshotAsync(Action<PdqFeedEntry> onEntry,
        Func<SqlDatabase, DbConnection, DbTransaction, Action<PdqFeedEntry>, CancellationToken, Task> scan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onEntry);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await db.Dialect.BeginSnapshotReadAsync(connection, cancellationToken);
        long seq;
        await using (var latest = db.Command(connection, "SELECT COALESCE(MAX(seq), 0) FROM changes", transaction))
            seq = (await latest.Int64Async(cancellationToken))!.Value;
        await scan(db, connection, transaction, onEntry, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return seq;
    }

    /// <inheritdoc/>
    public async Task<long> GetLatestChangeSeqAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var command = db.Command(connection, "SELECT COALESCE(MAX(seq), 0) FROM changes");
        return (await command.Int64Async(cancellationToken))!.Value;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<SignalChange>> ReadChangesAsync(long afterSeq, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var command = db.Command(connection, """
            SELECT seq, bank_id, content_id, signal_type, value, op, changed_at
            FROM changes
            WHERE seq > $1
            ORDER BY seq
            LIMIT $2
            """)
            .With(afterSeq).With((long)limit);
        return await command.ListAsync(ReadChange, cancellationToken);
    }

    private SignalChange ReadChange(DbDataReader reader) => new(
        Seq: reader.GetInt64(0),
        BankId: reader.GetInt64(1),
        ContentId: reader.GetInt64(2),
        Signal: new Signal(SignalType.FromName(reader.GetString(3)), reader.GetString(4)),
        Operation: reader.GetString(5) == "add" ? ChangeOperation.Add : ChangeOperation.Remove,
        ChangedAt: db.Dialect.ReadTime(reader, 6));
}
