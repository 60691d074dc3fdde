using Vigil.Storage.Postgres;
using Vigil.Storage.Sqlite;

namespace Vigil.Storage.Tests;

/// <summary>The action outbox on both engines: claims with a lease, attempts recorded by the holder only, dead deliveries retried.</summary>
public abstract class ActionOutboxTests(IStoreBackend backend) : StoreContractTests(backend)
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    /// <summary>A second store on the same database (another replica).</summary>
    protected abstract Task<IVigilStore> OpenSecondAsync(TestStore test);

    private static NewActionDelivery Delivery(int n, DateTimeOffset? at = null) =>
        new($"rule-{n % 3}", $"https://hooks.example.org/{n}", $$"""{"event_id":"e{{n}}","n":{{n}}}""", at ?? T0, (at ?? T0).AddHours(24));

    [Fact]
    public async Task DeliveriesAreRecordedPendingAndDueAtOnceAndReadBackWhole()
    {
        await using var test = await CreateStoreAsync();
        var ids = await test.Store.AddActionDeliveriesAsync([Delivery(1), Delivery(2)]);
        Assert.Equal(2, ids.Count);
        Assert.True(ids[1] > ids[0]);
        var first = await test.Store.GetActionDeliveryAsync(ids[0]);
        Assert.NotNull(first);
        Assert.Equal(("rule-1", "https://hooks.example.org/1", """{"event_id":"e1","n":1}"""), (first.RuleName, first.Target, first.EventJson));
        Assert.Equal((ActionDeliveryStatus.Pending, 0, T0, T0, T0.AddHours(24)), (first.Status, first.Attempts, first.NextAttemptAt, first.CreatedAt, first.GiveUpAt));
        Assert.Null(first.LastStatus);
        Assert.Null(first.DeliveredAt);
        Assert.Null(await test.Store.GetActionDeliveryAsync(ids[1] + 100));
        Assert.Empty(await test.Store.AddActionDeliveriesAsync([]));
    }

    [Fact]
    public async Task AClaimHoldsADeliveryUntilItsLeaseEndsAndOnlyTheHolderRecordsItsAttempt()
    {
        await using var test = await CreateStoreAsync();
        long id = (await test.Store.AddActionDeliveriesAsync([Delivery(1)]))[0];
        Assert.Empty(await test.Store.ClaimDueActionDeliveriesAsync(T0.AddSeconds(-1), Lease, 10));

        var claim = Assert.Single(await test.Store.ClaimDueActionDeliveriesAsync(T0, Lease, 10));
        Assert.Equal(id, claim.Delivery.Id);
        Assert.Equal(T0 + Lease, claim.LeaseUntil);
        // Held: no one else gets it before the lease ends.
        Assert.Empty(await test.Store.ClaimDueActionDeliveriesAsync(T0.AddMinutes(1), Lease, 10));
        // The holder died: after the lease another claims it, and the first holder's late record is refused.
        var second = Assert.Single(await test.Store.ClaimDueActionDeliveriesAsync(T0 + Lease, Lease, 10));
        Assert.NotEqual(claim.Lease, second.Lease);
        Assert.False(await test.Store.RecordActionAttemptAsync(claim, new ActionAttempt(ActionDeliveryStatus.Delivered, T0.AddMinutes(3), 200, null)));

        Assert.True(await test.Store.RecordActionAttemptAsync(second,
            new ActionAttempt(ActionDeliveryStatus.Pending, T0.AddMinutes(3), 503, "HTTP 503 Service Unavailable", T0.AddMinutes(4))));
        var after = (await test.Store.GetActionDeliveryAsync(id))!;
        Assert.Equal((ActionDeliveryStatus.Pending, 1, 503, "HTTP 503 Service Unavailable", T0.AddMinutes(4)),
            (after.Status, after.Attempts, after.LastStatus, after.LastError, after.NextAttemptAt));
        // Released by the record: due again at its next attempt, not before.
        Assert.Empty(await test.Store.ClaimDueActionDeliveriesAsync(T0.AddMinutes(3.5), Lease, 10));
        var third = Assert.Single(await test.Store.ClaimDueActionDeliveriesAsync(T0.AddMinutes(4), Lease, 10));
        Assert.True(await test.Store.RecordActionAttemptAsync(third, new ActionAttempt(ActionDeliveryStatus.Delivered, T0.AddMinutes(5), 204, null)));
        var delivered = (await test.Store.GetActionDeliveryAsync(id))!;
        Assert.Equal((ActionDeliveryStatus.Delivered, 2, 204, null, T0.AddMinutes(5)),
            (delivered.Status, delivered.Attempts, delivered.LastStatus, delivered.LastError, delivered.DeliveredAt));
        Assert.Empty(await test.Store.ClaimDueActionDeliveriesAsync(T0.AddDays(2), Lease, 10));
        // A second record with the same claim changes nothing.
        Assert.False(await test.Store.RecordActionAttemptAsync(third, new ActionAttempt(ActionDeliveryStatus.Dead, T0.AddMinutes(6), null, "late")));
    }

    [Fact]
    public async Task ClaimsTakeTheOldestDueFirstUpToTheLimit()
    {
        await using var test = await CreateStoreAsync();
        var ids = await test.Store.AddActionDeliveriesAsync([Delivery(1, T0.AddSeconds(30)), Delivery(2, T0), Delivery(3, T0.AddSeconds(10))]);
        var claimed = await test.Store.ClaimDueActionDeliveriesAsync(T0.AddMinutes(1), Lease, 2);
        Assert.Equal([ids[1], ids[2]], claimed.Select(c => c.Delivery.Id));
        Assert.Equal([ids[0]], (await test.Store.ClaimDueActionDeliveriesAsync(T0.AddMinutes(1), Lease, 2)).Select(c => c.Delivery.Id));
    }

    [Fact]
    public async Task DeadDeliveriesAreListedByStatusAndRetriedOnlyWhenDead()
    {
        await using var test = await CreateStoreAsync();
        var ids = await test.Store.AddActionDeliveriesAsync([Delivery(1), Delivery(2), Delivery(3)]);
        foreach (var claim in await test.Store.ClaimDueActionDeliveriesAsync(T0, Lease, 10))
        {
            var attempt = claim.Delivery.Id == ids[0]
                ? new ActionAttempt(ActionDeliveryStatus.Dead, T0.AddHours(24), 500, "HTTP 500; given up 24 h after the event")
                : claim.Delivery.Id == ids[1] ? new ActionAttempt(ActionDeliveryStatus.Delivered, T0, 200, null)
                : new ActionAttempt(ActionDeliveryStatus.Pending, T0, null, "connection refused", T0.AddSeconds(7));
            Assert.True(await test.Store.RecordActionAttemptAsync(claim, attempt));
        }
        Assert.Equal([ids[0]], (await test.Store.ListActionDeliveriesAsync(ActionDeliveryStatus.Dead, 0, 10)).Select(d => d.Id));
        Assert.Equal([ids[1]], (await test.Store.ListActionDeliveriesAsync(ActionDeliveryStatus.Delivered, 0, 10)).Select(d => d.Id));
        Assert.Equal([ids[2]], (await test.Store.ListActionDeliveriesAsync(ActionDeliveryStatus.Pending, 0, 10)).Select(d => d.Id));
        Assert.Equal([ids[1], ids[2]], (await test.Store.ListActionDeliveriesAsync(null, ids[0], 10)).Select(d => d.Id));
        Assert.Equal([ids[0]], (await test.Store.ListActionDeliveriesAsync(null, 0, 1)).Select(d => d.Id));

        Assert.False(await test.Store.RetryActionDeliveryAsync(ids[1], T0.AddDays(2), T0.AddDays(3)));
        Assert.False(await test.Store.RetryActionDeliveryAsync(ids[2], T0.AddDays(2), T0.AddDays(3)));
        Assert.False(await test.Store.RetryActionDeliveryAsync(ids[2] + 10, T0.AddDays(2), T0.AddDays(3)));
        Assert.True(await test.Store.RetryActionDeliveryAsync(ids[0], T0.AddDays(2), T0.AddDays(3)));
        var retried = (await test.Store.GetActionDeliveryAsync(ids[0]))!;
        Assert.Equal((ActionDeliveryStatus.Pending, T0.AddDays(2), T0.AddDays(3), 1, "HTTP 500; given up 24 h after the event"),
            (retried.Status, retried.NextAttemptAt, retried.GiveUpAt, retried.Attempts, retried.LastError));
        Assert.Contains(ids[0], (await test.Store.ClaimDueActionDeliveriesAsync(T0.AddDays(2), Lease, 10)).Select(c => c.Delivery.Id));
    }

    [Fact]
    public async Task TwoReplicasClaimingAtOnceNeverClaimOneDeliveryTwice()
    {
        await using var test = await CreateStoreAsync();
        await using var second = await OpenSecondAsync(test);
        const int count = 200;
        var ids = await test.Store.AddActionDeliveriesAsync(Enumerable.Range(0, count).Select(n => Delivery(n)).ToList());
        var stores = new[] { test.Store, second };
        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            var mine = new List<long>();
            for (IReadOnlyList<ClaimedActionDelivery> batch;
                 (batch = await stores[worker % 2].ClaimDueActionDeliveriesAsync(T0, Lease, 7)).Count > 0;)
                mine.AddRange(batch.Select(c => c.Delivery.Id));
            return mine;
        })));
        var all = claims.SelectMany(c => c).ToList();
        Assert.Equal(count, all.Count);
        Assert.Equal(ids.Order(), all.Order());
    }
}

