using Vigil.Hashing.Signals;
using Vigil.Storage.Postgres;
using Vigil.Storage.Sqlite;

namespace Vigil.Storage.Tests;

/// <summary>
/// Sharing a bank to an exchange on both engines: off until turned on, idempotent, gone with the exchange or the bank;
/// the feedback queue carries shares, and a queue made before step 11 keeps its rows when it learns them.
/// </summary>
public abstract class ExchangeShareTests(IStoreBackend backend) : StoreContractTests(backend)
{
    protected static readonly DateTimeOffset T0 = new(2026, 6, 1, 10, 0, 0, TimeSpan.Zero);

    protected static NewExchangeFeedback Share(long contentId, string exchange = "snc") =>
        new(exchange, contentId, ExchangeFeedbackIds.Shared(contentId), ExchangeFeedbackOpinion.Share, [Signals.Pdq((int)contentId)], T0);

    private static async Task SetUpAsync(IVigilStore store)
    {
        foreach (string bank in new[] { "CONFIRMED", "OTHER", "FED" })
            await store.CreateBankAsync(new NewBank(bank));
        await store.Exchanges.AddExchangeAsync(new NewExchange("snc", "stopncii", "FED"), T0);
        await store.Exchanges.AddExchangeAsync(new NewExchange("b-snc", "stopncii", "FED"), T0);
    }

    [Fact]
    public async Task NothingIsSharedUntilTurnedOnAndTurningItOnOrOffTwiceChangesNothing()
    {
        await using var test = await CreateStoreAsync();
        var exchanges = test.Store.Exchanges;
        await SetUpAsync(test.Store);
        Assert.Empty(await exchanges.ListSharesAsync());

        Assert.True(await exchanges.SetSharingAsync("snc", "CONFIRMED", true, "admin-1", T0));
        Assert.False(await exchanges.SetSharingAsync("snc", "CONFIRMED", true, "admin-2", T0.AddHours(1)));
        Assert.True(await exchanges.SetSharingAsync("snc", "OTHER", true, "admin-2", T0.AddHours(2)));
        Assert.True(await exchanges.SetSharingAsync("b-snc", "CONFIRMED", true, "admin-3", T0.AddHours(3)));

        Assert.Equal(
            [new ExchangeShare("b-snc", "stopncii", "CONFIRMED", "admin-3", T0.AddHours(3)),
             new ExchangeShare("snc", "stopncii", "CONFIRMED", "admin-1", T0),
             new ExchangeShare("snc", "stopncii", "OTHER", "admin-2", T0.AddHours(2))],
            await exchanges.ListSharesAsync());
        Assert.Equal(["CONFIRMED", "OTHER"], (await exchanges.ListSharesAsync("snc")).Select(s => s.Bank));
        Assert.Equal(["b-snc", "snc"], (await exchanges.ListSharesAsync(bank: "CONFIRMED")).Select(s => s.Exchange));
        Assert.Single(await exchanges.ListSharesAsync("snc", "OTHER"));
        Assert.Empty(await exchanges.ListSharesAsync("snc", "FED"));

        Assert.True(await exchanges.SetSharingAsync("snc", "OTHER", false, "admin-1", T0));
        Assert.False(await exchanges.SetSharingAsync("snc", "OTHER", false, "admin-1", T0));
        Assert.Equal(["CONFIRMED"], (await exchanges.ListSharesAsync("snc")).Select(s => s.Bank));
    }

    [Fact]
    public async Task AnUnknownExchangeOrBankIsAClearErrorAndSharesGoWithTheirExchangeOrBank()
    {
        await using var test = await CreateStoreAsync();
        var exchanges = test.Store.Exchanges;
        await SetUpAsync(test.Store);
        var noExchange = await Assert.ThrowsAsync<ExchangeNotFoundException>(() => exchanges.SetSharingAsync("nope", "CONFIRMED", true, "admin", T0));
        Assert.Equal("exchange 'nope' not found", noExchange.Message);
        await Assert.ThrowsAsync<BankNotFoundException>(() => exchanges.SetSharingAsync("snc", "NOPE", true, "admin", T0));

        await exchanges.SetSharingAsync("snc", "CONFIRMED", true, "admin", T0);
        await exchanges.SetSharingAsync("b-snc", "OTHER", true, "admin", T0);
        Assert.True(await exchanges.RemoveExchangeAsync("snc"));
        Assert.Equal(["b-snc"], (await exchanges.ListSharesAsync()).Select(s => s.Exchange));
        Assert.True(await test.Store.DeleteBankAsync("OTHER"));
        Assert.Empty(await exchanges.ListSharesAsync());
    }

