using Vigil.Hashing.Signals;
using Vigil.Storage.Postgres;
using Vigil.Storage.Sqlite;

namespace Vigil.Storage.Tests;

/// <summary>The exchange feedback queue on both engines: idempotent queueing, claims with a lease, attempts by the holder only, lists per exchange and per entry.</summary>
public abstract class ExchangeFeedbackTests(IStoreBackend backend) : StoreContractTests(backend)
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    /// <summary>A second store on the same database (another replica).</summary>
    protected abstract Task<IVigilStore> OpenSecondAsync(TestStore test);

    private static NewExchangeFeedback Feedback(int n, ExchangeFeedbackOpinion opinion = ExchangeFeedbackOpinion.FalsePositive,
        string exchange = "stopncii-test", DateTimeOffset? at = null) =>
        new(exchange, 100 + n, $"entry-{n}", opinion, [Signals.Pdq(n), Signals.Md5(n)], at ?? T0);

    [Fact]
    public async Task FeedbackIsQueuedPendingAndDueAtOnceAndReadBackWhole()
    {
        await using var test = await CreateStoreAsync();
        long? id = await test.Store.ExchangeFeedback.EnqueueAsync(Feedback(1));
        Assert.NotNull(id);
        var item = (await test.Store.ExchangeFeedback.GetAsync(id.Value))!;
        Assert.Equal(("stopncii-test", 101L, "entry-1", ExchangeFeedbackOpinion.FalsePositive), (item.Exchange, item.ContentId, item.EntryId, item.Opinion));
        Assert.Equal([Signals.Pdq(1), Signals.Md5(1)], item.Signals);
        Assert.Equal((ExchangeFeedbackStatus.Pending, 0, T0, T0), (item.Status, item.Attempts, item.NextAttemptAt, item.CreatedAt));
        Assert.Null(item.LastError);
        Assert.Null(item.SentAt);
        Assert.Null(await test.Store.ExchangeFeedback.GetAsync(id.Value + 100));
    }

    [Fact]
    public async Task OneOpinionOnOneEntryIsQueuedOnceWhateverItsStatus()
    {
        await using var test = await CreateStoreAsync();
        var feedback = test.Store.ExchangeFeedback;
        long first = (await feedback.EnqueueAsync(Feedback(1)))!.Value;
        Assert.Null(await feedback.EnqueueAsync(Feedback(1) with { CreatedAt = T0.AddMinutes(5), ContentId = 999 }));
        // Another opinion on the entry, the same entry id on another exchange, another entry: each its own.
        Assert.NotNull(await feedback.EnqueueAsync(Feedback(1, ExchangeFeedbackOpinion.Confirmed)));
        Assert.NotNull(await feedback.EnqueueAsync(Feedback(1, exchange: "ncmec-test")));
        Assert.NotNull(await feedback.EnqueueAsync(Feedback(2)));

        var claim = (await feedback.ClaimDueAsync(T0, Lease, 10)).Single(c => c.Feedback.Id == first);
        Assert.True(await feedback.RecordAttemptAsync(claim, new ExchangeFeedbackAttempt(ExchangeFeedbackStatus.Sent, T0.AddSeconds(1), null)));
        Assert.Null(await feedback.EnqueueAsync(Feedback(1)));
        var sent = (await feedback.GetAsync(first))!;
        Assert.Equal((ExchangeFeedbackStatus.Sent, 1, T0.AddSeconds(1), 101L), (sent.Status, sent.Attempts, sent.SentAt, sent.ContentId));
    }

    [Fact]
    public async Task AClaimHoldsFeedbackUntilItsLeaseEndsAndOnlyTheHolderRecordsItsAttempt()
    {
        await using var test = await CreateStoreAsync();
        var feedback = test.Store.ExchangeFeedback;
        long id = (await feedback.EnqueueAsync(Feedback(1)))!.Value;
        Assert.Empty(await feedback.ClaimDueAsync(T0.AddSeconds(-1), Lease, 10));

        var claim = Assert.Single(await feedback.ClaimDueAsync(T0, Lease, 10));
        Assert.Equal((id, T0 + Lease), (claim.Feedback.Id, claim.LeaseUntil));
        Assert.Empty(await feedback.ClaimDueAsync(T0.AddMinutes(1), Lease, 10));
        // The holder died: after the lease another claims it, and the first holder's late record is refused.
        var second = Assert.Single(await feedback.ClaimDueAsync(T0 + Lease, Lease, 10));
        Assert.NotEqual(claim.Lease, second.Lease);
        Assert.False(await feedback.RecordAttemptAsync(claim, new ExchangeFeedbackAttempt(ExchangeFeedbackStatus.Sent, T0.AddMinutes(3), null)));

        Assert.True(await feedback.RecordAttemptAsync(second,
            new ExchangeFeedbackAttempt(ExchangeFeedbackStatus.Pending, T0.AddMinutes(3), "HTTP 503", T0.AddMinutes(4))));
        var after = (await feedback.GetAsync(id))!;
        Assert.Equal((ExchangeFeedbackStatus.Pending, 1, "HTTP 503", T0.AddMinutes(4)), (after.Status, after.Attempts, after.LastError, after.NextAttemptAt));
        Assert.Empty(await feedback.ClaimDueAsync(T0.AddMinutes(3.5), Lease, 10));
        var third = Assert.Single(await feedback.ClaimDueAsync(T0.AddMinutes(4), Lease, 10));
        Assert.True(await feedback.RecordAttemptAsync(third, new ExchangeFeedbackAttempt(ExchangeFeedbackStatus.Dead, T0.AddMinutes(5), "credentials refused")));
        var dead = (await feedback.GetAsync(id))!;
        Assert.Equal((ExchangeFeedbackStatus.Dead, 2, "credentials refused", (DateTimeOffset?)null), (dead.Status, dead.Attempts, dead.LastError, dead.SentAt));
        Assert.Empty(await feedback.ClaimDueAsync(T0.AddDays(2), Lease, 10));
        Assert.False(await feedback.RecordAttemptAsync(third, new ExchangeFeedbackAttempt(ExchangeFeedbackStatus.Sent, T0.AddMinutes(6), null)));
        await Assert.ThrowsAsync<ArgumentException>(() => feedback.RecordAttemptAsync(third, new ExchangeFeedbackAttempt(ExchangeFeedbackStatus.Pending, T0, "no next")));
    }

    [Fact]
    public async Task ClaimsTakeTheOldestDueFirstUpToTheLimit()
    {
        await using var test = await CreateStoreAsync();
        var feedback = test.Store.ExchangeFeedback;
        long a = (await feedback.EnqueueAsync(Feedback(1, at: T0.AddSeconds(30))))!.Value;
        long b = (await feedback.EnqueueAsync(Feedback(2, at: T0)))!.Value;
        long c = (await feedback.EnqueueAsync(Feedback(3, at: T0.AddSeconds(10))))!.Value;
        Assert.Equal([b, c], (await feedback.ClaimDueAsync(T0.AddMinutes(1), Lease, 2)).Select(x => x.Feedback.Id));
        Assert.Equal([a], (await feedback.ClaimDueAsync(T0.AddMinutes(1), Lease, 2)).Select(x => x.Feedback.Id));
    }

    [Fact]
    public async Task TheQueueIsListedPerExchangeAndPerEntry()
    {
        await using var test = await CreateStoreAsync();
        var feedback = test.Store.ExchangeFeedback;
        long a = (await feedback.EnqueueAsync(Feedback(1)))!.Value;
        long b = (await feedback.EnqueueAsync(Feedback(1, ExchangeFeedbackOpinion.Confirmed)))!.Value;
        long c = (await feedback.EnqueueAsync(Feedback(2, exchange: "ncmec-test")))!.Value;
        long d = (await feedback.EnqueueAsync(Feedback(3)))!.Value;
        Assert.Equal([a, b, c, d], (await feedback.ListAsync(null, 0, 10)).Select(x => x.Id));
        Assert.Equal([a, b, d], (await feedback.ListAsync("stopncii-test", 0, 10)).Select(x => x.Id));
        Assert.Equal([b, d], (await feedback.ListAsync("stopncii-test", a, 10)).Select(x => x.Id));
        Assert.Equal([a], (await feedback.ListAsync("stopncii-test", 0, 1)).Select(x => x.Id));
        Assert.Equal([c], (await feedback.ListAsync("ncmec-test", 0, 10)).Select(x => x.Id));
        Assert.Empty(await feedback.ListAsync("nothing", 0, 10));
        Assert.Equal([a, b], (await feedback.ListForEntryAsync("stopncii-test", "entry-1")).Select(x => x.Id));
        Assert.Equal([ExchangeFeedbackOpinion.FalsePositive, ExchangeFeedbackOpinion.Confirmed],
            (await feedback.ListForEntryAsync("stopncii-test", "entry-1")).Select(x => x.Opinion));
        Assert.Empty(await feedback.ListForEntryAsync("ncmec-test", "entry-1"));
    }

    [Fact]
    public async Task OneExchangesDeadFeedbackIsSentAgainOnlyWhenAskedAndOnlyThatExchanges()
    {
        await using var test = await CreateStoreAsync();
        var feedback = test.Store.ExchangeFeedback;
        long dead = (await feedback.EnqueueAsync(Feedback(1)))!.Value;
        long sent = (await feedback.EnqueueAsync(Feedback(2)))!.Value;
        long other = (await feedback.EnqueueAsync(Feedback(3, exchange: "ncmec-test")))!.Value;
        foreach (var claim in await feedback.ClaimDueAsync(T0, Lease, 10))
        {
            var status = claim.Feedback.Id == sent ? ExchangeFeedbackStatus.Sent : ExchangeFeedbackStatus.Dead;
            Assert.True(await feedback.RecordAttemptAsync(claim, new ExchangeFeedbackAttempt(status, T0, status == ExchangeFeedbackStatus.Dead ? "HTTP 401" : null)));
        }
        Assert.Equal(1, await feedback.RetryDeadAsync("stopncii-test", T0.AddHours(1)));
        Assert.Equal(0, await feedback.RetryDeadAsync("nothing", T0.AddHours(1)));
        var retried = (await feedback.GetAsync(dead))!;
        Assert.Equal((ExchangeFeedbackStatus.Pending, 1, "HTTP 401", T0.AddHours(1)), (retried.Status, retried.Attempts, retried.LastError, retried.NextAttemptAt));
        Assert.Equal(ExchangeFeedbackStatus.Sent, (await feedback.GetAsync(sent))!.Status);
        Assert.Equal(ExchangeFeedbackStatus.Dead, (await feedback.GetAsync(other))!.Status);
        Assert.Equal([dead], (await feedback.ClaimDueAsync(T0.AddHours(1), Lease, 10)).Select(c => c.Feedback.Id));
    }

    [Fact]
    public async Task TwoReplicasClaimingAtOnceNeverClaimOnePieceTwice()
    {
        await using var test = await CreateStoreAsync();
        await using var second = await OpenSecondAsync(test);
        const int count = 120;
        var ids = new List<long>();
        for (int n = 0; n < count; n++)
            ids.Add((await test.Store.ExchangeFeedback.EnqueueAsync(Feedback(n)))!.Value);
        var stores = new[] { test.Store, second };
        var claims = await Task.WhenAll(Enumerable.Range(0, 6).Select(worker => Task.Run(async () =>
        {
            var mine = new List<long>();
            for (IReadOnlyList<ClaimedExchangeFeedback> batch;
                 (batch = await stores[worker % 2].ExchangeFeedback.ClaimDueAsync(T0, Lease, 7)).Count > 0;)
                mine.AddRange(batch.Select(x => x.Feedback.Id));
            return mine;
        })));
        Assert.Equal(ids.Order(), claims.SelectMany(x => x).Order());
    }
}

