using System.Diagnostics;
using Xunit.Abstractions;

namespace Vigil.Storage.Tests;

/// <summary>
/// How fast a replica's reads run on each engine: following the change log in the matcher's pages,
/// reading every signal with its change number (an index built from scratch), every content item's
/// bank (the matcher's map), and storing and loading an index snapshot. Prints rates for docs/benchmarks.md and asserts only that the
/// reads are complete.
/// </summary>
public abstract class StoreRateTests(IStoreBackend backend, ITestOutputHelper output) : StoreContractTests(backend)
{
    private const int Count = 200_000;
    private const int ChangePage = 10_000; // BankIndexCache's page
    private const int SnapshotBytes = 64 << 20; // about a million hashes' index

    [Fact]
    public async Task ReplicaReadRates()
    {
        await using var test = await CreateStoreAsync();
        await test.Store.CreateBankAsync(new NewBank("RATE"));
        var random = new Random(42);
        var items = new ImportItem[Count];
        for (int i = 0; i < Count; i++)
            items[i] = ImportItem.Add(Signals.Pdq(Signals.RandomPdqHash(random)));
        await test.Store.ImportAsync("RATE", items);

        var stopwatch = Stopwatch.StartNew();
        long followed = 0, after = 0;
        for (IReadOnlyList<SignalChange> page; (page = await test.Store.ReadChangesAsync(after, ChangePage)).Count > 0; after = page[^1].Seq)
            followed += page.Count;
        stopwatch.Stop();
        Assert.Equal(Count, followed);
        output.WriteLine($"{Backend.Name}: followed {followed:N0} changes in pages of {ChangePage:N0}: {followed / stopwatch.Elapsed.TotalSeconds:N0} changes/s");

        stopwatch.Restart();
        long read = 0;
        long seq = await test.Store.ReadPdqSignalsAsync(_ => read++);
        stopwatch.Stop();
        Assert.Equal(Count, read);
        Assert.Equal(after, seq);
        output.WriteLine($"{Backend.Name}: read every signal with its change number: {read / stopwatch.Elapsed.TotalSeconds:N0} hashes/s");

        stopwatch.Restart();
        long banks = 0;
        await foreach (var _ in test.Store.StreamContentBanksAsync())
            banks++;
        stopwatch.Stop();
        Assert.Equal(Count, banks);
        output.WriteLine($"{Backend.Name}: streamed every content item's bank: {banks / stopwatch.Elapsed.TotalSeconds:N0} items/s");

        var bytes = new byte[SnapshotBytes];
        random.NextBytes(bytes);
        stopwatch.Restart();
        Assert.True(await test.Store.IndexSnapshots.TrySaveAsync(seq, stream => stream.Write(bytes)));
        stopwatch.Stop();
        output.WriteLine($"{Backend.Name}: stored a {SnapshotBytes >> 20} MB snapshot in {stopwatch.Elapsed.TotalMilliseconds:N0} ms");

        var buffer = new byte[1 << 16];
        for (int round = 0; round < 3; round++)
        {
            long loaded = 0;
            stopwatch.Restart();
            Assert.True(await test.Store.IndexSnapshots.TryLoadAsync(stream =>
            {
                for (int n; (n = stream.Read(buffer)) > 0;)
                    loaded += n;
            }));
            stopwatch.Stop();
            Assert.Equal(SnapshotBytes, loaded);
            output.WriteLine($"{Backend.Name}: loaded the snapshot in {stopwatch.Elapsed.TotalMilliseconds:N0} ms");
        }
    }
}

public sealed class SqliteStoreRateTests(ITestOutputHelper output) : StoreRateTests(SqliteBackend.Instance, output);

public sealed class PostgresStoreRateTests(PostgresDatabase database, ITestOutputHelper output) : StoreRateTests(database, output), IClassFixture<PostgresDatabase>;