    [Fact]
    public async Task TheQueueCarriesSharesOncePerExchangeAndContent()
    {
        await using var test = await CreateStoreAsync();
        var queue = test.Store.ExchangeFeedback;
        long id = (await queue.EnqueueAsync(Share(7)))!.Value;
        Assert.Null(await queue.EnqueueAsync(Share(7)));
        Assert.NotNull(await queue.EnqueueAsync(Share(7, "b-snc")));
        var item = (await queue.GetAsync(id))!;
        Assert.Equal(("snc", 7L, "content:7", ExchangeFeedbackOpinion.Share, ExchangeFeedbackStatus.Pending), (item.Exchange, item.ContentId, item.EntryId, item.Opinion, item.Status));
        Assert.Equal([Signals.Pdq(7)], item.Signals);
        Assert.Equal([id], (await queue.ListForEntryAsync("snc", "content:7")).Select(f => f.Id));
    }

    /// <summary>Checks a queue made before step 11 (one row queued then) after the upgrade: the row whole, new ids after it, shares taken.</summary>
    protected static async Task AssertUpgradedQueueAsync(IVigilStore upgraded, long oldId)
    {
        var old = (await upgraded.ExchangeFeedback.GetAsync(oldId))!;
        Assert.Equal(("ncmec-x", 5L, "N-5", ExchangeFeedbackOpinion.FalsePositive, ExchangeFeedbackStatus.Pending, T0),
            (old.Exchange, old.ContentId, old.EntryId, old.Opinion, old.Status, old.CreatedAt));
        Assert.Equal([Signals.Md5(5)], old.Signals);
        Assert.Equal([oldId - 1, oldId], (await upgraded.ExchangeFeedback.ClaimDueAsync(T0, TimeSpan.FromMinutes(1), 10)).Select(c => c.Feedback.Id));
        long share = (await upgraded.ExchangeFeedback.EnqueueAsync(Share(8)))!.Value;
        Assert.True(share > oldId);
        Assert.Null(await upgraded.ExchangeFeedback.EnqueueAsync(new NewExchangeFeedback("ncmec-x", 5, "N-5", ExchangeFeedbackOpinion.FalsePositive, [], T0)));
        await upgraded.CreateBankAsync(new NewBank("B"));
        await upgraded.Exchanges.AddExchangeAsync(new NewExchange("snc", "stopncii", "B"), T0);
        Assert.True(await upgraded.Exchanges.SetSharingAsync("snc", "B", true, "admin", T0));
    }

    protected static NewExchangeFeedback OldFeedback() => new("ncmec-x", 5, "N-5", ExchangeFeedbackOpinion.FalsePositive, [Signals.Md5(5)], T0);
}

public sealed class SqliteExchangeShareTests() : ExchangeShareTests(SqliteBackend.Instance)
{
    [Fact]
    public async Task AQueueMadeBeforeSharesKeepsItsRowsWhenUpgraded()
    {
        using var directory = new Vigil.Testing.TempDirectory();
        string path = directory.File("old.db");
        long oldId;
        await using (var old = await SqliteVigilStore.OpenAsync(path, SqliteMigrations.All.Take(10).ToList(), CancellationToken.None))
        {
            await old.ExchangeFeedback.EnqueueAsync(new NewExchangeFeedback("first", 1, "gone", ExchangeFeedbackOpinion.Confirmed, [], T0));
            oldId = (await old.ExchangeFeedback.EnqueueAsync(OldFeedback()))!.Value;
        }
        await using (var upgraded = await SqliteVigilStore.OpenAsync(path))
            await AssertUpgradedQueueAsync(upgraded, oldId);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }
}

public sealed class PostgresExchangeShareTests(PostgresDatabase database) : ExchangeShareTests(database), IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task AQueueMadeBeforeSharesKeepsItsRowsWhenUpgraded()
    {
        string connectionString = await database.CreateSchemaAsync();
        long oldId;
        await using (var old = await PostgresVigilStore.OpenAsync(connectionString, PostgresMigrations.All.Take(10).ToList(), CancellationToken.None))
        {
            await old.ExchangeFeedback.EnqueueAsync(new NewExchangeFeedback("first", 1, "gone", ExchangeFeedbackOpinion.Confirmed, [], T0));
            oldId = (await old.ExchangeFeedback.EnqueueAsync(OldFeedback()))!.Value;
        }
        await using var upgraded = await PostgresVigilStore.OpenAsync(connectionString);
        await AssertUpgradedQueueAsync(upgraded, oldId);
    }
}
