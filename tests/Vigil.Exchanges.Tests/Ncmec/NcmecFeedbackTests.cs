using Vigil.Exchanges.Fakes;
using Vigil.Exchanges.Fetching;
using Vigil.Hashing.Signals;
using static Vigil.Exchanges.Tests.Ncmec.NcmecTestKit;

namespace Vigil.Exchanges.Tests.Ncmec;

public class NcmecFeedbackTests
{
    [Fact]
    public async Task Confirmed_and_false_positive_feedback_reach_the_fake_once_per_fingerprint_type()
    {
        await using var fake = await FakeNcmec.StartAsync();
        fake.Self = (7, "Our Platform");
        fake.Add(Entry(1, Day0));
        fake.Add(Entry(2, Day0, video: true));
        var client = Client(fake, Options(fake, TimeSpan.FromDays(1), now: Day0.AddDays(1)));
        Assert.True(client.Accepts(ExchangeOpinion.Confirmed));
        Assert.True(client.Accepts(ExchangeOpinion.FalsePositive));

        await client.SendFeedbackAsync(new ExchangeFeedback("e1", ExchangeOpinion.Confirmed,
            [new Signal(SignalType.Md5, Md5(1)), new Signal(SignalType.Sha1, Sha1(1)), new Signal(SignalType.Pdq, Pdq(1))]));
        await client.SendFeedbackAsync(new ExchangeFeedback("e1", ExchangeOpinion.FalsePositive, [new Signal(SignalType.Pdq, Pdq(1))]));
        await client.SendFeedbackAsync(new ExchangeFeedback("e2", ExchangeOpinion.FalsePositive, [new Signal(SignalType.VideoMd5, Md5(2))]));
        await client.SendFeedbackAsync(new ExchangeFeedback("e2", ExchangeOpinion.FalsePositive, [new Signal(SignalType.VideoMd5, Md5(2))]));

        Assert.Equal(
            [new FakeNcmecFeedback(7, "e1", "MD5", true, []), new FakeNcmecFeedback(7, "e1", "SHA1", true, []), new FakeNcmecFeedback(7, "e1", "PDQ", true, [])],
            fake.Feedback.Take(3).Select(f => f with { ReasonIds = [] }));
        Assert.All(fake.Feedback.Take(3), f => Assert.Empty(f.ReasonIds));
        var negative = fake.Feedback.Skip(3).ToList();
        Assert.Equal([("e1", "PDQ"), ("e2", "MD5"), ("e2", "MD5")], negative.Select(f => (f.EntryId, f.FingerprintType)));
        Assert.All(negative, f => Assert.False(f.Affirmative));
        Assert.Equal([fake.Reasons("PDQ")[0].Guid], negative[0].ReasonIds);
        Assert.Equal([fake.Reasons("MD5")[0].Guid], negative[1].ReasonIds);
        // Status once for our member id; reasons once per type.
        Assert.Equal(1, fake.Host.RequestCount(FakeNcmec.PathPrefix + "/v2/status"));
        Assert.Equal(1, fake.Host.RequestCount(FakeNcmec.PathPrefix + "/v2/feedback/MD5/reasons"));
    }

    [Fact]
    public async Task A_configured_reason_is_chosen_by_name_and_an_unknown_one_is_an_error()
    {
        await using var fake = await FakeNcmec.StartAsync();
        fake.Add(Entry(1, Day0));
        var pdq = new Signal(SignalType.Pdq, Pdq(1));
        var options = Options(fake, TimeSpan.FromDays(1), now: Day0) with { FalsePositiveReason = "perceptual collision" };
        await Client(fake, options).SendFeedbackAsync(new ExchangeFeedback("e1", ExchangeOpinion.FalsePositive, [pdq]));
        Assert.Equal([fake.Reasons("PDQ")[1].Guid], Assert.Single(fake.Feedback).ReasonIds);

        var unknown = options with { FalsePositiveReason = "no such reason" };
        await Assert.ThrowsAsync<ExchangeProtocolException>(() =>
            Client(fake, unknown).SendFeedbackAsync(new ExchangeFeedback("e1", ExchangeOpinion.FalsePositive, [pdq])));
    }

    [Fact]
    public async Task Feedback_retries_transient_failures_and_rejects_signals_NCMEC_does_not_take()
    {
        await using var fake = await FakeNcmec.StartAsync();
        fake.Add(Entry(1, Day0));
        var client = Client(fake, Options(fake, TimeSpan.FromDays(1), now: Day0));
        fake.Host.Inject(FakeNcmec.PathPrefix + "/v2/entries/", FakeExchangeFailure.TooManyRequests);
        await client.SendFeedbackAsync(new ExchangeFeedback("e1", ExchangeOpinion.Confirmed, [new Signal(SignalType.Md5, Md5(1))]));
        Assert.Single(fake.Feedback);

        await Assert.ThrowsAsync<ArgumentException>(() =>
            client.SendFeedbackAsync(new ExchangeFeedback("e1", ExchangeOpinion.Confirmed, [new Signal(SignalType.Sha256, new string('a', 64))])));
    }
}
