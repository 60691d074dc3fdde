using System.Diagnostics;
using Vigil.Hashing.Signals;
using Xunit.Abstractions;

namespace Vigil.Storage.Tests;

public abstract class ImportTests(IStoreBackend backend, ITestOutputHelper output) : StoreContractTests(backend)
{
    [Fact]
    public async Task ImportingTheSameListTwiceAddsNothingTheSecondTime()
    {
        await using var test = await CreateStoreAsync();
        await test.Store.CreateBankAsync(new NewBank("LIST"));
        var items = Enumerable.Range(0, 1_000).Select(i => ImportItem.Add(Signals.Pdq(i))).ToList();

        var first = await test.Store.ImportAsync("LIST", items, new ImportOptions { BatchSize = 128 });
        var second = await test.Store.ImportAsync("LIST", items, new ImportOptions { BatchSize = 128 });

        Assert.Equal(new ImportSummary(1_000, 0, 0, 0), first);
        Assert.Equal(new ImportSummary(0, 1_000, 0, 0), second);
        Assert.Equal(1_000, await test.Store.CountContentAsync("LIST"));
    }

    [Fact]
    public async Task DuplicatesAreFoundByAnySignalOrBySourceAndSourceIdWithinTheList()
    {
        await using var test = await CreateStoreAsync();
        await test.Store.CreateBankAsync(new NewBank("MIXED"));
        await test.Store.AddContentAsync("MIXED", new NewContent([Signals.Md5(1)]) { Source = "EX", SourceId = "a" });

        var summary = await test.Store.ImportAsync("MIXED",
        [
            ImportItem.Add(new NewContent([Signals.Pdq(1), Signals.Md5(1)])),              // md5 already there
            ImportItem.Add(new NewContent([Signals.Pdq(2)]) { Source = "EX", SourceId = "a" }), // source id already there
            ImportItem.Add(new NewContent([Signals.Pdq(3)]) { Source = "EX", SourceId = "b" }), // new
            ImportItem.Add(new NewContent([Signals.Sha256(4), Signals.Pdq(3)])),            // pdq added just above
            ImportItem.Add(new NewContent([Signals.Pdq(5)]) { Source = "OTHER", SourceId = "a" }), // other source: new
        ]);

        Assert.Equal(new ImportSummary(2, 3, 0, 0), summary);
        Assert.Equal(3, await test.Store.CountContentAsync("MIXED"));
        Assert.Empty(await test.Store.LookupSignalAsync(Signals.Pdq(1)));
        Assert.Empty(await test.Store.LookupSignalAsync(Signals.Sha256(4)));
    }

    [Fact]
    public async Task RemovalsMatchBySourceIdWhenGivenElseByAnySignal()
    {
        await using var test = await CreateStoreAsync();
        await test.Store.CreateBankAsync(new NewBank("REMOVE"));
        await test.Store.CreateBankAsync(new NewBank("UNTOUCHED"));
        var bySource = await test.Store.AddContentAsync("REMOVE", new NewContent([Signals.Pdq(1)]) { Source = "EX", SourceId = "1" });
        var bySignal = await test.Store.AddContentAsync("REMOVE", new NewContent([Signals.Pdq(2), Signals.Md5(2)]));
        var kept = await test.Store.AddContentAsync("REMOVE", new NewContent([Signals.Pdq(3)]) { Source = "EX", SourceId = "3" });
        var elsewhere = await test.Store.AddContentAsync("UNTOUCHED", new NewContent([Signals.Md5(2)]));

        var summary = await test.Store.ImportAsync("REMOVE",
        [
            ImportItem.RemoveBySource("EX", "1"),
            ImportItem.Remove(Signals.Sha256(99), Signals.Md5(2)),
            ImportItem.RemoveBySource("EX", "unknown"),
            // A source id is matched alone: the signal of item 3 does not make this one match.
            new ImportItem(ImportOperation.Remove, new NewContent([Signals.Pdq(3)]) { Source = "EX", SourceId = "nope" }),
            ImportItem.Remove(Signals.Pdq(1)), // already removed above
        ]);

        Assert.Equal(new ImportSummary(0, 0, 2, 3), summary);
        Assert.Null(await test.Store.GetContentAsync(bySource.Id));
        Assert.Null(await test.Store.GetContentAsync(bySignal.Id));
        Assert.NotNull(await test.Store.GetContentAsync(kept.Id));
        Assert.NotNull(await test.Store.GetContentAsync(elsewhere.Id));
    }

