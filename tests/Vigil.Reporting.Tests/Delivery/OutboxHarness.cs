using System.Collections.Concurrent;
using System.Security.Cryptography;
using Vigil.Hashing.Signals;
using Vigil.Reporting.Building;
using Vigil.Reporting.Client;
using Vigil.Reporting.Delivery;
using Vigil.Reporting.Fake;
using Vigil.Review;
using Vigil.Review.Actions;
using Vigil.Review.Evidence;
using Vigil.Storage;
using Vigil.Testing;

namespace Vigil.Reporting.Tests.Delivery;

/// <summary>
/// A store with reviewed cases, the evidence vault, the review service and the fake CyberTipline:
/// cases are opened with benign fixture photos, confirmed A1 and decided report, and the outbox
/// files them. The outbox's own clock is a <see cref="ManualClock"/> (leases, back-off, NCMEC's
/// window, the fake's expiry); the client's retry delays are a few milliseconds of real time.
/// </summary>
internal sealed class OutboxHarness : IAsyncDisposable
{
    public static readonly string[] Photos = ["aaa-orig.jpg", "blur-a-little.jpg", "high-contrast.jpg"];

    private readonly TempDirectory _dir;
    private readonly KeyFileWrapper _key;

    private OutboxHarness(TempDirectory dir, IVigilStore store, FakeCyberTipline fake, ManualClock clock, KeyFileWrapper key)
    {
        _dir = dir;
        Store = store;
        Fake = fake;
        Clock = clock;
        _key = key;
        Vault = new EvidenceVault(key);
        Review = new ReviewService(store.Cases, store, store, new StoreReviewAudit(store), Events, new ReviewOptions(), clock, Vault);
    }

    public IVigilStore Store { get; }

    public FakeCyberTipline Fake { get; }

    public ManualClock Clock { get; }

    public EvidenceVault Vault { get; }

    public ReviewService Review { get; }

    public RecordingSink Events { get; } = new();

    public static ReporterSettings Reporter { get; } = new()
    {
        Company = "Example Platform (synthetic)",
        ReportingPerson = new ReporterPerson { FirstName = "Rita", LastName = "Reporter", Email = "trust@example.org" },
        TermsOfServiceUrl = "https://example.org/terms",
    };

