using Vigil.Exchanges.Clients.StopNcii;
using Vigil.Exchanges.Fakes;
using Vigil.Exchanges.Fetching;
using Vigil.Hashing.Signals;
using static Vigil.Exchanges.Tests.StopNcii.StopNciiKit;

namespace Vigil.Exchanges.Tests.StopNcii;

public class StopNciiFeedbackTests
{
    [Fact]
    public async Task ConfirmedIsBlockedAndFalsePositiveIsNotBlocked()
    {
        await using var fake = await FakeStopNcii.StartAsync();
        string pdq = FakeStopNcii.SyntheticPdq(1), md5 = FakeStopNcii.SyntheticMd5(2);
        var client = Client(fake);

        Assert.True(client.Accepts(ExchangeOpinion.Confirmed));
        Assert.True(client.Accepts(ExchangeOpinion.FalsePositive));
        await client.SendFeedbackAsync(new ExchangeFeedback(pdq, ExchangeOpinion.Confirmed, [new Signal(SignalType.Pdq, pdq)]));
        await client.SendFeedbackAsync(new ExchangeFeedback(md5, ExchangeOpinion.FalsePositive, [new Signal(SignalType.VideoMd5, md5)]));

        Assert.Equal(
            [new FakeStopNciiFeedback(pdq, "Blocked", []), new FakeStopNciiFeedback(md5, "NotBlocked", [])],
            fake.Feedback, new FeedbackComparer());
        Assert.Equal(["POST /v1/SubmitFeedback", "POST /v1/SubmitFeedback"], fake.Host.Requests);
    }

    [Fact]
    public async Task FeedbackUsesItsOwnFunctionKeyWhenStopNciiIssuedOne()
    {
        await using var fake = await FakeStopNcii.StartAsync(feedbackFunctionKey: "fake-feedback-function-key");
        fake.AddSynthetic(1);
        string hash = fake.Records[0].HashValue;

        var withIt = Client(fake, credentials: new StopNciiCredentials(FakeStopNcii.DefaultSubscriptionKey, FakeStopNcii.DefaultFetchFunctionKey, "fake-feedback-function-key"));
        Assert.Single(await AllPagesAsync(withIt)); // fetch still uses the fetch key
        await withIt.SendFeedbackAsync(new ExchangeFeedback(hash, ExchangeOpinion.FalsePositive, []));
        Assert.Single(fake.Feedback);

        var without = Client(fake); // falls back to the fetch key, which this fake does not take for feedback
        await Assert.ThrowsAsync<ExchangeAuthException>(() => without.SendFeedbackAsync(new ExchangeFeedback(hash, ExchangeOpinion.Confirmed, [])));
        Assert.Single(fake.Feedback);
    }

    [Fact]
    public async Task FeedbackIsRetriedOnTransientFailures()
    {
        await using var fake = await FakeStopNcii.StartAsync();
        fake.Inject(FakeStopNcii.FeedbackPath, FakeExchangeFailure.TooManyRequests);
        fake.Inject(FakeStopNcii.FeedbackPath, FakeExchangeFailure.DropConnection);

        await Client(fake).SendFeedbackAsync(new ExchangeFeedback(FakeStopNcii.SyntheticPdq(3), ExchangeOpinion.Confirmed, []));

        Assert.Equal(3, fake.Host.RequestCount(FakeStopNcii.FeedbackPath));
        Assert.Equal("Blocked", Assert.Single(fake.Feedback).FeedbackValue);
    }

    private sealed class FeedbackComparer : IEqualityComparer<FakeStopNciiFeedback>
    {
        public bool Equals(FakeStopNciiFeedback? x, FakeStopNciiFeedback? y) =>
            x is not null && y is not null && x.HashValue == y.HashValue && x.FeedbackValue == y.FeedbackValue && x.Tags.SequenceEqual(y.Tags);

        public int GetHashCode(FakeStopNciiFeedback obj) => HashCode.Combine(obj.HashValue, obj.FeedbackValue);
    }
}
