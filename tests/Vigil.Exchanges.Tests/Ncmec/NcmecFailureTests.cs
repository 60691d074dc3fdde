using Vigil.Exchanges.Fakes;
using Vigil.Exchanges.Fetching;
using static Vigil.Exchanges.Tests.Ncmec.NcmecTestKit;

namespace Vigil.Exchanges.Tests.Ncmec;

public class NcmecFailureTests
{
    private const string EntriesPath = FakeNcmec.PathPrefix + "/v2/entries";

    private static async Task<FakeNcmec> WithEntries(int count)
    {
        var fake = await FakeNcmec.StartAsync();
        for (int i = 0; i < count; i++)
            fake.Add(Entry(i, Day0.AddHours(i)));
        return fake;
    }

    [Theory]
    [InlineData(FakeExchangeFailure.TooManyRequests)]
    [InlineData(FakeExchangeFailure.Unavailable)]
    [InlineData(FakeExchangeFailure.ServerError)]
    [InlineData(FakeExchangeFailure.DropConnection)]
    public async Task Transient_failures_mid_fetch_are_retried_and_the_fetch_completes(FakeExchangeFailure failure)
    {
        await using var fake = await WithEntries(20);
        fake.Host.Inject(EntriesPath, failure, times: 2, after: 1); // The second page fails twice, then answers.
        var pages = await All(Client(fake, Options(fake, TimeSpan.FromDays(1), now: Day0.AddDays(1), pageSize: 6)));

        Assert.Equal(20, Apply(pages).Count);
        Assert.Equal(4 + 2, fake.EntryPageRequests);
    }

    [Fact]
    public async Task Failures_through_every_retry_are_unavailable_and_say_nothing_of_the_credentials()
    {
        await using var fake = await WithEntries(3);
        fake.Host.Inject(EntriesPath, FakeExchangeFailure.ServerError, times: 100);
        var e = await Assert.ThrowsAsync<ExchangeUnavailableException>(() => All(Client(fake, Options(fake, TimeSpan.FromDays(1), now: Day0.AddDays(1)))));
        Assert.True(e.IsTransient);
        Assert.Equal(1 + FastRetries.MaxRetryAttempts, fake.EntryPageRequests);
        Assert.DoesNotContain(fake.Password, e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_credentials_are_an_auth_error_after_one_request_without_the_password_in_it()
    {
        await using var fake = await WithEntries(3);
        const string wrong = "wrong-synthetic-password-9";
        var e = await Assert.ThrowsAsync<ExchangeAuthException>(() => All(Client(fake, Options(fake, TimeSpan.FromDays(1), now: Day0.AddDays(1)), password: wrong)));
        Assert.False(e.IsTransient);
        Assert.Single(fake.Host.Requests);
        Assert.DoesNotContain(wrong, e.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(fake.User + ":", e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_401_mid_fetch_stops_without_retrying_and_the_pages_before_it_keep_their_checkpoint()
    {
        await using var fake = await WithEntries(48);
        fake.Host.Inject(EntriesPath, FakeExchangeFailure.Unauthorized, after: 1);
        var client = Client(fake, Options(fake, TimeSpan.FromHours(12), now: Day0.AddDays(2)));
        var pages = new List<ExchangePage>();
        await Assert.ThrowsAsync<ExchangeAuthException>(async () =>
        {
            await foreach (var page in client.FetchAsync(null))
                pages.Add(page);
        });
        Assert.Equal(2, fake.EntryPageRequests);
        Assert.Equal(Day0.AddHours(12), Assert.Single(pages).Checkpoint!.At);
    }

    [Fact]
    public async Task A_malformed_page_is_a_protocol_error()
    {
        await using var fake = await FakeNcmec.StartAsync();
        var http = new HttpClient(new StubHandler("<queryResult><images><image>"), disposeHandler: true);
        var client = new Vigil.Exchanges.Clients.Ncmec.NcmecHashClient(http, new(fake.User, fake.Password),
            Options(fake, TimeSpan.FromDays(1), now: Day0.AddDays(1)), FastRetries);
        await Assert.ThrowsAsync<ExchangeProtocolException>(() => All(client));
    }

    [Fact]
    public async Task A_next_link_leaving_the_base_address_is_a_protocol_error()
    {
        await using var fake = await FakeNcmec.StartAsync();
        var http = new HttpClient(new StubHandler(
            "<queryResult><paging><next>https://elsewhere.example/v2/entries?start=2</next></paging></queryResult>"), disposeHandler: true);
        var client = new Vigil.Exchanges.Clients.Ncmec.NcmecHashClient(http, new(fake.User, fake.Password),
            Options(fake, TimeSpan.FromDays(1), now: Day0.AddDays(1)), FastRetries);
        var e = await Assert.ThrowsAsync<ExchangeProtocolException>(() => All(client));
        Assert.Contains("next-page link", e.Message);
    }

    private sealed class StubHandler(string xml) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new StringContent(xml) });
    }
}