    [Fact]
    public async Task AddsAndRemovalsApplyInOrder()
    {
        await using var test = await CreateStoreAsync();
        await test.Store.CreateBankAsync(new NewBank("ORDER"));

        var summary = await test.Store.ImportAsync("ORDER",
        [
            ImportItem.Add(Signals.Md5(1)),
            ImportItem.Remove(Signals.Md5(1)),
            ImportItem.Add(Signals.Md5(1)),
            ImportItem.Add(Signals.Md5(2)),
            ImportItem.Remove(Signals.Md5(2)),
        ], new ImportOptions { BatchSize = 2 });

        Assert.Equal(new ImportSummary(3, 0, 2, 0), summary);
        Assert.Single(await test.Store.LookupSignalAsync(Signals.Md5(1)));
        Assert.Empty(await test.Store.LookupSignalAsync(Signals.Md5(2)));
    }

    [Fact]
    public async Task ImportedItemsKeepEveryField()
    {
        await using var test = await CreateStoreAsync();
        await test.Store.CreateBankAsync(new NewBank("FIELDS"));
        var until = new DateTimeOffset(2035, 1, 1, 12, 0, 0, TimeSpan.Zero);

        await test.Store.ImportAsync("FIELDS", AsAsync(
        [
            ImportItem.Add(new NewContent([Signals.Pdq(1), Signals.Sha256(1)])
            {
                Metadata = """{"k":"v"}""",
                Note = "n",
                Source = "StopNCII",
                SourceId = "s-1",
                Classification = "B2",
                DisabledUntil = until,
            }),
        ]));

        var content = await SingleAsync(test.Store.StreamContentAsync("FIELDS"));
        Assert.Equal([Signals.Pdq(1), Signals.Sha256(1)], content.Signals);
        Assert.Equal("""{"k":"v"}""", content.Metadata);
        Assert.Equal("n", content.Note);
        Assert.Equal("StopNCII", content.Source);
        Assert.Equal("s-1", content.SourceId);
        Assert.Equal("B2", content.Classification);
        Assert.Equal(until, content.DisabledUntil);
    }

    [Fact]
    public async Task CancellingMidImportKeepsExactlyTheCommittedBatches()
    {
        await using var test = await CreateStoreAsync();
        await test.Store.CreateBankAsync(new NewBank("PREFIX"));
        using var cancellation = new CancellationTokenSource();
        var reports = new List<ImportSummary>();

        IEnumerable<ImportItem> Items()
        {
            for (int i = 0; i < 1_000; i++)
            {
                if (i == 250)
                    cancellation.Cancel();
                yield return ImportItem.Add(Signals.Pdq(i));
            }
        }

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => test.Store.ImportAsync(
            "PREFIX", Items(), new ImportOptions { BatchSize = 100 }, new SynchronousProgress(reports), cancellation.Token));

        var present = new List<int>();
        for (int i = 0; i < 1_000; i++)
        {
            if ((await test.Store.LookupSignalAsync(Signals.Pdq(i))).Count > 0)
                present.Add(i);
        }
        Assert.Equal(Enumerable.Range(0, 200), present);
        Assert.Equal(200, await test.Store.CountContentAsync("PREFIX"));
        Assert.Equal([new ImportSummary(100, 0, 0, 0), new ImportSummary(200, 0, 0, 0)], reports);