public sealed class SqliteActionOutboxTests() : ActionOutboxTests(SqliteBackend.Instance)
{
    protected override async Task<IVigilStore> OpenSecondAsync(TestStore test) => await SqliteVigilStore.OpenAsync(test.Path!);

    [Fact]
    public async Task AStoreMadeBeforeTheOutboxUpgradesToIt()
    {
        using var directory = new Vigil.Testing.TempDirectory();
        string path = directory.File("old.db");
        await (await SqliteVigilStore.OpenAsync(path, SqliteMigrations.All.Take(6).ToList(), CancellationToken.None)).DisposeAsync();
        await using var upgraded = await SqliteVigilStore.OpenAsync(path);
        Assert.Single(await upgraded.AddActionDeliveriesAsync([new NewActionDelivery("r", "https://h.example.org/", "{}", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch)]));
        await upgraded.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }
}

public sealed class PostgresActionOutboxTests(PostgresDatabase database) : ActionOutboxTests(database), IClassFixture<PostgresDatabase>
{
    protected override async Task<IVigilStore> OpenSecondAsync(TestStore test) => await PostgresVigilStore.OpenAsync(test.ConnectionString!);

    [Fact]
    public async Task ASchemaMadeBeforeTheOutboxUpgradesToIt()
    {
        string connectionString = await database.CreateSchemaAsync();
        await (await PostgresVigilStore.OpenAsync(connectionString, PostgresMigrations.All.Take(6).ToList(), CancellationToken.None)).DisposeAsync();
        await using var upgraded = await PostgresVigilStore.OpenAsync(connectionString);
        Assert.Single(await upgraded.AddActionDeliveriesAsync([new NewActionDelivery("r", "https://h.example.org/", "{}", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch)]));
    }
}
