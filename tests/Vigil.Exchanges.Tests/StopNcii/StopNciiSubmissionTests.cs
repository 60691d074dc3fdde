using Vigil.Exchanges.Clients.StopNcii;
using Vigil.Exchanges.Fakes;
using Vigil.Exchanges.Fetching;
using Vigil.Hashing.Signals;
using static Vigil.Exchanges.Tests.StopNcii.StopNciiKit;

namespace Vigil.Exchanges.Tests.StopNcii;

/// <summary>SubmitHashes: the platform's own confirmed hashes go to StopNCII as blocked records, the types it takes only.</summary>
public class StopNciiSubmissionTests
{
    private static readonly DateTimeOffset At = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task PdqAndVideoMd5AreSubmittedAsBlockedRecordsAndOtherTypesAreLeftOut()
    {
        await using var fake = await FakeStopNcii.StartAsync();
        var client = Client(fake);
        string pdq = FakeStopNcii.SyntheticPdq(11), video = FakeStopNcii.SyntheticMd5(12), fileMd5 = FakeStopNcii.SyntheticMd5(13);
        Assert.True(client.Takes(SignalType.Pdq));
        Assert.True(client.Takes(SignalType.VideoMd5));
        Assert.False(client.Takes(SignalType.Md5));
        Assert.False(client.Takes(SignalType.Vpdq));

        await client.SubmitAsync(new ExchangeSubmission("content:1",
            [new Signal(SignalType.Pdq, pdq), new Signal(SignalType.Md5, fileMd5), new Signal(SignalType.VideoMd5, video)], At));

        Assert.Equal(
            [new FakeStopNciiSubmission("ImagePDQ", pdq, "Blocked", At.ToUnixTimeSeconds()), new FakeStopNciiSubmission("VideoMD5", video, "Blocked", At.ToUnixTimeSeconds())],
            fake.Submissions);
        Assert.Equal(["POST /v1/SubmitHashes"], fake.Host.Requests);
        // StopNCII shares what platforms submit: the next fetch lists both.
        var fetched = (await AllPagesAsync(client)).SelectMany(p => p.Entries).SelectMany(e => e.Signals).Select(s => s.Value).Order();
        Assert.Equal(new[] { pdq, video }.Order(), fetched);
    }

    [Fact]
    public async Task ASubmissionWithNoHashStopNciiTakesIsRefusedWithoutARequest()
    {
        await using var fake = await FakeStopNcii.StartAsync();
        var e = await Assert.ThrowsAsync<ArgumentException>(() => Client(fake).SubmitAsync(
            new ExchangeSubmission("content:2", [new Signal(SignalType.Md5, FakeStopNcii.SyntheticMd5(1))], At)));
        Assert.Contains("content:2 has no hash StopNCII takes", e.Message);
        Assert.Empty(fake.Host.Requests);
    }

    [Fact]
    public async Task SubmissionsUseTheirOwnFunctionKeyWhenIssuedAndAreRetriedOnTransientFailures()
    {
        await using var fake = await FakeStopNcii.StartAsync(submitFunctionKey: "fake-submit-function-key");
        var submission = new ExchangeSubmission("content:3", [new Signal(SignalType.Pdq, FakeStopNcii.SyntheticPdq(3))], At);
        await Assert.ThrowsAsync<ExchangeAuthException>(() => Client(fake).SubmitAsync(submission));

        fake.Inject(FakeStopNcii.SubmitPath, FakeExchangeFailure.TooManyRequests);
        fake.Inject(FakeStopNcii.SubmitPath, FakeExchangeFailure.ServerError);
        var withKey = Client(fake, credentials: new StopNciiCredentials(FakeStopNcii.DefaultSubscriptionKey, FakeStopNcii.DefaultFetchFunctionKey,
            submitFunctionKey: "fake-submit-function-key"));
        await withKey.SubmitAsync(submission);
        Assert.Equal(4, fake.Host.RequestCount(FakeStopNcii.SubmitPath));
        Assert.Single(fake.Submissions);
    }
}
