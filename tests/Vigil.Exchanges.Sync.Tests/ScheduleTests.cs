using Vigil.Exchanges.Fetching;
using Vigil.Storage;
using Vigil.Testing;
using static Vigil.Exchanges.Sync.Tests.ScriptedClient;

namespace Vigil.Exchanges.Sync.Tests;

/// <summary>The server's schedule on both engines: due exchanges fetched, others left; refused credentials left alone until the file changes; a named schedule frees its own holds.</summary>
public abstract class ScheduleTests : StoreTest
{
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero));
    private readonly TempDirectory _files = new("vigil-schedule-");

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _files.Dispose();
    }

    [Fact]
    public async Task Due_exchanges_are_fetched_on_their_interval_and_refused_credentials_wait_for_a_change()
    {
        string credentials = _files.File("creds.json");
        await File.WriteAllTextAsync(credentials, "{}");
        File.SetLastWriteTimeUtc(credentials, _clock.GetUtcNow().UtcDateTime.AddDays(-1));
        await Store.Exchanges.AddExchangeAsync(new NewExchange("every-minute", "ncmec", "EXCHANGED") { Interval = TimeSpan.FromMinutes(1) }, _clock.GetUtcNow());
        await Store.Exchanges.AddExchangeAsync(new NewExchange("refused", "ncmec", "EXCHANGED") { CredentialsFile = credentials }, _clock.GetUtcNow());
        var refusing = new ScriptedClient([Page("r1", Add(1))]) { FailAfterPages = 0, Failure = new ExchangeAuthException("refused (HTTP 401)") };
        var clients = new Dictionary<string, IExchangeClient> { ["every-minute"] = new ScriptedClient([Page("r1", Add(2))]), ["refused"] = refusing };
        var schedule = new ExchangeSchedule(Store, e => clients[e.Name], new ExchangeScheduleOptions(), _clock);
        var fetcher = new ExchangeFetcher(Store, clock: _clock);

        Assert.Equal(2, await schedule.RunDueAsync(fetcher, CancellationToken.None));
        Assert.Equal(ExchangeRunStatus.AuthFailed, (await Store.Exchanges.GetExchangeAsync("refused"))!.LastStatus);
        // Thirty seconds on: nothing is due.
        _clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(0, await schedule.RunDueAsync(fetcher, CancellationToken.None));
        // A minute on: the healthy one again; the refused one waits.
        _clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(1, await schedule.RunDueAsync(fetcher, CancellationToken.None));
        // Its credentials file changes: it is tried again at once.
        File.SetLastWriteTimeUtc(credentials, _clock.GetUtcNow().UtcDateTime);
        var refused = (await Store.Exchanges.GetExchangeAsync("refused"))!;
        Assert.True(schedule.IsDue(refused, _clock.GetUtcNow()));
        clients["refused"] = new ScriptedClient([Page("r1", Add(1))]);
        Assert.Equal(1, await schedule.RunDueAsync(fetcher, CancellationToken.None));
        Assert.Equal(ExchangeRunStatus.Ok, (await Store.Exchanges.GetExchangeAsync("refused"))!.LastStatus);
    }

    [Fact]
    public async Task A_configuration_that_cannot_make_a_client_is_shown_as_the_exchanges_error()
    {
        await Store.Exchanges.AddExchangeAsync(new NewExchange("broken", "url", "EXCHANGED"), _clock.GetUtcNow());
        var schedule = new ExchangeSchedule(Store, _ => throw new ArgumentException("exchange broken: a url exchange needs its list's URL (--url)"),
            new ExchangeScheduleOptions(), _clock);
        Assert.Equal(0, await schedule.RunDueAsync(new ExchangeFetcher(Store, clock: _clock), CancellationToken.None));
        var broken = (await Store.Exchanges.GetExchangeAsync("broken"))!;
        Assert.Equal(ExchangeRunStatus.Error, broken.LastStatus);
        Assert.Contains("needs its list's URL", broken.LastError);
    }

    [Fact]
    public async Task A_named_schedule_frees_what_its_previous_run_held()
    {
        await Store.Exchanges.AddExchangeAsync(new NewExchange("held", "ncmec", "EXCHANGED"), _clock.GetUtcNow());
        Assert.NotNull(await Store.Exchanges.TakeExchangeAsync("held", _clock.GetUtcNow(), TimeSpan.FromHours(1), holder: "host-a:5100"));
        Assert.Null(await Store.Exchanges.TakeExchangeAsync("held", _clock.GetUtcNow(), TimeSpan.FromHours(1), holder: "host-b:5100"));
        Assert.Equal(0, await Store.Exchanges.ReleaseHeldExchangesAsync("host-b:5100"));
        Assert.Equal(1, await Store.Exchanges.ReleaseHeldExchangesAsync("host-a:5100"));
        Assert.NotNull(await Store.Exchanges.TakeExchangeAsync("held", _clock.GetUtcNow(), TimeSpan.FromHours(1), holder: "host-b:5100"));
        // An operator's take-over works even while held.
        Assert.NotNull(await Store.Exchanges.TakeExchangeAsync("held", _clock.GetUtcNow(), TimeSpan.FromHours(1), takeOver: true));
    }
}

public sealed class SqliteScheduleTests : ScheduleTests
{
    protected override bool Postgres => false;
}

public sealed class PostgresScheduleTests : ScheduleTests
{
    protected override bool Postgres => true;
}
