using Vigil.Exchanges.Clients;
using Vigil.Exchanges.Clients.StopNcii;
using Vigil.Exchanges.Fakes;
using Vigil.Exchanges.Fetching;

namespace Vigil.Exchanges.Tests.StopNcii;

/// <summary>What the StopNCII tests share: a client on a fake, reading every page, and a bank that applies pages.</summary>
internal static class StopNciiKit
{
    public static readonly ExchangeHttpOptions FastRetries = new()
    {
        MaxRetryAttempts = 4,
        RetryBaseDelay = TimeSpan.FromMilliseconds(1),
        MaxRetryDelay = TimeSpan.FromMilliseconds(20),
        AttemptTimeout = TimeSpan.FromSeconds(20),
    };

    public static StopNciiCredentials Keys(FakeStopNcii _) => new(FakeStopNcii.DefaultSubscriptionKey, FakeStopNcii.DefaultFetchFunctionKey);

    public static StopNciiClient Client(FakeStopNcii fake, int pageSize = 800, TimeProvider? clock = null,
        StopNciiCredentials? credentials = null, List<string>? log = null, ExchangeHttpOptions? http = null) =>
        new(new HttpClient { Timeout = Timeout.InfiniteTimeSpan }, credentials ?? Keys(fake), new StopNciiOptions
        {
            BaseUrl = fake.BaseUrl,
            PageSize = pageSize,
            Clock = clock ?? TimeProvider.System,
            Http = http ?? FastRetries,
            Log = log is null ? null : message =>
            {
                lock (log)
                    log.Add(message);
            },
        });

    public static async Task<List<ExchangePage>> AllPagesAsync(IExchangeClient client, ExchangeCheckpoint? checkpoint = null)
    {
        var pages = new List<ExchangePage>();
        await foreach (var page in client.FetchAsync(checkpoint))
            pages.Add(page);
        return pages;
    }

    /// <summary>Source ids of every entry of the pages, in order.</summary>
    public static List<string> Ids(IEnumerable<ExchangePage> pages) => [.. pages.SelectMany(p => p.Entries).Select(e => e.SourceId!)];

    /// <summary>A bank's view after committing the pages in order: adds and refreshes by source id, removals, snapshots.</summary>
    public static Dictionary<string, HashListEntry> Apply(IEnumerable<ExchangePage> pages, Dictionary<string, HashListEntry>? bank = null)
    {
        bank ??= [];
        var named = new HashSet<string>();
        foreach (var page in pages)
        {
            foreach (var entry in page.Entries)
            {
                named.Add(entry.SourceId!);
                if (entry.Action == HashListAction.Add)
                    bank[entry.SourceId!] = entry;
                else
                    bank.Remove(entry.SourceId!);
            }
            if (page.EndsSnapshot)
            {
                foreach (string id in bank.Keys.Where(id => !named.Contains(id)).ToList())
                    bank.Remove(id);
                named.Clear();
            }
        }
        return bank;
    }

    /// <summary>The hashes the fake lists as live.</summary>
    public static HashSet<string> Live(FakeStopNcii fake) => [.. fake.Records.Where(r => !r.IsGone).Select(r => r.HashValue)];
}
