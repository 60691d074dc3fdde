using System.Text.Json;
using Vigil.Exchanges.Clients;
using Vigil.Exchanges.Fakes;
using Vigil.Exchanges.Fetching;
using Vigil.Hashing.Signals;
using Vigil.Storage;
using Vigil.Testing;

namespace Vigil.Exchanges.Sync.Tests;

/// <summary>
/// The feedback sender on both engines against the fake StopNCII and NCMEC: entries fetched from the fake, feedback queued on
/// them as review queues it, sent through the client the exchange's stored configuration makes.
/// </summary>
public abstract class FeedbackSenderTests : StoreTest
{
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero));
    private readonly TempDirectory _files = new("vigil-feedback-");
    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };

    public override async Task DisposeAsync()
    {
        _http.Dispose();
        await base.DisposeAsync();
        _files.Dispose();
    }

    /// <summary>Clients as the server makes them, with no retries of their own: each failure reaches the sender.</summary>
    private IExchangeClient Client(Exchange exchange) =>
        ExchangeClientFactory.Create(exchange, new ExchangeClientContext(_http, _ => null, []) { HttpOptions = new ExchangeHttpOptions { MaxRetryAttempts = 0 } });

    private ExchangeFeedbackSender Sender() => new(Store, Client, new ExchangeFeedbackSenderOptions
    {
        BackoffBase = TimeSpan.FromMinutes(1),
        BackoffMax = TimeSpan.FromMinutes(10),
        MaxAttempts = 3,
    }, _clock);

    private string Credentials(Dictionary<string, string> keys)
    {
        string path = _files.File($"creds-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, JsonSerializer.Serialize(keys));
        return path;
    }

    private async Task<FakeStopNcii> StopNciiAsync(string name, int records, string? feedbackKey = null)
    {
        var fake = await FakeStopNcii.StartAsync();
        fake.AddSynthetic(records);
        var keys = new Dictionary<string, string>
        {
            ["subscription_key"] = FakeStopNcii.DefaultSubscriptionKey,
            ["fetch_function_key"] = FakeStopNcii.DefaultFetchFunctionKey,
        };
        if (feedbackKey is not null)
            keys["feedback_function_key"] = feedbackKey;
        var exchange = await Store.Exchanges.AddExchangeAsync(new NewExchange(name, "stopncii", "EXCHANGED")
        {
            BaseUrl = fake.BaseUrl.ToString(),
            CredentialsFile = Credentials(keys),
        }, _clock.GetUtcNow());
        Assert.Equal(ExchangeRunStatus.Ok, (await new ExchangeFetcher(Store, clock: _clock).FetchAsync(name, Client(exchange)))!.Status);
        return fake;
    }

    /// <summary>Queues feedback on every entry of the bank from <paramref name="exchange"/>, as review would; returns how many were queued.</summary>
    private async Task<int> QueueAsync(string exchange, ExchangeFeedbackOpinion opinion)
    {
        int queued = 0;
        await foreach (var content in Store.StreamContentAsync("EXCHANGED"))
        {
            if (ExchangeSources.ExchangeOf(content.Source) == exchange &&
                await Store.ExchangeFeedback.EnqueueAsync(new NewExchangeFeedback(exchange, content.Id, content.SourceId!, opinion, content.Signals,
                    _clock.GetUtcNow())) is not null)
                queued++;
        }
        return queued;
    }

    private async Task<List<ExchangeFeedbackItem>> QueueOfAsync(string exchange) => [.. await Store.ExchangeFeedback.ListAsync(exchange, 0, 100)];

    [Fact]
    public async Task Not_abuse_reaches_StopNCII_as_a_false_positive_exactly_once_even_when_queued_twice()
    {
        await using var fake = await StopNciiAsync("stopncii-test", records: 2);
        Assert.Equal(2, await QueueAsync("stopncii-test", ExchangeFeedbackOpinion.FalsePositive));
        // Decided again (another item matching the same entries): nothing more is queued.
        Assert.Equal(0, await QueueAsync("stopncii-test", ExchangeFeedbackOpinion.FalsePositive));
        var sender = Sender();
        Assert.Equal(new ExchangeFeedbackRound(2, 0, 0), await sender.SendDueAsync(CancellationToken.None));
        _clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, (await sender.SendDueAsync(CancellationToken.None)).Claimed);

        var received = fake.Feedback;
        Assert.Equal(2, received.Count);
        Assert.All(received, f => Assert.Equal("NotBlocked", f.FeedbackValue));
        Assert.Equal([FakeStopNcii.SyntheticPdq(0), FakeStopNcii.SyntheticPdq(1)], received.Select(f => f.HashValue).Order());
        Assert.All(await QueueOfAsync("stopncii-test"), item =>
            Assert.Equal((ExchangeFeedbackStatus.Sent, 1, _clock.GetUtcNow().AddHours(-1)), (item.Status, item.Attempts, item.SentAt)));
    }

    [Fact]
    public async Task A_503_is_retried_after_its_backoff_and_then_succeeds()
    {
        await using var fake = await StopNciiAsync("stopncii-test", records: 1);
        await QueueAsync("stopncii-test", ExchangeFeedbackOpinion.Confirmed);
        fake.Inject(FakeStopNcii.FeedbackPath, FakeExchangeFailure.Unavailable);
        var sender = Sender();

        Assert.Equal(new ExchangeFeedbackRound(0, 1, 0), await sender.SendDueAsync(CancellationToken.None));
        var waiting = Assert.Single(await QueueOfAsync("stopncii-test"));
        Assert.Equal((ExchangeFeedbackStatus.Pending, 1, _clock.GetUtcNow().AddMinutes(1)), (waiting.Status, waiting.Attempts, waiting.NextAttemptAt));
        Assert.Contains("503", waiting.LastError);
        Assert.Empty(fake.Feedback);
        // Not before its backoff.
        _clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(0, (await sender.SendDueAsync(CancellationToken.None)).Claimed);
        _clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(new ExchangeFeedbackRound(1, 0, 0), await sender.SendDueAsync(CancellationToken.None));
        Assert.Equal("Blocked", Assert.Single(fake.Feedback).FeedbackValue);
        var sent = Assert.Single(await QueueOfAsync("stopncii-test"));
        Assert.Equal((ExchangeFeedbackStatus.Sent, 2), (sent.Status, sent.Attempts));
    }

    [Fact]
    public async Task Unavailable_every_time_it_waits_longer_each_time_and_is_given_up_after_the_last_attempt()
    {
        await using var fake = await StopNciiAsync("stopncii-test", records: 1);
        await QueueAsync("stopncii-test", ExchangeFeedbackOpinion.FalsePositive);
        fake.Inject(FakeStopNcii.FeedbackPath, FakeExchangeFailure.ServerError, times: 3);
        var sender = Sender();
        Assert.Equal(1, (await sender.SendDueAsync(CancellationToken.None)).Retrying);
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, (await sender.SendDueAsync(CancellationToken.None)).Retrying);
        Assert.Equal(_clock.GetUtcNow().AddMinutes(2), Assert.Single(await QueueOfAsync("stopncii-test")).NextAttemptAt);
        _clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(1, (await sender.SendDueAsync(CancellationToken.None)).Dead);
        var dead = Assert.Single(await QueueOfAsync("stopncii-test"));
        Assert.Equal((ExchangeFeedbackStatus.Dead, 3), (dead.Status, dead.Attempts));
        Assert.StartsWith("given up after 3 attempts", dead.LastError);
        Assert.Empty(fake.Feedback);
    }

    [Fact]
    public async Task A_401_is_dead_with_the_reason_after_one_request_and_sent_once_an_operator_retries_it()
    {
        await using var fake = await StopNciiAsync("stopncii-test", records: 1, feedbackKey: "synthetic-wrong-feedback-key");
        await QueueAsync("stopncii-test", ExchangeFeedbackOpinion.FalsePositive);
        int before = fake.Host.Requests.Count;
        var sender = Sender();

        Assert.Equal(new ExchangeFeedbackRound(0, 0, 1), await sender.SendDueAsync(CancellationToken.None));
        Assert.Equal(1, fake.Host.Requests.Count - before);
        var dead = Assert.Single(await QueueOfAsync("stopncii-test"));
        Assert.Equal((ExchangeFeedbackStatus.Dead, 1), (dead.Status, dead.Attempts));
        Assert.StartsWith("the exchange refused the credentials", dead.LastError);
        Assert.DoesNotContain("synthetic-wrong-feedback-key", dead.LastError);
        _clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(0, (await sender.SendDueAsync(CancellationToken.None)).Claimed);
        Assert.Empty(fake.Feedback);

        // The operator fixes the credentials and sends the dead feedback again.
        var exchange = (await Store.Exchanges.GetExchangeAsync("stopncii-test"))!;
        File.WriteAllText(exchange.CredentialsFile!, JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["subscription_key"] = FakeStopNcii.DefaultSubscriptionKey,
            ["fetch_function_key"] = FakeStopNcii.DefaultFetchFunctionKey,
        }));
        Assert.Equal(1, await Store.ExchangeFeedback.RetryDeadAsync("stopncii-test", _clock.GetUtcNow()));
        Assert.Equal(1, (await sender.SendDueAsync(CancellationToken.None)).Sent);
        Assert.Equal("NotBlocked", Assert.Single(fake.Feedback).FeedbackValue);
    }

    [Fact]
    public async Task NCMEC_takes_a_false_positive_with_a_reason_and_a_confirmation_on_each_fingerprint_of_the_entry()
    {
        await using var fake = await FakeNcmec.StartAsync();
        fake.Add(new FakeNcmecEntry(1, "N-1", _clock.GetUtcNow().AddDays(-2), Fingerprints:
            [new("md5", new string('1', 32)), new("pdq", new string('a', 64))]));
        fake.Add(new FakeNcmecEntry(1, "N-2", _clock.GetUtcNow().AddDays(-2), Fingerprints: [new("md5", new string('2', 32))]));
        var exchange = await Store.Exchanges.AddExchangeAsync(new NewExchange("ncmec-test", "ncmec", "EXCHANGED")
        {
            BaseUrl = fake.BaseUrl.ToString(),
            CredentialsFile = Credentials(new() { ["user"] = fake.User, ["password"] = fake.Password }),
        }, _clock.GetUtcNow());
        Assert.Equal(ExchangeRunStatus.Ok, (await new ExchangeFetcher(Store, clock: _clock).FetchAsync("ncmec-test", Client(exchange)))!.Status);
        var entries = new Dictionary<string, BankContent>();
        await foreach (var content in Store.StreamContentAsync("EXCHANGED"))
            entries[content.SourceId!] = content;
        Assert.Equal(["N-1", "N-2"], entries.Keys.Order());

        await Store.ExchangeFeedback.EnqueueAsync(new NewExchangeFeedback("ncmec-test", entries["N-1"].Id, "N-1", ExchangeFeedbackOpinion.FalsePositive,
            entries["N-1"].Signals, _clock.GetUtcNow()));
        await Store.ExchangeFeedback.EnqueueAsync(new NewExchangeFeedback("ncmec-test", entries["N-2"].Id, "N-2", ExchangeFeedbackOpinion.Confirmed,
            entries["N-2"].Signals, _clock.GetUtcNow()));
        Assert.Null(await Store.ExchangeFeedback.EnqueueAsync(new NewExchangeFeedback("ncmec-test", entries["N-1"].Id, "N-1",
            ExchangeFeedbackOpinion.FalsePositive, entries["N-1"].Signals, _clock.GetUtcNow())));

        Assert.Equal(new ExchangeFeedbackRound(2, 0, 0), await Sender().SendDueAsync(CancellationToken.None));
        var received = fake.Feedback.OrderBy(f => f.EntryId).ThenBy(f => f.FingerprintType).ToList();
        Assert.Equal([("N-1", "MD5", false), ("N-1", "PDQ", false), ("N-2", "MD5", true)],
            received.Select(f => (f.EntryId, f.FingerprintType, f.Affirmative)));
        Assert.All(received.Where(f => !f.Affirmative), f => Assert.Single(f.ReasonIds));
    }

    [Fact]
    public async Task NCMEC_refusing_the_account_is_dead_with_the_reason()
    {
        await using var fake = await FakeNcmec.StartAsync();
        await Store.Exchanges.AddExchangeAsync(new NewExchange("ncmec-test", "ncmec", "EXCHANGED")
        {
            BaseUrl = fake.BaseUrl.ToString(),
            CredentialsFile = Credentials(new() { ["user"] = fake.User, ["password"] = "synthetic-wrong-password" }),
        }, _clock.GetUtcNow());
        await Store.ExchangeFeedback.EnqueueAsync(new NewExchangeFeedback("ncmec-test", 1, "N-1", ExchangeFeedbackOpinion.FalsePositive,
            [new Signal(SignalType.Md5, new string('1', 32))], _clock.GetUtcNow()));
        Assert.Equal(1, (await Sender().SendDueAsync(CancellationToken.None)).Dead);
        var dead = Assert.Single(await QueueOfAsync("ncmec-test"));
        Assert.StartsWith("the exchange refused the credentials", dead.LastError);
        Assert.DoesNotContain("synthetic-wrong-password", dead.LastError);
        Assert.Empty(fake.Feedback);
    }

    [Fact]
    public async Task An_exchange_that_takes_no_feedback_or_is_gone_makes_its_feedback_dead_with_the_reason()
    {
        await Store.Exchanges.AddExchangeAsync(new NewExchange("partner-list", "url", "EXCHANGED") { BaseUrl = "https://lists.example.org/list.csv" },
            _clock.GetUtcNow());
        var sender = new ExchangeFeedbackSender(Store,
            e => ExchangeClientFactory.Create(e, new ExchangeClientContext(_http, _ => null, ["https://lists.example.org/"])), clock: _clock);
        var signals = new[] { new Signal(SignalType.Md5, new string('1', 32)) };
        await Store.ExchangeFeedback.EnqueueAsync(new NewExchangeFeedback("partner-list", 1, "row-1", ExchangeFeedbackOpinion.FalsePositive, signals, _clock.GetUtcNow()));
        await Store.ExchangeFeedback.EnqueueAsync(new NewExchangeFeedback("removed", 2, "E-2", ExchangeFeedbackOpinion.Confirmed, signals, _clock.GetUtcNow()));

        Assert.Equal(new ExchangeFeedbackRound(0, 0, 2), await sender.SendDueAsync(CancellationToken.None));
        Assert.Equal("exchange 'partner-list' (type url) takes no feedback", Assert.Single(await QueueOfAsync("partner-list")).LastError);
        Assert.Equal("exchange 'removed' is not configured any more", Assert.Single(await QueueOfAsync("removed")).LastError);
    }

    [Fact]
    public async Task An_opinion_the_client_does_not_accept_is_dead_without_a_request()
    {
        await Store.Exchanges.AddExchangeAsync(new NewExchange("picky", "ncmec", "EXCHANGED"), _clock.GetUtcNow());
        var picky = new PickyClient();
        var sender = new ExchangeFeedbackSender(Store, _ => picky, clock: _clock);
        await Store.ExchangeFeedback.EnqueueAsync(new NewExchangeFeedback("picky", 1, "E-1", ExchangeFeedbackOpinion.Confirmed,
            [new Signal(SignalType.Md5, new string('1', 32))], _clock.GetUtcNow()));
        Assert.Equal(1, (await sender.SendDueAsync(CancellationToken.None)).Dead);
        Assert.Equal("exchange 'picky' takes no confirmation feedback", Assert.Single(await QueueOfAsync("picky")).LastError);
        Assert.Equal(0, picky.Sent);
    }

    private static NewExchangeFeedback ShareOf(string exchange, long contentId, params Signal[] signals) =>
        new(exchange, contentId, ExchangeFeedbackIds.Shared(contentId), ExchangeFeedbackOpinion.Share, signals, DateTimeOffset.UnixEpoch);

    [Fact]
    public async Task A_share_reaches_StopNCII_through_SubmitHashes_once_as_a_blocked_record()
    {
        await using var fake = await StopNciiAsync("stopncii-test", records: 0);
        string pdq = FakeStopNcii.SyntheticPdq(40);
        await Store.ExchangeFeedback.EnqueueAsync(ShareOf("stopncii-test", 7, new Signal(SignalType.Pdq, pdq), new Signal(SignalType.Md5, new string('7', 32))));
        var sender = Sender();
        Assert.Equal(new ExchangeFeedbackRound(1, 0, 0), await sender.SendDueAsync(CancellationToken.None));
        Assert.Equal(0, (await sender.SendDueAsync(CancellationToken.None)).Claimed);

        var submitted = Assert.Single(fake.Submissions);
        Assert.Equal(("ImagePDQ", pdq, "Blocked", _clock.GetUtcNow().ToUnixTimeSeconds()),
            (submitted.SignalType, submitted.HashValue, submitted.FeedbackValue, submitted.LastModTimestamp));
        Assert.Empty(fake.Feedback);
        var sent = Assert.Single(await QueueOfAsync("stopncii-test"));
        Assert.Equal((ExchangeFeedbackStatus.Sent, "content:7"), (sent.Status, sent.EntryId));
    }

    [Fact]
    public async Task A_share_to_an_exchange_that_takes_no_submissions_or_with_no_hash_it_takes_is_dead_with_the_reason()
    {
        await using var fake = await StopNciiAsync("stopncii-test", records: 0);
        await Store.Exchanges.AddExchangeAsync(new NewExchange("ncmec-test", "ncmec", "EXCHANGED")
        {
            CredentialsFile = Credentials(new() { ["user"] = "synthetic-user", ["password"] = "synthetic-password" }),
        }, _clock.GetUtcNow());
        await Store.ExchangeFeedback.EnqueueAsync(ShareOf("ncmec-test", 8, new Signal(SignalType.Pdq, FakeStopNcii.SyntheticPdq(8))));
        await Store.ExchangeFeedback.EnqueueAsync(ShareOf("stopncii-test", 9, new Signal(SignalType.Md5, new string('9', 32))));

        Assert.Equal(new ExchangeFeedbackRound(0, 0, 2), await Sender().SendDueAsync(CancellationToken.None));
        Assert.Equal("exchange 'ncmec-test' (type ncmec) takes no submissions", Assert.Single(await QueueOfAsync("ncmec-test")).LastError);
        Assert.Equal("content:9 has no hash StopNCII takes (it takes pdq and video_md5)",
            Assert.Single(await QueueOfAsync("stopncii-test")).LastError);
        Assert.DoesNotContain(fake.Host.Requests, r => r.Contains("Submit", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("stopncii")]
    [InlineData("ncmec")]
    [InlineData("threatexchange")]
    [InlineData("url")]
    public async Task Which_types_take_submissions_is_what_their_clients_do(string type)
    {
        var variables = new Dictionary<string, string>
        {
            ["VIGIL_STOPNCII_SUBSCRIPTION_KEY"] = "synthetic-s",
            ["VIGIL_STOPNCII_FETCH_FUNCTION_KEY"] = "synthetic-f",
            ["VIGIL_NCMEC_USER"] = "synthetic-user",
            ["VIGIL_NCMEC_PASSWORD"] = "synthetic-password",
            ["TX_ACCESS_TOKEN"] = "1234|syntheticsecret",
        };
        var exchange = await Store.Exchanges.AddExchangeAsync(new NewExchange("x-" + type, type, "EXCHANGED")
        {
            BaseUrl = type == "url" ? "https://lists.example.org/list.csv" : null,
            OptionsJson = type == "threatexchange" ? """{"privacy_group":"42"}""" : "{}",
        }, _clock.GetUtcNow());
        var client = ExchangeClientFactory.Create(exchange, new ExchangeClientContext(_http, v => variables.GetValueOrDefault(v), ["https://lists.example.org/"]));
        Assert.Equal(ExchangeClientFactory.TakesSubmissions(type), client is IExchangeSubmissions);
    }

    /// <summary>A client that takes only false positives (as ThreatExchange does for some setups).</summary>
    private sealed class PickyClient : IExchangeClient, IExchangeFeedback
    {
        public int Sent { get; private set; }

        public bool Accepts(ExchangeOpinion opinion) => opinion == ExchangeOpinion.FalsePositive;

        public Task SendFeedbackAsync(ExchangeFeedback feedback, CancellationToken cancellationToken = default)
        {
            Sent++;
            return Task.CompletedTask;
        }

        public async IAsyncEnumerable<ExchangePage> FetchAsync(ExchangeCheckpoint? checkpoint,
            [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.CompletedTask;
            yield break;
        }
    }
}

public sealed class SqliteFeedbackSenderTests : FeedbackSenderTests
{
    protected override bool Postgres => false;
}

public sealed class PostgresFeedbackSenderTests : FeedbackSenderTests
{
    protected override bool Postgres => true;
}
