using System.Net;
using System.Text.Json;
using Vigil.Exchanges.Fakes;
using Vigil.Review;
using Vigil.Storage;

namespace Vigil.Server.Tests.Review;

/// <summary>
/// The whole path in a running server: the schedule fetches the fake StopNCII into a bank, a submission matches one of
/// its entries, the reviewer decides it not_abuse, and the server's feedback loop sends the false positive to the fake;
/// and new content a reviewer confirms into a bank an admin shares to StopNCII is submitted to it.
/// </summary>
public sealed class ExchangeFeedbackEndToEndTests : LiveServerTest
{
    private FakeStopNcii _fake = null!;

    protected override ServerSettings Settings => base.Settings with
    {
        Review = new ReviewOptions { ConfirmedBank = "CONFIRMED", FalsePositiveBank = "FALSE_POSITIVES" },
        ExchangeSchedule = new Vigil.Exchanges.Sync.ExchangeScheduleOptions { Tick = TimeSpan.FromMilliseconds(100) },
        ExchangeFeedback = new Vigil.Exchanges.Sync.ExchangeFeedbackSenderOptions { Tick = TimeSpan.FromMilliseconds(100) },
    };

    protected override async Task BeforeServerStartsAsync()
    {
        _fake = await FakeStopNcii.StartAsync();
        _fake.AddSynthetic(3);
    }

    protected override async Task AfterServerStopsAsync() => await _fake.DisposeAsync();

    private static async Task WaitAsync(Func<Task<bool>> done, string what)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!await done())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), what);
            await Task.Delay(50);
        }
    }

    private async Task AddStopNciiAsync()
    {
        string credentials = Path.Combine(Path.GetDirectoryName(DatabasePath)!, "stopncii.json");
        await File.WriteAllTextAsync(credentials, JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["subscription_key"] = FakeStopNcii.DefaultSubscriptionKey,
            ["fetch_function_key"] = FakeStopNcii.DefaultFetchFunctionKey,
        }));
        await Store.CreateBankAsync(new NewBank("STOPNCII"));
        await Store.Exchanges.AddExchangeAsync(new NewExchange("stopncii-test", "stopncii", "STOPNCII")
        {
            BaseUrl = _fake.BaseUrl.AbsoluteUri,
            CredentialsFile = credentials,
        }, DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task New_content_confirmed_into_a_bank_shared_to_StopNCII_is_submitted_to_it()
    {
        await AddStopNciiAsync();
        await Store.CreateBankAsync(new NewBank("CONFIRMED"));
        Assert.True(await Store.Exchanges.SetSharingAsync("stopncii-test", "CONFIRMED", true, "admin", DateTimeOffset.UtcNow));
        string fresh = FakeStopNcii.SyntheticPdq(900);
        string submitter = await KeyAsync(ApiKeyRole.Submitter), reviewer = await KeyAsync(ApiKeyRole.Reviewer);
        var opened = await JsonAsync(await SendAsync(HttpMethod.Post, "/v1/cases", submitter, JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["subject"] = "user-c",
            ["reason"] = "user_report",
            ["signals"] = new Dictionary<string, string> { ["pdq"] = fresh },
        })));
        Assert.Empty(opened.GetProperty("matches").EnumerateArray());
        long caseId = (await JsonAsync(await SendAsync(HttpMethod.Post, "/v1/cases/claim", reviewer, "{}"))).GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Post, $"/v1/cases/{caseId}/items/{opened.GetProperty("item_id").GetInt64()}/decision",
            reviewer, """{"verdict":"confirmed","classification":"A1"}""")).StatusCode);

        await WaitAsync(async () => (await Store.ExchangeFeedback.ListAsync("stopncii-test", 0, 10)) is [{ Status: ExchangeFeedbackStatus.Sent, Opinion: ExchangeFeedbackOpinion.Share }],
            "the share was not sent");
        var submitted = Assert.Single(_fake.Submissions);
        Assert.Equal(("ImagePDQ", fresh, "Blocked"), (submitted.SignalType, submitted.HashValue, submitted.FeedbackValue));
        Assert.Empty(_fake.Feedback);
    }

    [Fact]
    public async Task Not_abuse_on_a_match_of_a_fetched_StopNCII_entry_reaches_StopNCII_as_NotBlocked_once()
    {
        await AddStopNciiAsync();
        string hash = FakeStopNcii.SyntheticPdq(1);
        string submitter = await KeyAsync(ApiKeyRole.Submitter), reviewer = await KeyAsync(ApiKeyRole.Reviewer), matcher = await KeyAsync(ApiKeyRole.Matcher);
        await WaitAsync(async () => (await JsonAsync(await SendAsync(HttpMethod.Get, $"/m/lookup?signal_type=pdq&signal={hash}", matcher)))
            .TryGetProperty("STOPNCII", out _), "the fetched entry never became matchable");

        // Two users upload it; both items are decided not_abuse.
        var items = new List<(long Case, long Item)>();
        foreach (string subject in new[] { "user-a", "user-b" })
        {
            var opened = await JsonAsync(await SendAsync(HttpMethod.Post, "/v1/cases", submitter, JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["subject"] = subject,
                ["signals"] = new Dictionary<string, string> { ["pdq"] = hash },
            })));
            Assert.Equal("STOPNCII", Assert.Single(opened.GetProperty("matches").EnumerateArray()).GetProperty("bank").GetString());
            items.Add((opened.GetProperty("case_id").GetInt64(), opened.GetProperty("item_id").GetInt64()));
        }
        for (int i = 0; i < items.Count; i++)
        {
            // One reviewer per case: each claims the next one in the queue.
            string key = i == 0 ? reviewer : await KeyAsync(ApiKeyRole.Reviewer);
            long caseId = (await JsonAsync(await SendAsync(HttpMethod.Post, "/v1/cases/claim", key, "{}"))).GetProperty("id").GetInt64();
            long itemId = items.Single(x => x.Case == caseId).Item;
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Post, $"/v1/cases/{caseId}/items/{itemId}/decision", key,
                """{"verdict":"not_abuse"}""")).StatusCode);
        }

        await WaitAsync(async () => (await Store.ExchangeFeedback.ListAsync("stopncii-test", 0, 10)) is [{ Status: ExchangeFeedbackStatus.Sent }],
            "the feedback was not sent");
        var received = Assert.Single(_fake.Feedback);
        Assert.Equal((hash, "NotBlocked"), (received.HashValue, received.FeedbackValue));
        await Task.Delay(300);
        Assert.Single(_fake.Feedback);
    }
}
