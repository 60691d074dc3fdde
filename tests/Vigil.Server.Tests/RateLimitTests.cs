using System.Net;
using Vigil.Storage;

namespace Vigil.Server.Tests;

/// <summary>Each key has its own token bucket; beyond it, 429 with a problem document and Retry-After, audited.</summary>
public sealed class RateLimitTests : LiveServerTest
{
    protected override ServerSettings Settings => base.Settings with { RequestsPerSecondPerKey = 1, BurstPerKey = 5 };

    [Fact]
    public async Task A_key_beyond_its_burst_gets_429_while_other_keys_are_unaffected()
    {
        string busy = await KeyAsync(ApiKeyRole.Matcher);
        string quiet = await KeyAsync(ApiKeyRole.Matcher);
        string path = $"/m/lookup?signal_type=pdq&signal={BridgePdq}";
        var statuses = new List<HttpStatusCode>();
        for (int i = 0; i < 8; i++)
            statuses.Add((await SendAsync(HttpMethod.Get, path, busy)).StatusCode);
        // Five from the burst, perhaps one more if a second passed meanwhile; the rest refused.
        Assert.InRange(statuses.Count(s => s == HttpStatusCode.OK), 5, 6);
        Assert.Equal(HttpStatusCode.OK, statuses[4]);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);

        var rejected = await SendAsync(HttpMethod.Get, path, busy);
        Assert.Equal(HttpStatusCode.TooManyRequests, rejected.StatusCode);
        Assert.Equal("1", rejected.Headers.RetryAfter?.ToString());
        await AssertProblemAsync(rejected, HttpStatusCode.TooManyRequests, "rate limit exceeded");

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, path, quiet)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "/status", null)).StatusCode);
    }
}
