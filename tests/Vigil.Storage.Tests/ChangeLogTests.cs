namespace Vigil.Storage.Tests;

public abstract class ChangeLogTests(IStoreBackend backend) : StoreContractTests(backend)
{
    [Fact]
    public async Task EveryAddAndRemovalOfASignalIsLoggedInOrder()
    {
        await using var test = await CreateStoreAsync();
        Assert.Equal(0, await test.Store.GetLatestChangeSeqAsync());
        Assert.Empty(await test.Store.ReadChangesAsync(0, 100));
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);

        var bank = await test.Store.CreateBankAsync(new NewBank("LOGGED"));
        var other = await test.Store.CreateBankAsync(new NewBank("OTHER"));
        var a = await test.Store.AddContentAsync("LOGGED", new NewContent([Signals.Pdq(1), Signals.Md5(1)]));
        await test.Store.ImportAsync("LOGGED", [ImportItem.Add(Signals.Pdq(2)), ImportItem.Add(Signals.Pdq(1)), ImportItem.Remove(Signals.Md5(1))]);
        var b = Assert.Single(await test.Store.LookupSignalAsync(Signals.Pdq(2)));
        var c = await test.Store.AddContentAsync("OTHER", new NewContent([Signals.Sha256(3)]));
        await test.Store.UpdateContentAsync(c.Id, new ContentUpdate { Note = "updates are not signal changes" });
        await test.Store.UpdateBankAsync("OTHER", new BankUpdate { Enabled = false });
        Assert.True(await test.Store.RemoveContentAsync(c.Id));
        Assert.True(await test.Store.DeleteBankAsync("LOGGED"));

        var changes = await test.Store.ReadChangesAsync(0, 100);

        var expected = new List<(long, long, Hashing.Signals.Signal, ChangeOperation)>
        {
            (bank.Id, a.Id, Signals.Pdq(1), ChangeOperation.Add),
            (bank.Id, a.Id, Signals.Md5(1), ChangeOperation.Add),
            (bank.Id, b.ContentId, Signals.Pdq(2), ChangeOperation.Add),
            // The removal by md5 removes content a with both its signals.
            (bank.Id, a.Id, Signals.Pdq(1), ChangeOperation.Remove),
            (bank.Id, a.Id, Signals.Md5(1), ChangeOperation.Remove),
            (other.Id, c.Id, Signals.Sha256(3), ChangeOperation.Add),
            (other.Id, c.Id, Signals.Sha256(3), ChangeOperation.Remove),
            (bank.Id, b.ContentId, Signals.Pdq(2), ChangeOperation.Remove),
        };
        Assert.Equal(expected, changes.Select(ch => (ch.BankId, ch.ContentId, ch.Signal, ch.Operation)));
        Assert.Equal(Enumerable.Range(1, expected.Count).Select(i => (long)i), changes.Select(ch => ch.Seq));
        Assert.All(changes, ch => Assert.InRange(ch.ChangedAt, before, DateTimeOffset.UtcNow.AddSeconds(1)));
        Assert.All(changes, ch => Assert.Equal(TimeSpan.Zero, ch.ChangedAt.Offset));
        Assert.Equal(changes[^1].Seq, await test.Store.GetLatestChangeSeqAsync());
    }

    [Fact]
    public async Task ChangesArePagedBySequenceNumber()
    {
        await using var test = await CreateStoreAsync();
        await test.Store.CreateBankAsync(new NewBank("PAGED"));
        await test.Store.ImportAsync("PAGED", Enumerable.Range(0, 25).Select(i => ImportItem.Add(Signals.Md5(i))));

        var read = new List<SignalChange>();
        long after = 0;
        while (true)
        {
            var page = await test.Store.ReadChangesAsync(after, 10);
            if (page.Count == 0)
                break;
            Assert.True(page.Count <= 10);
            read.AddRange(page);
            after = page[^1].Seq;
        }

        Assert.Equal(Enumerable.Range(0, 25).Select(i => Signals.Md5(i)), read.Select(ch => ch.Signal));
        Assert.Equal(25, await test.Store.GetLatestChangeSeqAsync());
        Assert.Empty(await test.Store.ReadChangesAsync(25, 10));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => test.Store.ReadChangesAsync(0, 0));
    }

    [Fact]
    public async Task ARolledBackBatchLeavesNoChanges()
    {
        await using var test = await CreateStoreAsync();
        await test.Store.CreateBankAsync(new NewBank("ROLLBACK"));
        IEnumerable<ImportItem> Items()
        {
            for (int i = 0; i < 15; i++)
                yield return ImportItem.Add(Signals.Md5(i));
            throw new InvalidOperationException("stop");
        }

        await Assert.ThrowsAsync<InvalidOperationException>(() => test.Store.ImportAsync("ROLLBACK", Items(), new ImportOptions { BatchSize = 10 }));

        Assert.Equal(10, await test.Store.GetLatestChangeSeqAsync());
        Assert.Equal(10, (await test.Store.ReadChangesAsync(0, 100)).Count);
    }
}

public sealed class SqliteChangeLogTests() : ChangeLogTests(SqliteBackend.Instance);

public sealed class PostgresChangeLogTests(PostgresDatabase database) : ChangeLogTests(database), IClassFixture<PostgresDatabase>;
