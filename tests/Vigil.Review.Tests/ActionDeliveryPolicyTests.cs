using Vigil.Review.Actions;

namespace Vigil.Review.Tests;

public sealed class ActionDeliveryPolicyTests
{
    [Fact]
    public void The_wait_is_full_jitter_under_a_doubling_ceiling_capped_per_attempt()
    {
        var policy = new ActionDeliveryPolicy();
        Assert.Equal(TimeSpan.FromSeconds(10), policy.RetryDelay(1, 0.999999).RoundTo());
        Assert.Equal(TimeSpan.FromSeconds(20), policy.RetryDelay(2, 0.999999).RoundTo());
        Assert.Equal(TimeSpan.FromSeconds(40), policy.RetryDelay(3, 0.999999).RoundTo());
        Assert.Equal(TimeSpan.FromHours(1), policy.RetryDelay(10, 0.999999).RoundTo());
        Assert.Equal(TimeSpan.FromHours(1), policy.RetryDelay(1000, 0.999999).RoundTo());
        Assert.Equal(TimeSpan.FromSeconds(5), policy.RetryDelay(1, 0.5));
        Assert.Equal(TimeSpan.FromSeconds(1), policy.RetryDelay(5, 0));
        var random = new Random(7);
        for (int attempt = 1; attempt < 30; attempt++)
        {
            var wait = policy.RetryDelay(attempt, random.NextDouble());
            Assert.InRange(wait, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(Math.Min(3600, 10 * Math.Pow(2, attempt - 1))));
        }
    }
}

internal static class TimeSpanRounding
{
    public static TimeSpan RoundTo(this TimeSpan span) => TimeSpan.FromSeconds(Math.Round(span.TotalSeconds));
}
