using Vigil.Testing;
using System.Text.Json;
using Vigil.Exchanges.Fetching;
using Vigil.Storage;
using static Vigil.Exchanges.Sync.Tests.ScriptedClient;

namespace Vigil.Exchanges.Sync.Tests;

/// <summary>The fetcher on both engines: batches and checkpoints, a fetch cut anywhere resuming with nothing lost or doubled,
/// removals, the run's time cap, refused credentials, provenance, and one fetcher per exchange at a time.</summary>
public abstract class FetcherTests : StoreTest
{
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero));

    private async Task AddExchangeAsync(string name = "partner") =>
        await Store.Exchanges.AddExchangeAsync(new NewExchange(name, "ncmec", "EXCHANGED"), _clock.GetUtcNow());

    private static List<ExchangePage> Script() =>
    [
        Page(null, Add(1), Add(2)),          // mid-range: no safe point yet
        Page("r1", Add(3)),                  // a range ends
        Page(null, Add(4), Add(5)),
        Page("r2", Remove(2), Add(6)),
        Page("r3", Add(7)),
    ];

    private static readonly List<(string?, string)> Expected =
        [.. new[] { 1, 3, 4, 5, 6, 7 }.Select(i => ((string?)("e" + i), Pdq(i))).OrderBy(x => x)];

    [Fact]
    public async Task A_fetch_commits_every_page_and_leaves_the_last_safe_checkpoint()
    {
        await AddExchangeAsync();
        var fetcher = new ExchangeFetcher(Store, new FetchLimits { BatchSize = 2 }, _clock);
        var result = await fetcher.FetchAsync("partner", new ScriptedClient(Script()));

        Assert.NotNull(result);
        Assert.Equal(ExchangeRunStatus.Ok, result.Status);
        Assert.True(result.Complete);
        Assert.Equal(new ExchangeCounts(7, 1, 0), result.Counts);
        Assert.Equal("r3", result.Checkpoint);
        Assert.Equal(Expected, await BankAsync());
        var exchange = (await Store.Exchanges.GetExchangeAsync("partner"))!;
        Assert.Equal("r3", exchange.Checkpoint);
        Assert.Equal(ExchangeRunStatus.Ok, exchange.LastStatus);
        Assert.Equal(new ExchangeCounts(7, 1, 0), exchange.Total);

        // Nothing newer: the next fetch starts after r3 and changes nothing.
        var client = new ScriptedClient(Script());
        var again = await fetcher.FetchAsync("partner", client);
        Assert.Equal(ExchangeCounts.Zero, again!.Counts);
        Assert.Equal(["r3"], client.StartedFrom);
        Assert.Equal(new ExchangeCounts(7, 1, 0), (await Store.Exchanges.GetExchangeAsync("partner"))!.Total);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task A_fetch_cut_after_any_page_resumes_from_its_checkpoint_with_nothing_lost_or_doubled(int pages)
    {
        await AddExchangeAsync();
        var fetcher = new ExchangeFetcher(Store, new FetchLimits { BatchSize = 1 }, _clock);
        var client = new ScriptedClient(Script()) { FailAfterPages = pages };
        var failed = await fetcher.FetchAsync("partner", client);
        Assert.Equal(ExchangeRunStatus.Error, failed!.Status);
        Assert.Contains("scripted outage", (await Store.Exchanges.GetExchangeAsync("partner"))!.LastError);

        var resumed = await fetcher.FetchAsync("partner", client);
        Assert.Equal(ExchangeRunStatus.Ok, resumed!.Status);
        Assert.Equal(Expected, await BankAsync());
        // It resumed from the last range end it had reached, never from a point inside a range.
        string? from = client.StartedFrom[1];
        Assert.Equal(pages switch { 1 => null, 2 or 3 => "r1", _ => "r2" }, from);
    }

    [Fact]
    public async Task The_run_time_cap_stops_a_run_and_the_next_goes_on()
    {
        await AddExchangeAsync();
        var slow = new SlowClock(_clock, TimeSpan.FromMinutes(2));
        var fetcher = new ExchangeFetcher(Store, new FetchLimits { BatchSize = 100, MaxRunTime = TimeSpan.FromMinutes(5) }, slow);
        var first = await fetcher.FetchAsync("partner", new ScriptedClient(Script()));
        Assert.False(first!.Complete);
        Assert.NotEqual("r3", first.Checkpoint);
        var rest = await new ExchangeFetcher(Store, new FetchLimits(), _clock).FetchAsync("partner", new ScriptedClient(Script()));
        Assert.True(rest!.Complete);
        Assert.Equal(Expected, await BankAsync());
    }

    /// <summary>
    /// A backfill rests after each full batch so that its work is at most its share of the time: each
    /// page here takes 3 s; at a share of 0.25 one page of work earns a 9 s rest, two pages 18 s. A fetch
    /// that never fills a batch, or a share of 1, never rests. Nothing is lost or doubled by resting.
    /// </summary>
    [Theory]
    [InlineData(0.25, 2, new[] { 9, 18, 9 })]
    [InlineData(0.5, 2, new[] { 3, 6, 3 })]
    [InlineData(1.0, 2, new int[0])]
    [InlineData(0.25, 100, new int[0])]
    public async Task A_backfill_rests_between_full_batches_for_its_share_of_the_time(double share, int batch, int[] rests)
    {
        await AddExchangeAsync();
        var clock = new RestRecordingClock(_clock);
        var client = new ScriptedClient(Script()) { OnPage = () => _clock.Advance(TimeSpan.FromSeconds(3)) };
        var result = await new ExchangeFetcher(Store, new FetchLimits { BatchSize = batch, BackfillShare = share }, clock).FetchAsync("partner", client);
        Assert.True(result!.Complete);
        Assert.Equal(rests, clock.Rests.Select(r => (int)r.TotalSeconds).ToArray());
        Assert.Equal(Expected, await BankAsync());
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.04)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void A_backfill_share_outside_its_range_is_refused(double share) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new FetchLimits { BackfillShare = share });

    [Fact]
    public async Task Refused_credentials_are_recorded_and_shown()
    {
        await AddExchangeAsync();
        var client = new ScriptedClient(Script()) { FailAfterPages = 0, Failure = new ExchangeAuthException("partner: fetch was refused (HTTP 401): check the credentials") };
        var result = await new ExchangeFetcher(Store, clock: _clock).FetchAsync("partner", client);
        Assert.Equal(ExchangeRunStatus.AuthFailed, result!.Status);
        var exchange = (await Store.Exchanges.GetExchangeAsync("partner"))!;
        Assert.Equal(ExchangeRunStatus.AuthFailed, exchange.LastStatus);
        Assert.Contains("HTTP 401", exchange.LastError);
        Assert.Empty(await BankAsync());
    }

    [Fact]
    public async Task Entries_keep_their_provenance()
    {
        await AddExchangeAsync();
        await new ExchangeFetcher(Store, clock: _clock).FetchAsync("partner", new ScriptedClient([Page("r1", Add(9, member: "ncmec:member:42"))]));
        var content = Assert.Single(await ListAsync());
        Assert.Equal("exchange:partner", content.Source);
        Assert.Equal("e9", content.SourceId);
        Assert.Equal("A1", content.Classification);
        using var metadata = JsonDocument.Parse(content.Metadata!);
        Assert.Equal("partner", metadata.RootElement.GetProperty("exchange").GetString());
        Assert.Equal("ncmec:member:42", metadata.RootElement.GetProperty("member").GetString());
        Assert.Equal("synthetic", metadata.RootElement.GetProperty("added").GetString());
    }

    [Fact]
    public async Task One_fetcher_at_a_time_holds_an_exchange_until_its_lease_ends()
    {
        await AddExchangeAsync();
        var held = await Store.Exchanges.TakeExchangeAsync("partner", _clock.GetUtcNow(), TimeSpan.FromMinutes(10));
        Assert.NotNull(held);
        Assert.Null(await new ExchangeFetcher(Store, clock: _clock).FetchAsync("partner", new ScriptedClient(Script())));
        _clock.Advance(TimeSpan.FromMinutes(11));
        var result = await new ExchangeFetcher(Store, clock: _clock).FetchAsync("partner", new ScriptedClient(Script()));
        Assert.NotNull(result);
        // The first holder's hold lapsed: it can no longer save over the second's work.
        Assert.False(await Store.Exchanges.SaveCheckpointAsync(held, "stale", _clock.GetUtcNow(), ExchangeCounts.Zero, _clock.GetUtcNow(), TimeSpan.FromMinutes(1)));
        Assert.Equal("r3", (await Store.Exchanges.GetExchangeAsync("partner"))!.Checkpoint);
    }

    /// <summary>
    /// How exactly one replica fetches an exchange at a time (docs/exchanges.md, docs/replicas.md): two stores on one
    /// database, as two replicas have, race to take the same exchange many times at once and exactly one wins each
    /// round; while one is fetching, the other's fetch does nothing; the bank holds every entry once.
    /// </summary>
    [Fact]
    public async Task Two_replicas_racing_for_an_exchange_never_both_hold_it()
    {
        await AddExchangeAsync();
        await using var other = await OpenAnotherStoreAsync();
        IVigilStore[] replicas = [Store, other];
        for (int round = 0; round < 5; round++)
        {
            var takes = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() =>
                replicas[i % 2].Exchanges.TakeExchangeAsync("partner", _clock.GetUtcNow(), TimeSpan.FromMinutes(10), holder: $"replica-{i % 2}"))));
            var held = Assert.Single(takes, t => t is not null)!;
            await Store.Exchanges.FinishFetchAsync(held, ExchangeRunStatus.Ok, null, ExchangeCounts.Zero, _clock.GetUtcNow());
        }

        // While one replica is in the middle of a fetch, the other's fetch of the same exchange does nothing.
        ExchangeFetcher Fetcher(IVigilStore replica) => new(replica, new FetchLimits { BatchSize = 1 }, _clock);
        FetchResult? whileHeld = null;
        bool tried = false;
        var client = new ScriptedClient(Script())
        {
            OnPage = () =>
            {
                if (!tried)
                {
                    tried = true;
                    whileHeld = Fetcher(other).FetchAsync("partner", new ScriptedClient(Script())).GetAwaiter().GetResult();
                }
            },
        };
        Assert.NotNull(await Fetcher(Store).FetchAsync("partner", client));
        Assert.True(tried);
        Assert.Null(whileHeld);
        Assert.Equal(Expected, await BankAsync());
        // Once it is done, the other replica takes the exchange and finds nothing new after its checkpoint.
        Assert.Equal(ExchangeCounts.Zero, (await Fetcher(other).FetchAsync("partner", new ScriptedClient(Script())))!.Counts);
    }

    [Fact]
    public async Task Exchanges_are_checked_when_added()
    {
        var now = _clock.GetUtcNow();
        await Assert.ThrowsAsync<ArgumentException>(() => Store.Exchanges.AddExchangeAsync(new NewExchange("bad name", "ncmec", "EXCHANGED"), now));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.Exchanges.AddExchangeAsync(new NewExchange("x", "ftp", "EXCHANGED"), now));
        await Assert.ThrowsAsync<BankNotFoundException>(() => Store.Exchanges.AddExchangeAsync(new NewExchange("x", "url", "NO_BANK"), now));
        var added = await Store.Exchanges.AddExchangeAsync(new NewExchange("x", "url", "EXCHANGED") { CredentialsFile = "/etc/vigil/x.json", Interval = TimeSpan.FromMinutes(5) }, now);
        Assert.Equal(("x", "url", "EXCHANGED", "/etc/vigil/x.json", TimeSpan.FromMinutes(5), ExchangeRunStatus.Never),
            (added.Name, added.Type, added.Bank, added.CredentialsFile, added.Interval, added.LastStatus));
        await Assert.ThrowsAsync<ExchangeExistsException>(() => Store.Exchanges.AddExchangeAsync(new NewExchange("x", "url", "EXCHANGED"), now));
        Assert.Equal(["x"], (await Store.Exchanges.ListExchangesAsync()).Select(e => e.Name));
        Assert.True(await Store.Exchanges.RemoveExchangeAsync("x"));
        Assert.False(await Store.Exchanges.RemoveExchangeAsync("x"));
    }

    private async Task<List<BankContent>> ListAsync()
    {
        var list = new List<BankContent>();
        await foreach (var content in Store.StreamContentAsync("EXCHANGED"))
            list.Add(content);
        return list;
    }

    /// <summary>The test's clock, whose timers (the fetcher's rests) move it on at once and are recorded.</summary>
    private sealed class RestRecordingClock(ManualClock clock) : TimeProvider
    {
        public List<TimeSpan> Rests { get; } = [];

        public override DateTimeOffset GetUtcNow() => clock.GetUtcNow();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            lock (Rests)
                Rests.Add(dueTime);
            clock.Advance(dueTime);
            ThreadPool.QueueUserWorkItem(_ => callback(state));
            return new SpentTimer();
        }

        private sealed class SpentTimer : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => false;

            public void Dispose()
            {
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }

    /// <summary>A clock that moves on by <paramref name="step"/> every time it is read (a slow exchange).</summary>
    private sealed class SlowClock(ManualClock clock, TimeSpan step) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow()
        {
            clock.Advance(step);
            return clock.GetUtcNow();
        }
    }
}

public sealed class SqliteFetcherTests : FetcherTests
{
    protected override bool Postgres => false;
}

public sealed class PostgresFetcherTests : FetcherTests
{
    protected override bool Postgres => true;
}