        // Resuming the whole list completes it without adding the prefix twice.
        var resumed = await test.Store.ImportAsync("PREFIX", Enumerable.Range(0, 1_000).Select(i => ImportItem.Add(Signals.Pdq(i))));
        Assert.Equal(new ImportSummary(800, 200, 0, 0), resumed);
    }

    [Fact]
    public async Task CancellingAnAsyncSourceAlsoKeepsExactlyTheCommittedBatches()
    {
        await using var test = await CreateStoreAsync();
        await test.Store.CreateBankAsync(new NewBank("ASYNC_PREFIX"));
        using var cancellation = new CancellationTokenSource();

        async IAsyncEnumerable<ImportItem> Items()
        {
            for (int i = 0; i < 100; i++)
            {
                if (i == 35)
                    cancellation.Cancel();
                await Task.Yield();
                yield return ImportItem.Add(Signals.Md5(i));
            }
        }

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            test.Store.ImportAsync("ASYNC_PREFIX", Items(), new ImportOptions { BatchSize = 10 }, cancellationToken: cancellation.Token));

        var streamed = new List<Signal>();
        await foreach (var content in test.Store.StreamContentAsync("ASYNC_PREFIX"))
            streamed.AddRange(content.Signals);
        Assert.Equal(Enumerable.Range(0, 30).Select(i => Signals.Md5(i)), streamed);
    }

    [Fact]
    public async Task AFailingItemRollsBackOnlyItsBatch()
    {
        await using var test = await CreateStoreAsync();
        await test.Store.CreateBankAsync(new NewBank("FAILS"));
        IEnumerable<ImportItem> Items()
        {
            for (int i = 0; i < 25; i++)
                yield return ImportItem.Add(Signals.Md5(i));
            throw new IOException("the download broke");
        }

        await Assert.ThrowsAsync<IOException>(() => test.Store.ImportAsync("FAILS", Items(), new ImportOptions { BatchSize = 10 }));

        Assert.Equal(20, await test.Store.CountContentAsync("FAILS"));
    }

    [Fact]
    public async Task ProgressIsReportedAfterEveryBatchAndTheCountsAddUp()
    {
        await using var test = await CreateStoreAsync();
        await test.Store.CreateBankAsync(new NewBank("PROGRESS"));
        var reports = new List<ImportSummary>();
        var items = Enumerable.Range(0, 25).Select(i => i % 5 == 4 ? ImportItem.Remove(Signals.Md5(i - 1)) : ImportItem.Add(Signals.Md5(i)));

        var summary = await test.Store.ImportAsync("PROGRESS", items, new ImportOptions { BatchSize = 10 }, new SynchronousProgress(reports));

        Assert.Equal(new ImportSummary(20, 0, 5, 0), summary);
        Assert.Equal(25, summary.Total);
        Assert.Equal([10L, 20L, 25L], reports.Select(r => r.Total));
        Assert.Equal(summary, reports[^1]);
    }

    [Fact]
    public async Task InvalidItemsAndOptionsAreRefused()
    {
        await using var test = await CreateStoreAsync();
        await test.Store.CreateBankAsync(new NewBank("INVALID"));

        await Assert.ThrowsAsync<ArgumentException>(() => test.Store.ImportAsync("INVALID", [ImportItem.Add(new NewContent([]))]));
        await Assert.ThrowsAsync<ArgumentException>(() => test.Store.ImportAsync("INVALID", [ImportItem.Remove()]));
        await Assert.ThrowsAsync<ArgumentException>(() =>
            test.Store.ImportAsync("INVALID", [ImportItem.Add(new Signal(SignalType.Sha1, "too short"))]));
        await Assert.ThrowsAnyAsync<ArgumentException>(() =>
            test.Store.ImportAsync("INVALID", [ImportItem.Add(Signals.Md5(1))], new ImportOptions { BatchSize = 0 }));
        Assert.Equal(0, await test.Store.CountContentAsync("INVALID"));
    }

    [Fact]
    public async Task ImportRateOfOnePdqSignalAdds()
    {
        const int count = 200_000;
        await using var test = await CreateStoreAsync();
        await test.Store.CreateBankAsync(new NewBank("RATE"));
        var random = new Random(42);
        var items = new ImportItem[count];
        for (int i = 0; i < count; i++)
            items[i] = ImportItem.Add(Signals.Pdq(Signals.RandomPdqHash(random)));

        var stopwatch = Stopwatch.StartNew();
        var summary = await test.Store.ImportAsync("RATE", items);
        stopwatch.Stop();

        Assert.Equal(count, summary.Added);
        output.WriteLine($"{Backend.Name}: imported {count:N0} one-PDQ items in {stopwatch.Elapsed.TotalSeconds:F2} s: {count / stopwatch.Elapsed.TotalSeconds:N0} items/s");

        stopwatch.Restart();
        var again = await test.Store.ImportAsync("RATE", items);
        stopwatch.Stop();
        Assert.Equal(count, again.Unchanged);
        output.WriteLine($"{Backend.Name}: re-imported (all unchanged) at {count / stopwatch.Elapsed.TotalSeconds:N0} items/s");

        stopwatch.Restart();
        long fed = 0;
        await foreach (var _ in test.Store.StreamPdqSignalsAsync())
            fed++;
        stopwatch.Stop();
        Assert.Equal(count, fed);
        output.WriteLine($"{Backend.Name}: PDQ feed: {fed / stopwatch.Elapsed.TotalSeconds:N0} hashes/s");
    }

    internal static async IAsyncEnumerable<T> AsAsync<T>(IEnumerable<T> items)
    {
        foreach (var item in items)
        {
            await Task.Yield();
            yield return item;
        }
    }

    private static async Task<T> SingleAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
            list.Add(item);
        return Assert.Single(list);
    }

    /// <summary>Progress&lt;T&gt; posts to the thread pool; tests need the reports in order, at once.</summary>
    private sealed class SynchronousProgress(List<ImportSummary> reports) : IProgress<ImportSummary>
    {
        public void Report(ImportSummary value) => reports.Add(value);
    }
}

public sealed class SqliteImportTests(ITestOutputHelper output) : ImportTests(SqliteBackend.Instance, output);

public sealed class PostgresImportTests(PostgresDatabase database, ITestOutputHelper output) : ImportTests(database, output), IClassFixture<PostgresDatabase>;
