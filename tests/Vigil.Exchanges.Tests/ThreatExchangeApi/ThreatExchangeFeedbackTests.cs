using Vigil.Exchanges.Fakes;
using Vigil.Exchanges.Fetching;
using Vigil.Hashing.Signals;
using static Vigil.Exchanges.Tests.ThreatExchangeApi.TeFixture;

namespace Vigil.Exchanges.Tests.ThreatExchangeApi;

/// <summary>Review decisions sent back as reactions on the indicator's descriptors.</summary>
public class ThreatExchangeFeedbackTests
{
    private static ExchangeFeedback Feedback(int n, ExchangeOpinion opinion) =>
        new(IndicatorId(n), opinion, [new Signal(SignalType.Pdq, Pdq(n))]);

    [Fact]
    public async Task A_false_positive_reacts_disagree_on_other_apps_descriptors_only()
    {
        await using var fake = await StartAsync();
        fake.Put(IndicatorId(1), "HASH_PDQ", Pdq(1), T0,
            new FakeThreatExchangeDescriptor(DescriptorId(1, 0), OtherApp, ["tag_a"]),
            new FakeThreatExchangeDescriptor(DescriptorId(1, 1), MyApp, ["tag_a"]),
            new FakeThreatExchangeDescriptor(DescriptorId(1, 2), "3000000003", []));
        var client = Client(fake);

        Assert.True(client.Accepts(ExchangeOpinion.FalsePositive));
        await client.SendFeedbackAsync(Feedback(1, ExchangeOpinion.FalsePositive));

        Assert.Equal([MyApp + ":DISAGREE_WITH_TAGS"], fake.ReactionsOn(DescriptorId(1, 0)));
        Assert.Equal([MyApp + ":DISAGREE_WITH_TAGS"], fake.ReactionsOn(DescriptorId(1, 2)));
        Assert.Empty(fake.ReactionsOn(DescriptorId(1, 1)));
        Assert.DoesNotContain(fake.Host.Requests, r => r.Contains(Secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_confirmation_says_saw_this_too_and_withdraws_a_disagreement_and_twice_is_harmless()
    {
        await using var fake = await StartAsync();
        PutPdq(fake, 2, T0);
        var client = Client(fake);

        await client.SendFeedbackAsync(Feedback(2, ExchangeOpinion.FalsePositive));
        Assert.True(client.Accepts(ExchangeOpinion.Confirmed));
        await client.SendFeedbackAsync(Feedback(2, ExchangeOpinion.Confirmed));
        await client.SendFeedbackAsync(Feedback(2, ExchangeOpinion.Confirmed));

        Assert.Equal([MyApp + ":SAW_THIS_TOO"], fake.ReactionsOn(DescriptorId(2)));
        Assert.Contains(new FakeThreatExchangeReaction(DescriptorId(2), MyApp, "DISAGREE_WITH_TAGS", Removed: true), fake.ReactionLog);
    }

    [Fact]
    public async Task Feedback_retries_transient_failures_and_stops_on_401()
    {
        await using var fake = await StartAsync();
        PutPdq(fake, 3, T0);
        fake.Inject(FakeExchangeFailure.ServerError, pathPrefix: "/" + fake.ApiVersion + "/" + DescriptorId(3));
        fake.Inject(FakeExchangeFailure.TooManyRequests, pathPrefix: "/" + fake.ApiVersion + "/" + IndicatorId(3));
        await Client(fake).SendFeedbackAsync(Feedback(3, ExchangeOpinion.FalsePositive));
        Assert.Equal([MyApp + ":DISAGREE_WITH_TAGS"], fake.ReactionsOn(DescriptorId(3)));

        await Assert.ThrowsAsync<ExchangeAuthException>(() =>
            Client(fake, token: "1000000001|another-synthetic-secret").SendFeedbackAsync(Feedback(3, ExchangeOpinion.Confirmed)));
    }

    [Fact]
    public async Task Feedback_on_a_missing_indicator_is_a_protocol_error_and_a_bad_id_is_refused_before_any_call()
    {
        await using var fake = await StartAsync();
        var client = Client(fake);
        await Assert.ThrowsAsync<ExchangeProtocolException>(() => client.SendFeedbackAsync(Feedback(42, ExchangeOpinion.FalsePositive)));
        int calls = fake.Host.Requests.Count;
        await Assert.ThrowsAsync<ArgumentException>(() =>
            client.SendFeedbackAsync(new ExchangeFeedback("../me", ExchangeOpinion.FalsePositive, [])));
        Assert.Equal(calls, fake.Host.Requests.Count);
    }
}
