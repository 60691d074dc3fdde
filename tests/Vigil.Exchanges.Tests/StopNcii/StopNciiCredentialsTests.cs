using Vigil.Exchanges.Clients.StopNcii;
using Vigil.Exchanges.Fakes;
using Vigil.Exchanges.Fetching;
using Vigil.Testing;
using static Vigil.Exchanges.Tests.StopNcii.StopNciiKit;

namespace Vigil.Exchanges.Tests.StopNcii;

public class StopNciiCredentialsTests
{
    private const string Subscription = "synthetic-SUBSCRIPTION-6a1f";
    private const string Fetch = "synthetic-FETCH-93c2";
    private const string Feedback = "synthetic-FEEDBACK-07d4";
    private const string Submit = "synthetic-SUBMIT-5be1";

    [Fact]
    public void ReadsAFileWithExactlyTheKeys()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "stopncii.json");
        File.WriteAllText(path, $"{{\"subscription_key\": \"{Subscription}\", \"fetch_function_key\": \"{Fetch}\"}}");

        var keys = StopNciiCredentials.FromFile(path);

        Assert.Equal(Subscription, keys.SubscriptionKey);
        Assert.Equal(Fetch, keys.FetchFunctionKey);
        Assert.Null(keys.FeedbackFunctionKey);

        File.WriteAllText(path, $"{{\"subscription_key\": \"{Subscription}\", \"fetch_function_key\": \"{Fetch}\", \"feedback_function_key\": \"{Feedback}\"}}");
        Assert.Equal(Feedback, StopNciiCredentials.FromFile(path).FeedbackFunctionKey);

        File.WriteAllText(path, $"{{\"subscription_key\": \"{Subscription}\", \"fetch_function_key\": \"{Fetch}\", \"submit_function_key\": \"{Submit}\"}}");
        var withSubmit = StopNciiCredentials.FromFile(path);
        Assert.Equal((Submit, (string?)null), (withSubmit.SubmitFunctionKey, withSubmit.FeedbackFunctionKey));
    }

    [Theory]
    [InlineData($"{{\"subscription_key\": \"{Subscription}\"}}", "lacks fetch_function_key")]
    [InlineData($"{{\"fetch_function_key\": \"{Fetch}\"}}", "lacks subscription_key")]
    [InlineData($"{{\"subscription_key\": \"{Subscription}\", \"fetch_function_key\": \"{Fetch}\", \"fetch_key\": \"{Feedback}\"}}", "unknown member 'fetch_key'")]
    [InlineData($"{{\"subscription_key\": \"\", \"fetch_function_key\": \"{Fetch}\"}}", "subscription_key must be a non-empty string")]
    [InlineData($"{{\"subscription_key\": 5, \"fetch_function_key\": \"{Fetch}\"}}", "subscription_key must be a non-empty string")]
    [InlineData($"[\"{Subscription}\"]", "must hold a JSON object")]
    [InlineData($"{{\"subscription_key\": \"{Subscription}\", \"fetch_function_key\": \"{Fetch}", "is not valid JSON")]
    [InlineData($"{Subscription},{Fetch}", "is not valid JSON")]
    public void BadFilesAreRefusedWithoutShowingAKey(string text, string expected)
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "stopncii.json");
        File.WriteAllText(path, text);

        var e = Assert.Throws<InvalidDataException>(() => StopNciiCredentials.FromFile(path));

        Assert.Contains(expected, e.Message);
        AssertNoKey(e.ToString());
    }

    [Fact]
    public void ReadsTheEnvironment()
    {
        var variables = new Dictionary<string, string>
        {
            [StopNciiCredentials.SubscriptionKeyVariable] = Subscription,
            [StopNciiCredentials.FetchFunctionKeyVariable] = Fetch,
        };
        var keys = StopNciiCredentials.FromEnvironment(name => variables.GetValueOrDefault(name));
        Assert.Equal((Subscription, Fetch, (string?)null), (keys.SubscriptionKey, keys.FetchFunctionKey, keys.FeedbackFunctionKey));

        variables[StopNciiCredentials.FeedbackFunctionKeyVariable] = Feedback;
        Assert.Equal(Feedback, StopNciiCredentials.FromEnvironment(name => variables.GetValueOrDefault(name)).FeedbackFunctionKey);
        variables[StopNciiCredentials.SubmitFunctionKeyVariable] = Submit;
        Assert.Equal(Submit, StopNciiCredentials.FromEnvironment(name => variables.GetValueOrDefault(name)).SubmitFunctionKey);

        variables.Remove(StopNciiCredentials.FetchFunctionKeyVariable);
        var e = Assert.Throws<InvalidOperationException>(() => StopNciiCredentials.FromEnvironment(name => variables.GetValueOrDefault(name)));
        Assert.Contains(StopNciiCredentials.FetchFunctionKeyVariable, e.Message);
        AssertNoKey(e.Message);
    }

    [Fact]
    public void ToStringMasksEveryKey()
    {
        string text = new StopNciiCredentials(Subscription, Fetch, Feedback, Submit).ToString();
        AssertNoKey(text);
        Assert.Contains("subscription_key = ***", text);
        AssertNoKey(new StopNciiCredentials(Subscription, Fetch).ToString());
        AssertNoKey($"{new StopNciiCredentials(Subscription, Fetch)}");
    }

    [Fact]
    public async Task KeysAreInNoMessageLogRequestLineOrCheckpoint()
    {
        await using var fake = await FakeStopNcii.StartAsync(Subscription, Fetch, Feedback);
        fake.AddSynthetic(5);
        fake.Put("VideoTMK", "synthetic-tmk");
        var log = new List<string>();
        var clock = new ManualClock();
        var client = Client(fake, pageSize: 2, clock: clock, log: log, credentials: new StopNciiCredentials(Subscription, Fetch, Feedback));
        var texts = new List<string>();

        var pages = await AllPagesAsync(client);
        texts.AddRange(pages.Select(p => p.Checkpoint!.Value));
        fake.ExpirePageTokens();
        await AllPagesAsync(client, pages[0].Checkpoint); // logs the refused token
        clock.Advance(TimeSpan.FromDays(40));
        await AllPagesAsync(client, pages[0].Checkpoint); // logs the start-over
        await client.SendFeedbackAsync(new ExchangeFeedback(fake.Records[0].HashValue, ExchangeOpinion.Confirmed, []));

        fake.Inject(FakeStopNcii.FetchPath, FakeExchangeFailure.Unauthorized);
        texts.Add((await Assert.ThrowsAsync<ExchangeAuthException>(() => AllPagesAsync(client))).ToString());
        fake.Inject(FakeStopNcii.FetchPath, FakeExchangeFailure.ServerError, times: 1 + FastRetries.MaxRetryAttempts);
        texts.Add((await Assert.ThrowsAsync<ExchangeUnavailableException>(() => AllPagesAsync(client))).ToString());
        fake.Inject(FakeStopNcii.FetchPath, FakeExchangeFailure.DropConnection, times: 1 + FastRetries.MaxRetryAttempts);
        texts.Add((await Assert.ThrowsAsync<ExchangeUnavailableException>(() => AllPagesAsync(client))).ToString());
        var bad = Client(fake, credentials: new StopNciiCredentials(Subscription + "x", Fetch + "x"));
        texts.Add((await Assert.ThrowsAsync<ExchangeAuthException>(() => AllPagesAsync(bad))).ToString());

        texts.AddRange(log);
        texts.AddRange(fake.Host.Requests);
        texts.Add(client.StartedOverBecause!);
        Assert.Contains(log, m => m.Contains("refused the stored page token", StringComparison.Ordinal));
        Assert.Contains(log, m => m.Contains("skipped 1 record(s)", StringComparison.Ordinal));
        Assert.All(texts, AssertNoKey);
    }

    private static void AssertNoKey(string text)
    {
        Assert.DoesNotContain("SUBSCRIPTION-6a1f", text);
        Assert.DoesNotContain("FETCH-93c2", text);
        Assert.DoesNotContain("FEEDBACK-07d4", text);
        Assert.DoesNotContain("SUBMIT-5be1", text);
    }
}
