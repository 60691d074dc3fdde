using Vigil.Exchanges.Clients;
using Vigil.Exchanges.Clients.Ncmec;
using Vigil.Exchanges.Fakes;
using Vigil.Exchanges.Fetching;
using Vigil.Testing;

namespace Vigil.Exchanges.Tests.Ncmec;

/// <summary>Synthetic NCMEC data and a client wired to a <see cref="FakeNcmec"/>. No real hashes: values are counters in hex.</summary>
internal static class NcmecTestKit
{
    public static readonly DateTimeOffset Day0 = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static readonly ExchangeHttpOptions FastRetries = new()
    {
        RetryBaseDelay = TimeSpan.FromMilliseconds(5),
        MaxRetryDelay = TimeSpan.FromMilliseconds(20),
        AttemptTimeout = TimeSpan.FromSeconds(20),
    };

    public static string Md5(int i) => $"{i:x32}";
    public static string Sha1(int i) => $"{i:x40}";
    public static string Pdq(int i) => $"{i:x64}";

    /// <summary>An image (md5, sha1, pdq) or video (md5 only) entry number <paramref name="i"/> at <paramref name="at"/>.</summary>
    public static FakeNcmecEntry Entry(int i, DateTimeOffset at, int member = 42, bool video = false, string? classification = "A1") =>
        new(member, $"e{i}", at, video, Classification: classification,
            Fingerprints: video
                ? [new("md5", Md5(i)), new("tmk-pdqf", "")]
                : [new("md5", Md5(i)), new("sha1", Sha1(i)), new("pdq", Pdq(i)), new("pdna", "synthetic")]);

    /// <summary>A fixed clock <paramref name="now"/> and a non-adaptive range of <paramref name="range"/> from <see cref="Day0"/>.</summary>
    public static NcmecOptions Options(FakeNcmec fake, TimeSpan range, DateTimeOffset now, int? pageSize = null, bool adaptive = false) => new()
    {
        BaseUrl = fake.BaseUrl,
        BackfillStart = Day0,
        TimeRange = range,
        MaxTimeRange = adaptive ? TimeSpan.FromDays(365) : range,
        AdaptiveRanges = adaptive,
        PageSize = pageSize,
        SettleDelay = TimeSpan.Zero,
        Clock = new ManualClock(now),
    };

    public static NcmecHashClient Client(FakeNcmec fake, NcmecOptions options, string? password = null) =>
        new(new HttpClient { Timeout = Timeout.InfiniteTimeSpan }, new NcmecCredentials(fake.User, password ?? fake.Password), options, FastRetries);

    public static async Task<List<ExchangePage>> All(IExchangeClient client, ExchangeCheckpoint? checkpoint = null)
    {
        var pages = new List<ExchangePage>();
        await foreach (var page in client.FetchAsync(checkpoint))
            pages.Add(page);
        return pages;
    }

    /// <summary>What a bank holds after applying <paramref name="pages"/> in order: (source, source id) to the last entry.</summary>
    public static Dictionary<(string?, string?), HashListEntry> Apply(IEnumerable<ExchangePage> pages, Dictionary<(string?, string?), HashListEntry>? bank = null)
    {
        bank ??= [];
        foreach (var entry in pages.SelectMany(p => p.Entries))
        {
            if (entry.Action == HashListAction.Add)
                bank[(entry.Source, entry.SourceId)] = entry;
            else
                bank.Remove((entry.Source, entry.SourceId));
        }
        return bank;
    }
}
