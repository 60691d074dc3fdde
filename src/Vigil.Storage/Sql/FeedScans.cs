using System.Data.Common;
using System.Runtime.CompilerServices;
using Vigil.Hashing.Pdq;

namespace Vigil.Storage.Sql;

/// <summary>
/// The full scans a matcher starts from, over ADO.NET: the PDQ signals of some banks, every PDQ and
/// vPDQ signal, and every content item's bank. The SQLite store replaces it with
/// <see cref="Sqlite.SqliteFeedScans"/>, which reads the rows straight through SQLite's C API.
/// </summary>
internal class FeedScans
{
    /// <summary>Every content item's bank, in no particular order.</summary>
    public virtual async IAsyncEnumerable<ContentBank> ScanContentBanksAsync(SqlDatabase db, DbConnection connection,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = db.Command(connection, "SELECT id, bank_id FROM bank_content");
        await using var reader = await command.ReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            yield return new ContentBank(reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>The PDQ signals of the banks <paramref name="bankIds"/> (not empty), without content disabled after <paramref name="disabledAfter"/>.</summary>
    public virtual async IAsyncEnumerable<PdqFeedEntry> ScanPdqAsync(SqlDatabase db, DbConnection connection, IReadOnlyList<long> bankIds,
        DateTimeOffset disabledAfter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = db.Command(connection, $"""
            SELECT s.id, s.content_id, s.bank_id, s.pdq0, s.pdq1, s.pdq2, s.pdq3
            FROM content_signals s
            WHERE s.signal_type = 'pdq'
              AND {db.Dialect.InList("s.bank_id", "$1")}
              AND s.content_id NOT IN (SELECT id FROM bank_content WHERE disabled_until > $2)
            """)
            .WithList(bankIds).WithTime(disabledAfter);
        await using var reader = await command.ReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            yield return ReadEntry(reader);
    }

    /// <summary>
    /// Every PDQ signal, and every matchable frame of every vPDQ signal (see <see cref="VideoFeed"/>),
    /// passed to <paramref name="onEntry"/>, inside the caller's snapshot transaction.
    /// </summary>
    public virtual async Task ScanAllAsync(SqlDatabase db, DbConnection connection, DbTransaction transaction, Action<PdqFeedEntry> onEntry,
        CancellationToken cancellationToken)
    {
        // A vpdq row brings its text (column 7), a pdq row its limbs.
        await using var command = db.Command(connection, """
            SELECT s.id, s.content_id, s.bank_id, s.pdq0, s.pdq1, s.pdq2, s.pdq3,
                   CASE WHEN s.signal_type = 'vpdq' THEN s.value END
            FROM content_signals s
            WHERE s.signal_type IN ('pdq', 'vpdq')
            """, transaction);
        await using var reader = await command.ReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (!reader.IsDBNull(7))
                VideoFeed.EmitFrames(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetString(7), onEntry);
            else
                onEntry(ReadEntry(reader));
        }
    }

    private static PdqFeedEntry ReadEntry(DbDataReader reader)
    {
        var hash = new PdqHash(
            unchecked((ulong)reader.GetInt64(3)), unchecked((ulong)reader.GetInt64(4)),
            unchecked((ulong)reader.GetInt64(5)), unchecked((ulong)reader.GetInt64(6)));
        return new PdqFeedEntry(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), hash);
    }
}
