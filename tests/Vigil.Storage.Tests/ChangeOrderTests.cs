using System.Diagnostics;
using Npgsql;
using Vigil.Hashing.Signals;
using Vigil.Storage.Postgres;
using Xunit.Abstractions;

namespace Vigil.Storage.Tests;

/// <summary>
/// PostgreSQL commits change numbers in order (the triggers' advisory lock, schema step 4), so a
/// follower that simply reads the changes after the last number it saw, while many writers in
/// several processes' pools commit into several banks by every path that logs changes, sees every
/// change exactly once and in order, and the only missing numbers are those of rolled-back
/// transactions.
/// </summary>
public class PostgresChangeOrderTests(PostgresDatabase database, ITestOutputHelper log) : IClassFixture<PostgresDatabase>
{
    private const int Writers = 8;
    private const int Rounds = 36;
    private const int SharedBanks = 3;

    [Fact]
    public async Task AFollowerReadingAfterItsLastNumberSeesEveryChangeOnceInOrderWhileManyWritersCommit()
    {
        await using var test = await database.CreateStoreAsync();
        string connectionString = test.ConnectionString!;
        for (int b = 0; b < SharedBanks; b++)
            await test.Store.CreateBankAsync(new NewBank($"SHARED_{b}"));

        // Each writer has its own store (its own connection pool, as another process would).
        var stores = new List<PostgresVigilStore>();
        for (int w = 0; w < Writers; w++)
            stores.Add(await PostgresVigilStore.OpenAsync(connectionString));
        await using var followerStore = await PostgresVigilStore.OpenAsync(connectionString);
        long rolledBackNumbers = 0;
        var clock = Stopwatch.StartNew();
        try
        {
            using var writersDone = new CancellationTokenSource();
            var follower = Task.Run(() => FollowAsync(followerStore, connectionString, writersDone.Token));
            var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
            {
                long rolledBack = 0;
                var store = stores[w];
                var random = new Random(w);
                string bank = $"SHARED_{w % SharedBanks}";
                var mine = new List<long>();
                for (int round = 0; round < Rounds; round++)
                {
                    long n = (w + 1) * 1_000_000L + round * 1_000;
                    switch (round % 6)
                    {
                        case 0: // one item, two signals
                            mine.Add((await store.AddContentAsync(bank, new NewContent([Signals.Pdq(n), Signals.Md5(n)]))).Id);
                            break;
                        case 1: // an import in several batches (transactions), with removals of what it added
                            var items = Enumerable.Range(0, 30).Select(i => ImportItem.Add(Signals.Pdq(n + i)))
                                .Concat(Enumerable.Range(0, 10).Select(i => ImportItem.Remove(Signals.Pdq(n + 2 * i))))
                                .ToList();
                            await store.ImportAsync(bank, items, new ImportOptions { BatchSize = 7 });
                            break;
                        case 2: // remove an earlier item (its signals' removals are logged)
                            if (mine.Count > 0)
                            {
                                int at = random.Next(mine.Count);
                                Assert.True(await store.RemoveContentAsync(mine[at]));
                                mine.RemoveAt(at);
                            }
                            break;
                        case 3: // a slow writer: numbers drawn, then 10 ms before the commit
                            await RawInsertAsync(connectionString, bank, n, commit: true);
                            break;
                        case 4: // numbers drawn, then rolled back: they stay unused
                            rolledBack += await RawInsertAsync(connectionString, bank, n, commit: false);
                            break;
                        case 5: // a bank of its own, filled and deleted (the removals come through ON DELETE CASCADE)
                            string own = $"OWN_{w}_{round}";
                            await store.CreateBankAsync(new NewBank(own));
                            await store.AddContentAsync(own, new NewContent([Signals.Pdq(n), Signals.Sha256(n)]));
                            await store.ImportAsync(own, Enumerable.Range(1, 5).Select(i => ImportItem.Add(Signals.Md5(n + i))));
                            Assert.True(await store.DeleteBankAsync(own));
                            break;
                    }
                }
                return rolledBack;
            })).ToList();

            foreach (var writer in writers)
                rolledBackNumbers += await writer;
            writersDone.Cancel();
            var (seen, reads) = await follower;
            double seconds = clock.Elapsed.TotalSeconds;

