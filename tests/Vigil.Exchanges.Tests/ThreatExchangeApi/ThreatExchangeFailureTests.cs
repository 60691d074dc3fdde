using Vigil.Exchanges.Fakes;
using Vigil.Exchanges.Fetching;
using static Vigil.Exchanges.Tests.ThreatExchangeApi.TeFixture;

namespace Vigil.Exchanges.Tests.ThreatExchangeApi;

/// <summary>Retries, refusals and the access token kept out of every message, checkpoint and log.</summary>
public class ThreatExchangeFailureTests
{
    [Theory]
    [InlineData(FakeExchangeFailure.TooManyRequests)]
    [InlineData(FakeExchangeFailure.Unavailable)]
    [InlineData(FakeExchangeFailure.ServerError)]
    public async Task Transient_failures_are_retried_and_the_fetch_completes(FakeExchangeFailure failure)
    {
        await using var fake = await StartAsync();
        Seed(fake, 5);
        fake.Inject(failure, times: 2, after: 1);

        var pages = await ReadAllAsync(Client(fake, pageSize: 2));

        Assert.Equal(5, pages.Sum(p => p.Entries.Count));
        Assert.Equal(3 + 2, fake.UpdateRequests);
    }

    [Fact]
    public async Task Failures_through_every_retry_are_unavailable()
    {
        await using var fake = await StartAsync();
        Seed(fake, 2);
        fake.Inject(FakeExchangeFailure.ServerError, times: 10);

        var e = await Assert.ThrowsAsync<ExchangeUnavailableException>(() => ReadAllAsync(Client(fake, retries: 2)));
        Assert.True(e.IsTransient);
        Assert.Equal(3, fake.UpdateRequests);
    }

    [Fact]
    public async Task A_dropped_connection_is_retried()
    {
        await using var fake = await StartAsync();
        Seed(fake, 4);
        fake.Inject(FakeExchangeFailure.DropConnection, after: 1);

        var pages = await ReadAllAsync(Client(fake, pageSize: 2));

        Assert.Equal(4, pages.Sum(p => p.Entries.Count));
        Assert.Equal(2 + 1, fake.UpdateRequests);
    }

    [Fact]
    public async Task A_wrong_token_is_an_auth_failure_after_one_request_and_its_message_holds_no_token()
    {
        await using var fake = await StartAsync();
        Seed(fake, 2);
        const string wrong = "1000000001|wrong-synthetic-secret-xyz";

        var e = await Assert.ThrowsAsync<ExchangeAuthException>(() => ReadAllAsync(Client(fake, token: wrong)));

        Assert.Equal(1, fake.UpdateRequests);
        Assert.False(e.IsTransient);
        Assert.Contains("401", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-synthetic-secret", e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_refused_with_400_and_an_oauth_error_as_graph_answers_is_an_auth_failure_too()
    {
        await using var fake = await StartAsync();
        fake.InvalidTokenStatus = 400;
        Seed(fake, 2);

        var e = await Assert.ThrowsAsync<ExchangeAuthException>(() => ReadAllAsync(Client(fake, token: "1000000001|expired-synthetic-secret")));

        Assert.Equal(1, fake.UpdateRequests);
        Assert.DoesNotContain("expired-synthetic-secret", e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_fake_answers_a_wrong_token_with_a_graph_oauth_error()
    {
        await using var fake = await StartAsync();
        using var http = new HttpClient();
        var response = await http.GetAsync(new Uri(fake.BaseAddress, $"{fake.UpdatesPath}?access_token=1%7Cnope"));
        Assert.Equal(401, (int)response.StatusCode);
        string body = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"type\":\"OAuthException\"", body, StringComparison.Ordinal);
        Assert.Contains("\"code\":190", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_injected_401_stops_the_fetch_without_retrying()
    {
        await using var fake = await StartAsync();
        Seed(fake, 4);
        fake.Inject(FakeExchangeFailure.Unauthorized, after: 1);

        var pages = new List<ExchangePage>();
        var e = await Assert.ThrowsAsync<ExchangeAuthException>(async () =>
        {
            await foreach (var page in Client(fake, pageSize: 2).FetchAsync(null))
                pages.Add(page);
        });
        Assert.Single(pages);
        Assert.Equal(2, fake.UpdateRequests);
    }

    [Fact]
    public async Task The_token_is_in_no_exception_message_checkpoint_or_request_log()
    {
        await using var fake = await StartAsync();
        Seed(fake, 5);

        // A handler whose errors quote the URL, as some proxies' and handlers' do.
        var e = await Assert.ThrowsAsync<ExchangeUnavailableException>(() => ReadAllAsync(Client(fake, handler: new QuotingHandler(), retries: 1)));
        Assert.DoesNotContain(Secret, e.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Uri.EscapeDataString(Secret), e.ToString(), StringComparison.Ordinal);
        Assert.Contains(MyApp + "|***", e.Message, StringComparison.Ordinal);

        var pages = await ReadAllAsync(Client(fake, pageSize: 2));
        Assert.All(pages, p => Assert.DoesNotContain(Secret, p.Checkpoint!.Value, StringComparison.Ordinal));
        Assert.All(pages.SelectMany(p => p.Entries), entry => Assert.DoesNotContain(Secret, entry.ToString(), StringComparison.Ordinal));
        Assert.DoesNotContain(fake.Host.Requests, r => r.Contains(Secret, StringComparison.Ordinal) || r.Contains(Uri.EscapeDataString(Secret), StringComparison.Ordinal));
        Assert.Contains(fake.Host.Requests, r => r.Contains("access_token=***", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_protocol_error_is_not_transient_and_names_no_token()
    {
        await using var fake = await StartAsync();
        Seed(fake, 1);
        var client = new Vigil.Exchanges.Clients.ThreatExchange.ThreatExchangeClient(new HttpClient(), new Vigil.Exchanges.Clients.ThreatExchange.ThreatExchangeOptions
        {
            BaseUrl = fake.BaseAddress,
            PrivacyGroupId = "999",
            ApiVersion = fake.ApiVersion,
        }, new Vigil.Exchanges.Clients.ThreatExchange.ThreatExchangeCredentials(Token));

        var e = await Assert.ThrowsAsync<ExchangeProtocolException>(() => ReadAllAsync(client));
        Assert.Contains("400", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, e.ToString(), StringComparison.Ordinal);
    }

    private sealed class QuotingHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new HttpRequestException($"could not reach {request.RequestUri} (raw token {Token})");
    }
}
