using System.Text;
using Vigil.Exchanges.Clients;
using Vigil.Exchanges.Clients.Url;
using Vigil.Exchanges.Fakes;
using Vigil.Exchanges.Fetching;
using Vigil.Storage;
using Vigil.Testing;
using static Vigil.Exchanges.Sync.Tests.ScriptedClient;

namespace Vigil.Exchanges.Sync.Tests;

/// <summary>A partner's list at a URL: fetched whole, applied as the difference from the last fetch, not fetched again while unchanged (ETag).</summary>
public abstract class UrlListTests : StoreTest
{
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero));
    private FakeListServer _server = null!;
    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _server = await FakeListServer.StartAsync();
    }

    public override async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _http.Dispose();
        await base.DisposeAsync();
    }

    private static byte[] Csv(params int[] ids)
    {
        var text = new StringBuilder("pdq,label\n");
        foreach (int id in ids)
            text.Append(Pdq(id)).Append(",A1\n");
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private UrlListClient Client(string list = "partner.csv", IReadOnlyList<string>? allow = null) => new(_http, new UrlListOptions
    {
        Url = _server.UrlOf(list),
        AllowList = allow ?? [_server.Host.BaseAddress.AbsoluteUri],
        PageSize = 2,
    }, new ExchangeHttpOptions { RetryBaseDelay = TimeSpan.FromMilliseconds(1), MaxRetryDelay = TimeSpan.FromMilliseconds(5) });

    private static List<(string?, string)> Rows(params int[] ids) => [.. ids.Select(i => ((string?)("pdq:" + Pdq(i)), Pdq(i))).OrderBy(x => x)];

    [Fact]
    public async Task A_list_is_applied_as_the_difference_from_the_last_fetch_and_not_fetched_again_while_unchanged()
    {
        await Store.Exchanges.AddExchangeAsync(new NewExchange("partner", "url", "EXCHANGED"), _clock.GetUtcNow());
        var fetcher = new ExchangeFetcher(Store, new FetchLimits { BatchSize = 2 }, _clock);
        _server.Publish("partner.csv", Csv(1, 2, 3, 4, 5), _clock.GetUtcNow());

        var first = await fetcher.FetchAsync("partner", Client());
        Assert.Equal(new ExchangeCounts(5, 0, 0), first!.Counts);
        Assert.Equal(Rows(1, 2, 3, 4, 5), await BankAsync());

        // Unchanged: a 304, nothing read, nothing changed.
        var same = await fetcher.FetchAsync("partner", Client());
        Assert.Equal(ExchangeCounts.Zero, same!.Counts);
        Assert.Equal(1, _server.Served);

        // The partner drops 2 and 4 and adds 6: exactly that happens to the bank.
        _clock.Advance(TimeSpan.FromMinutes(1));
        _server.Publish("partner.csv", Csv(1, 3, 5, 6), _clock.GetUtcNow());
        var changed = await fetcher.FetchAsync("partner", Client());
        Assert.Equal(new ExchangeCounts(1, 2, 3), changed!.Counts);
        Assert.Equal(Rows(1, 3, 5, 6), await BankAsync());
    }

    [Fact]
    public async Task A_fetch_cut_mid_file_reads_the_whole_file_again_and_removes_nothing_it_should_keep()
    {
        await Store.Exchanges.AddExchangeAsync(new NewExchange("partner", "url", "EXCHANGED"), _clock.GetUtcNow());
        _server.Publish("partner.csv", Csv(1, 2, 3, 4, 5, 6), _clock.GetUtcNow());
        var fetcher = new ExchangeFetcher(Store, new FetchLimits { BatchSize = 2 }, _clock);
        var cut = new CutAfter(Client(), pages: 2);
        Assert.Equal(ExchangeRunStatus.Error, (await fetcher.FetchAsync("partner", cut))!.Status);
        Assert.Null((await Store.Exchanges.GetExchangeAsync("partner"))!.Checkpoint);

        var whole = await fetcher.FetchAsync("partner", Client());
        Assert.Equal(ExchangeRunStatus.Ok, whole!.Status);
        Assert.Equal(Rows(1, 2, 3, 4, 5, 6), await BankAsync());
    }

    [Fact]
    public void A_url_outside_the_allow_list_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => Client(allow: ["https://lists.example.org/"]));
        Assert.Contains("is not under the URL allow-list (https://lists.example.org/)", e.Message);
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => Client(allow: [])).Message);
    }

    [Fact]
    public async Task Server_errors_are_retried_and_a_401_stops_the_exchange()
    {
        await Store.Exchanges.AddExchangeAsync(new NewExchange("partner", "url", "EXCHANGED"), _clock.GetUtcNow());
        _server.Publish("partner.csv", Csv(1), _clock.GetUtcNow());
        _server.Host.Inject("/lists/", FakeExchangeFailure.Unavailable, times: 2);
        var fetcher = new ExchangeFetcher(Store, clock: _clock);
        Assert.Equal(ExchangeRunStatus.Ok, (await fetcher.FetchAsync("partner", Client()))!.Status);
        Assert.Equal(Rows(1), await BankAsync());

        _server.Host.Inject("/lists/", FakeExchangeFailure.Unauthorized);
        int before = _server.Host.RequestCount("/lists/");
        var refused = await fetcher.FetchAsync("partner", Client());
        Assert.Equal(ExchangeRunStatus.AuthFailed, refused!.Status);
        Assert.Equal(before + 1, _server.Host.RequestCount("/lists/"));
    }

    /// <summary>A client that fails after handing out some pages (a crash mid-file).</summary>
    private sealed class CutAfter(IExchangeClient inner, int pages) : IExchangeClient
    {
        public async IAsyncEnumerable<ExchangePage> FetchAsync(ExchangeCheckpoint? checkpoint,
            [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            int n = 0;
            await foreach (var page in inner.FetchAsync(checkpoint, cancellationToken))
            {
                if (n++ == pages)
                    throw new ExchangeUnavailableException("cut");
                yield return page;
            }
        }
    }
}

public sealed class SqliteUrlListTests : UrlListTests
{
    protected override bool Postgres => false;
}

public sealed class PostgresUrlListTests : UrlListTests
{
    protected override bool Postgres => true;
}