    /// <summary>A harness over a new SQLite store, or over <paramref name="store"/> (PostgreSQL tests).</summary>
    public static async Task<OutboxHarness> StartAsync(IVigilStore? store = null, ManualClock? clock = null)
    {
        clock ??= new ManualClock(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
        var dir = new TempDirectory("vigil-outbox-store-");
        store ??= await Vigil.Storage.Sqlite.SqliteVigilStore.OpenAsync(dir.File("vigil.db"));
        var fake = await FakeCyberTipline.StartAsync(new FakeCyberTiplineOptions { TimeProvider = clock });
        var key = KeyFileWrapper.Create(dir.File("vault.key"));
        return new OutboxHarness(dir, store, fake, clock, key);
    }

    /// <summary>A client of the fake: a few quick retries, no per-attempt timeout.</summary>
    public CyberTiplineClient Client(string password = "vigil-dev", int retries = 2) => new(new CyberTiplineClientOptions
    {
        BaseAddress = Fake.BaseAddress,
        Credentials = new CyberTiplineCredentials("vigil", password),
        RetryBaseDelay = TimeSpan.FromMilliseconds(1),
        MaxRetryDelay = TimeSpan.FromMilliseconds(5),
        MaxRetryAttempts = retries,
        AttemptTimeout = Timeout.InfiniteTimeSpan,
    });

    public ReportDeliveryOptions Options { get; set; } = new()
    {
        Reporter = Reporter,
        BackoffBase = TimeSpan.FromSeconds(30),
        BackoffMax = TimeSpan.FromMinutes(10),
    };

    public ReportDelivery Delivery(CyberTiplineClient client) =>
        new(Store, client, Vault, new ReviewReportOutcomes(Review, "reporting"), Options, Clock);

    /// <summary>A delivery over another connection to the same database (a second replica), with its own review service.</summary>
    public ReportDelivery DeliveryOver(IVigilStore store, CyberTiplineClient client) =>
        new(store, client, Vault, new ReviewReportOutcomes(
            new ReviewService(store.Cases, store, store, new StoreReviewAudit(store), Events, new ReviewOptions(), Clock, Vault), "reporting"), Options, Clock);

    public ReportWorker Worker(CyberTiplineClient client, ReportDelivery? delivery = null) =>
        new(Store, delivery ?? Delivery(client), client, new ReportWorkerOptions { PollInterval = TimeSpan.FromMilliseconds(20), Parallelism = 2 }, Clock);

    /// <summary>Opens a case for <paramref name="subject"/> with the given fixture photos, confirms each A1 and decides the case report.</summary>
    public async Task<long> DecidedCaseAsync(string subject, params string[] photos)
    {
        if (photos.Length == 0)
            photos = Photos;
        long caseId = 0;
        var items = new List<long>();
        foreach (string photo in photos)
        {
            byte[] bytes = await File.ReadAllBytesAsync(Fixtures.ThreatExchange($"pdq/data/bridge-mods/{photo}"));
            var opened = await Review.OpenAsync(new NewCaseItem
            {
                Subject = subject,
                Source = "api",
                Priority = 1,
                Signals = [new Signal(SignalType.Md5, Convert.ToHexStringLower(MD5.HashData(bytes))), new Signal(SignalType.Pdq, new string('a', 64))],
                Matches = [new CaseMatch("KNOWN", 7, "pdq", 4, "A1", ["synthetic"], "fixture-exchange", "F-7")],
                Context = new ItemContext
                {
                    ScreenName = "synthetic-" + subject, FileName = photo, UploadedAt = Clock.GetUtcNow().AddHours(-1),
                    Ip = "198.51.100.7", Port = 443, Url = "https://example.org/p/" + photo,
                },
            }, bytes, "image/jpeg");
            caseId = opened.CaseId;
            items.Add(opened.ItemId);
        }
        var reviewer = new Reviewer("reviewer-1", Senior: true);
        Assert.Equal(CaseChange.Done, await Review.ClaimAsync(caseId, reviewer));
        foreach (long item in items)
            Assert.Equal(CaseChange.Done, await Review.DecideItemAsync(caseId, item, reviewer, ItemVerdict.Confirmed, IndustryClassification.A1));
        Assert.Equal(CaseChange.Done, await Review.DecideCaseAsync(caseId, reviewer, CaseVerdict.Report));
        return caseId;
    }

    /// <summary>The bytes of a fixture photo.</summary>
    public static byte[] Photo(string name) => File.ReadAllBytes(Fixtures.ThreatExchange($"pdq/data/bridge-mods/{name}"));

    /// <summary>The fake's finished reports about <paramref name="caseId"/> (the report's text names the case).</summary>
    public IReadOnlyList<FakeReport> Finished(long caseId) =>
        [.. Fake.Reports.Where(r => r.State == FakeReportState.Finished && System.Text.Encoding.UTF8.GetString(r.Document).Contains($"Vigil case {caseId}:", StringComparison.Ordinal))];

    public async ValueTask DisposeAsync()
    {
        await Fake.DisposeAsync();
        await Store.DisposeAsync();
        _key.Dispose();
        _dir.Dispose();
    }
}

/// <summary>The action events the review service raised.</summary>
internal sealed class RecordingSink : IActionSink
{
    public ConcurrentQueue<ActionEvent> Raised { get; } = new();

    public ValueTask RaiseAsync(ActionEvent actionEvent, CancellationToken cancellationToken = default)
    {
        Raised.Enqueue(actionEvent);
        return ValueTask.CompletedTask;
    }
}
