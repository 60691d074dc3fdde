using Vigil.Storage.Sqlite;

namespace Vigil.Storage.Tests;

public class ConcurrencyTests
{
    [Fact]
    public async Task TwoStoresImportingIntoOneFileAtOnceNeitherFailNorCorruptIt()
    {
        await using var test = await TestStore.CreateAsync();
        await using var second = await SqliteVigilStore.OpenAsync(test.Path!);
        await test.Store.CreateBankAsync(new NewBank("SHARED"));
        await test.Store.CreateBankAsync(new NewBank("SEPARATE"));
        const int count = 6_000;
        // Both import the same list into SHARED (each item must end up there once) and their own
        // halves of another list into SEPARATE, in small batches so that the writers interleave.
        var shared = Enumerable.Range(0, count).Select(i => ImportItem.Add(Signals.Pdq(i))).ToList();
        var options = new ImportOptions { BatchSize = 250 };

        var results = await Task.WhenAll(
            Task.Run(() => test.Store.ImportAsync("SHARED", shared, options)),
            Task.Run(() => second.ImportAsync("SHARED", shared, options)),
            Task.Run(() => test.Store.ImportAsync("SEPARATE", Enumerable.Range(0, count).Where(i => i % 2 == 0).Select(i => ImportItem.Add(Signals.Md5(i))), options)),
            Task.Run(() => second.ImportAsync("SEPARATE", Enumerable.Range(0, count).Where(i => i % 2 == 1).Select(i => ImportItem.Add(Signals.Md5(i))), options)),
            Task.Run(async () =>
            {
                // A reader alongside the writers always sees a consistent count.
                long last = 0;
                for (int i = 0; i < 20; i++)
                {
                    long now = await second.CountContentAsync("SHARED");
                    Assert.True(now >= last);
                    last = now;
                }
                return new ImportSummary(0, 0, 0, 0);
            }));

        Assert.Equal(count, results[0].Added + results[1].Added);
        Assert.Equal(count, results[0].Unchanged + results[1].Unchanged);
        Assert.Equal(count, await test.Store.CountContentAsync("SHARED"));
        Assert.Equal(count, await second.CountContentAsync("SEPARATE"));
        for (int i = 0; i < count; i += 97)
            Assert.Single(await test.Store.LookupSignalAsync(Signals.Pdq(i)));
        Assert.Equal(2L * count, await test.Store.GetLatestChangeSeqAsync());

        using var connection = await test.Sqlite.OpenConnectionAsync(CancellationToken.None);
        Assert.Equal("ok", SchemaTests.Scalar(connection, "PRAGMA integrity_check"));
        Assert.Equal(0L, SchemaTests.Scalar(connection, "SELECT COUNT(*) FROM pragma_foreign_key_check"));
    }

    [Fact]
    public async Task TwoStoresOpeningANewFileAtOnceMigrateItOnce()
    {
        using var directory = new Testing.TempDirectory();
        string path = directory.File("new.db");

        var stores = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => SqliteVigilStore.OpenAsync(path))));

        using (var connection = await stores[0].OpenConnectionAsync(CancellationToken.None))
            Assert.Equal((long)SqliteMigrations.All.Count, SchemaTests.Scalar(connection, "SELECT COUNT(*) FROM schema_migrations"));
        foreach (var store in stores)
            await store.DisposeAsync();
    }
}
