using System.Security.Cryptography;
using System.Text;
using Vigil.Exchanges.Clients;
using Vigil.Exchanges.Clients.ThreatExchange;
using Vigil.Exchanges.Fakes;
using Vigil.Exchanges.Fetching;

namespace Vigil.Exchanges.Tests.ThreatExchangeApi;

/// <summary>Synthetic ThreatExchange data (hashes of counters, never of content) and a client pointed at a fake.</summary>
internal static class TeFixture
{
    public const string MyApp = "1000000001";
    public const string Token = MyApp + "|synthetic-test-secret_0123456789";
    public const string Secret = "synthetic-test-secret_0123456789";
    public const string OtherApp = "2000000002";
    public const long T0 = 1_700_000_000;

    public static string Pdq(int n) => Hex(n, "pdq", 64);

    public static string Md5(int n) => Hex(n, "md5", 32);

    public static string IndicatorId(int n) => (5_000_000 + n).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static string DescriptorId(int n, int k = 0) => (7_000_000 + (n * 10) + k).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static Task<FakeThreatExchange> StartAsync() => FakeThreatExchange.StartAsync(Token, "1234567890");

    /// <summary>Indicator n as HASH_PDQ from another app, at <paramref name="time"/>.</summary>
    public static void PutPdq(FakeThreatExchange fake, int n, long time, params string[] tags) =>
        fake.Put(IndicatorId(n), "HASH_PDQ", Pdq(n), time, new FakeThreatExchangeDescriptor(DescriptorId(n), OtherApp, tags));

    /// <summary><paramref name="count"/> PDQ indicators, <paramref name="perSecond"/> to a second from <see cref="T0"/>.</summary>
    public static void Seed(FakeThreatExchange fake, int count, int perSecond = 2)
    {
        for (int n = 0; n < count; n++)
            PutPdq(fake, n, T0 + (n / perSecond), "tag_a");
    }

    public static ThreatExchangeClient Client(FakeThreatExchange fake, int pageSize = 3, string token = Token, HttpMessageHandler? handler = null,
        TimeSpan? staleAfter = null, int retries = 4)
    {
        var http = handler is null ? new HttpClient() : new HttpClient(handler);
        http.Timeout = Timeout.InfiniteTimeSpan;
        return new ThreatExchangeClient(http, new ThreatExchangeOptions
        {
            BaseUrl = fake.BaseAddress,
            PrivacyGroupId = fake.PrivacyGroupId,
            ApiVersion = fake.ApiVersion,
            PageSize = pageSize,
            StaleAfter = staleAfter ?? TimeSpan.FromDays(85),
            Http = new ExchangeHttpOptions
            {
                MaxRetryAttempts = retries,
                RetryBaseDelay = TimeSpan.FromMilliseconds(1),
                MaxRetryDelay = TimeSpan.FromMilliseconds(10),
                AttemptTimeout = TimeSpan.FromSeconds(30),
            },
        }, new ThreatExchangeCredentials(token));
    }

    public static async Task<List<ExchangePage>> ReadAllAsync(IExchangeClient client, ExchangeCheckpoint? checkpoint = null, int? stopAfter = null)
    {
        var pages = new List<ExchangePage>();
        await foreach (var page in client.FetchAsync(checkpoint))
        {
            pages.Add(page);
            if (pages.Count == stopAfter)
                break;
        }
        return pages;
    }

    /// <summary>A bank's copy: pages applied in order (add or replace by source id, remove by source id, a snapshot's end drops what it did not name).</summary>
    public static void Apply(Dictionary<string, HashListEntry> bank, IEnumerable<ExchangePage> pages)
    {
        var named = new HashSet<string>(StringComparer.Ordinal);
        foreach (var page in pages)
        {
            foreach (var entry in page.Entries)
            {
                Assert.NotNull(entry.SourceId);
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
            }
        }
    }

    /// <summary>The fake's live set as (indicator id, pdq) pairs.</summary>
    public static Dictionary<string, string> Expected(FakeThreatExchange fake) =>
        fake.Live.Values.ToDictionary(u => u.Id, u => u.Indicator, StringComparer.Ordinal);

    public static Dictionary<string, string> Actual(Dictionary<string, HashListEntry> bank) =>
        bank.ToDictionary(kv => kv.Key, kv => kv.Value.Signals.Single().Value, StringComparer.Ordinal);

    private static string Hex(int n, string salt, int length) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"vigil-synthetic-{salt}-{n}")))[..length];
}
