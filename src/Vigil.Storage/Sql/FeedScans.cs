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
    // Each scan opens its own connection and is handed to the caller as it is: one async iterator
    // per row, not two (a wrapping iterator made the content-bank stream of 200,000 items take
    // 58-72 ms instead of 48-53 on its first runs).

    /// <summary>Every content item's bank, in no particular order.</summary>
    public virtual async IAsyncEnumerable<ContentBank> ScanContentBanksAsync(SqlDatabase db, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var command = db.Command(connection, "SELECT id, bank_id FROM bank_content");
        await using var reader = await command.ReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            yield return new ContentBank(reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>
    /// The PDQ signals of the named banks (null: every enabled bank), without content disabled after
    /// <paramref name="disabledAfter"/>; throws <see cref="BankNotFoundException"/> for an unknown name.
    /// </summary>
    public virtual async IAsyncEnumerable<PdqFeedEntry> ScanPdqAsync(SqlDatabase db, IReadOnlyCollection<string>? bankNames,
        DateTimeOffset disabledAfter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var bankIds = await FeedBankIdsAsync(db, connection, bankNames, cancellationToken);
        if (bankIds.Count == 0)
            yield break;
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
        // A vpdq row brings its text (column 7), a pdq or pdq_variant row its limbs (column 8 says which).
        await using var command = db.Command(connection, $"""
            SELECT s.id, s.content_id, s.bank_id, s.pdq0, s.pdq1, s.pdq2, s.pdq3,
                   CASE WHEN s.signal_type = 'vpdq' THEN s.value END, {VariantColumn}
            FROM content_signals s
            WHERE s.signal_type IN ({IndexedTypes})
            """, transaction);
        await using var reader = await command.ReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (!reader.IsDBNull(7))
                VideoFeed.EmitFrames(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetString(7), onEntry);
            else
                onEntry(ReadEntry(reader) with { IsBankVariant = reader.GetInt32(8) != 0 });
        }
    }

    /// <summary>The signal types the matching index holds.</summary>
    protected const string IndexedTypes = "'pdq', 'vpdq', 'pdq_variant'";

    /// <summary>1 for a pdq_variant row, else 0.</summary>
    protected const string VariantColumn = "CASE WHEN s.signal_type = 'pdq_variant' THEN 1 ELSE 0 END";

    /// <summary>Every pdq_variant signal (<see cref="PdqFeedEntry.IsBankVariant"/> set), inside the caller's snapshot transaction.</summary>
    public virtual async Task ScanVariantsAsync(SqlDatabase db, DbConnection connection, DbTransaction transaction, Action<PdqFeedEntry> onEntry,
        CancellationToken cancellationToken)
    {
        await using var command = db.Command(connection, """
            SELECT s.id, s.content_id, s.bank_id, s.pdq0, s.pdq1, s.pdq2, s.pdq3
            FROM content_signals s
            WHERE s.signal_type = 'pdq_variant'
            """, transaction);
        await using var reader = await command.ReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            onEntry(ReadEntry(reader) with { IsBankVariant = true });
    }

    /// <summary>The ids of the named banks, or of every enabled bank when no names are given.</summary>
    protected static async Task<List<long>> FeedBankIdsAsync(SqlDatabase db, DbConnection connection, IReadOnlyCollection<string>? bankNames,
        CancellationToken cancellationToken)
    {
        var ids = new List<long>();
        if (bankNames is not null)
        {
            foreach (var name in bankNames)
                ids.Add(await SqlBankStore.RequireIdAsync(db, connection, null, name, cancellationToken));
            return ids;
        }
        await using var command = db.Command(connection, "SELECT id FROM banks WHERE enabled");
        return await command.ListAsync(static reader => reader.GetInt64(0), cancellationToken);
    }

    private static PdqFeedEntry ReadEntry(DbDataReader reader)
    {
        var hash = new PdqHash(
            unchecked((ulong)reader.GetInt64(3)), unchecked((ulong)reader.GetInt64(4)),
            unchecked((ulong)reader.GetInt64(5)), unchecked((ulong)reader.GetInt64(6)));
        return new PdqFeedEntry(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), hash);
    }
}