public sealed class SqliteExchangeFeedbackTests() : ExchangeFeedbackTests(SqliteBackend.Instance)
{
    protected override async Task<IVigilStore> OpenSecondAsync(TestStore test) => await SqliteVigilStore.OpenAsync(test.Path!);

    [Fact]
    public async Task AStoreMadeBeforeTheFeedbackQueueUpgradesToIt()
    {
        using var directory = new Vigil.Testing.TempDirectory();
        string path = directory.File("old.db");
        await (await SqliteVigilStore.OpenAsync(path, SqliteMigrations.All.Take(9).ToList(), CancellationToken.None)).DisposeAsync();
        await using var upgraded = await SqliteVigilStore.OpenAsync(path);
        Assert.NotNull(await upgraded.ExchangeFeedback.EnqueueAsync(new NewExchangeFeedback("x", 1, "e", ExchangeFeedbackOpinion.Confirmed,
            [new Signal(SignalType.Md5, new string('0', 32))], DateTimeOffset.UnixEpoch)));
        await upgraded.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }
}

public sealed class PostgresExchangeFeedbackTests(PostgresDatabase database) : ExchangeFeedbackTests(database), IClassFixture<PostgresDatabase>
{
    protected override async Task<IVigilStore> OpenSecondAsync(TestStore test) => await PostgresVigilStore.OpenAsync(test.ConnectionString!);

    [Fact]
    public async Task ASchemaMadeBeforeTheFeedbackQueueUpgradesToIt()
    {
        string connectionString = await database.CreateSchemaAsync();
        await (await PostgresVigilStore.OpenAsync(connectionString, PostgresMigrations.All.Take(9).ToList(), CancellationToken.None)).DisposeAsync();
        await using var upgraded = await PostgresVigilStore.OpenAsync(connectionString);
        Assert.NotNull(await upgraded.ExchangeFeedback.EnqueueAsync(new NewExchangeFeedback("x", 1, "e", ExchangeFeedbackOpinion.Confirmed,
            [new Signal(SignalType.Md5, new string('0', 32))], DateTimeOffset.UnixEpoch)));
    }
}