            // Exactly the log as it now stands: every change once, in order, none missed.
            var all = await ReadAllSeqsAsync(connectionString);
            Assert.Equal(all.Count, seen.Count);
            Assert.Equal(all, seen.Select(c => c.Seq).ToList());
            // The only unused numbers are the rolled-back ones.
            Assert.True(rolledBackNumbers > 0);
            Assert.Equal(all[^1] - all.Count, rolledBackNumbers);

            // Replaying what the follower saw gives exactly the signals stored now.
            var replayed = new Dictionary<(long, Signal), int>();
            foreach (var change in seen)
            {
                var key = (change.ContentId, change.Signal);
                int count = replayed.GetValueOrDefault(key) + (change.Operation == ChangeOperation.Add ? 1 : -1);
                Assert.InRange(count, 0, 1);
                replayed[key] = count;
            }
            var live = replayed.Where(p => p.Value == 1).Select(p => p.Key).ToHashSet();
            Assert.True(live.SetEquals(await ReadAllSignalsAsync(connectionString)), "replaying the follower's changes does not give the stored signals");
            log.WriteLine($"{Writers} writers, {seen.Count:N0} changes ({rolledBackNumbers} numbers rolled back) in {seconds:F1} s; the follower read {reads:N0} times");
        }
        finally
        {
            foreach (var store in stores)
                await store.DisposeAsync();
        }
    }

    /// <summary>Reads the changes after the last number seen, in a loop, until the writers are done and it has caught up.</summary>
    private static async Task<(List<SignalChange> Seen, int Reads)> FollowAsync(IVigilStore store, string connectionString, CancellationToken writersDone)
    {
        var seen = new List<SignalChange>();
        long last = 0;
        int reads = 0;
        while (true)
        {
            bool finished = writersDone.IsCancellationRequested;
            var page = await store.ReadChangesAsync(last, 200);
            reads++;
            foreach (var change in page)
            {
                Assert.True(change.Seq > last, $"change {change.Seq} after {last}");
                seen.Add(change);
                last = change.Seq;
            }
            if (page.Count == 0 && finished)
            {
                var all = await ReadAllSeqsAsync(connectionString);
                if (all.Count == 0 || all[^1] <= last)
                    return (seen, reads);
            }
        }
    }

    /// <summary>
    /// Adds an item with two signals by plain SQL (as any client could), holding the transaction
    /// 10 ms after the change numbers are drawn; commits or rolls back. Returns the numbers drawn.
    /// </summary>
    private static async Task<int> RawInsertAsync(string connectionString, string bank, long n, bool commit)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand("""
            WITH b AS (SELECT id FROM banks WHERE name = $1 FOR UPDATE),
                 c AS (INSERT INTO bank_content (bank_id, added_at) SELECT id, now() FROM b RETURNING id, bank_id)
            INSERT INTO content_signals (content_id, bank_id, signal_type, value, value_key)
            SELECT c.id, c.bank_id, 'sha256', v.value, v.key FROM c, (VALUES ($2, $3::bigint), ($4, $5::bigint)) AS v (value, key)
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = bank });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Signals.Sha256(n + 500).Value });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = SignalKeys.Of(Signals.Sha256(n + 500)) });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Signals.Sha256(n + 501).Value });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = SignalKeys.Of(Signals.Sha256(n + 501)) });
        int drawn = await command.ExecuteNonQueryAsync();
        await using (var sleep = new NpgsqlCommand("SELECT pg_sleep(0.01)", connection))
            await sleep.ExecuteNonQueryAsync();
        if (commit)
            await transaction.CommitAsync();
        else
            await transaction.RollbackAsync();
        return drawn;
    }

    private static async Task<List<long>> ReadAllSeqsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT seq FROM changes ORDER BY seq", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var seqs = new List<long>();
        while (await reader.ReadAsync())
            seqs.Add(reader.GetInt64(0));
        return seqs;
    }

    private static async Task<HashSet<(long, Signal)>> ReadAllSignalsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT content_id, signal_type, value FROM content_signals", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var signals = new HashSet<(long, Signal)>();
        while (await reader.ReadAsync())
            signals.Add((reader.GetInt64(0), new Signal(SignalType.FromName(reader.GetString(1)), reader.GetString(2))));
        return signals;
    }
}
