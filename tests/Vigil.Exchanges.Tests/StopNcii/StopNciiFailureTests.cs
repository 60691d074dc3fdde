using Vigil.Exchanges.Clients.StopNcii;
using Vigil.Exchanges.Fakes;
using Vigil.Exchanges.Fetching;
using static Vigil.Exchanges.Tests.StopNcii.StopNciiKit;

namespace Vigil.Exchanges.Tests.StopNcii;

public class StopNciiFailureTests
{
    [Theory]
    [InlineData(FakeExchangeFailure.TooManyRequests)]
    [InlineData(FakeExchangeFailure.ServerError)]
    [InlineData(FakeExchangeFailure.Unavailable)]
    [InlineData(FakeExchangeFailure.DropConnection)]
    public async Task TransientFailuresAreRetriedAndTheFetchCompletes(FakeExchangeFailure failure)
    {
        await using var fake = await FakeStopNcii.StartAsync();
        var all = fake.AddSynthetic(9).Select(r => r.HashValue).ToList();
        fake.Inject(FakeStopNcii.FetchPath, failure, times: 2, after: 1); // the second page fails twice

        var pages = await AllPagesAsync(Client(fake, pageSize: 4));

        Assert.Equal(all, Ids(pages));
        Assert.Equal(3 + 2, fake.Host.RequestCount(FakeStopNcii.FetchPath));
    }

    [Fact]
    public async Task FailuresThroughEveryRetryAreUnavailable()
    {
        await using var fake = await FakeStopNcii.StartAsync();
        fake.AddSynthetic(1);
        fake.Inject(FakeStopNcii.FetchPath, FakeExchangeFailure.Unavailable, times: 10);

        var e = await Assert.ThrowsAsync<ExchangeUnavailableException>(() => AllPagesAsync(Client(fake)));

        Assert.True(e.IsTransient);
        Assert.Equal(1 + FastRetries.MaxRetryAttempts, fake.Host.RequestCount(FakeStopNcii.FetchPath));
    }

    [Theory]
    [InlineData("wrong-subscription", FakeStopNcii.DefaultFetchFunctionKey)]
    [InlineData(FakeStopNcii.DefaultSubscriptionKey, "wrong-function-key")]
    public async Task WrongKeysStopAfterOneRequest(string subscription, string function)
    {
        await using var fake = await FakeStopNcii.StartAsync();
        fake.AddSynthetic(1);
        var client = Client(fake, credentials: new StopNciiCredentials(subscription, function));

        var e = await Assert.ThrowsAsync<ExchangeAuthException>(() => AllPagesAsync(client));

        Assert.False(e.IsTransient);
        Assert.Equal(1, fake.Host.RequestCount(FakeStopNcii.FetchPath));
        Assert.Equal(1, fake.Refused);
        Assert.DoesNotContain(subscription, e.Message);
        Assert.DoesNotContain(function, e.Message);
    }

    [Fact]
    public async Task A401MidFetchStopsAfterThatRequest()
    {
        await using var fake = await FakeStopNcii.StartAsync();
        fake.AddSynthetic(9);
        fake.Inject(FakeStopNcii.FetchPath, FakeExchangeFailure.Unauthorized, after: 1);
        var pages = new List<ExchangePage>();

        await Assert.ThrowsAsync<ExchangeAuthException>(async () =>
        {
            await foreach (var page in Client(fake, pageSize: 4).FetchAsync(null))
                pages.Add(page);
        });

        Assert.Single(pages); // the first page's checkpoint is where the fetch resumes once the keys are fixed
        Assert.Equal(2, fake.Host.RequestCount(FakeStopNcii.FetchPath));
    }

    [Fact]
    public async Task AnAnswerThatIsNotAPageIsAProtocolError()
    {
        await using var fake = await FakeStopNcii.StartAsync();
        var client = new StopNciiClient(new HttpClient { Timeout = Timeout.InfiniteTimeSpan }, Keys(fake),
            new StopNciiOptions { BaseUrl = new Uri(fake.Host.BaseAddress, "nowhere/"), Http = FastRetries });

        await Assert.ThrowsAsync<ExchangeProtocolException>(() => AllPagesAsync(client)); // 404 from the host
    }

    [Fact]
    public void PageBodiesThatAreNotPagesAreRefused()
    {
        Assert.Throws<ExchangeProtocolException>(() => StopNciiPage.Parse("[]"u8));
        Assert.Throws<ExchangeProtocolException>(() => StopNciiPage.Parse("{\"hasMoreRecords\":false}"u8));
        Assert.Throws<ExchangeProtocolException>(() => StopNciiPage.Parse("{\"hashRecords\":[]}"u8));
        Assert.Throws<ExchangeProtocolException>(() => StopNciiPage.Parse("{\"hashRecords\":[],\"hasMoreRecords\":false} x"u8));
        Assert.Throws<ExchangeProtocolException>(() => StopNciiPage.Parse("{\"hashRecords\":[{],\"hasMoreRecords\":false}"u8));
        var page = StopNciiPage.Parse("{\"count\":0,\"nextPageToken\":\"t\",\"nextSetTimestamp\":5,\"hasMoreRecords\":true,\"hashRecords\":[]}"u8);
        Assert.Equal(new StopNciiPage("t", 5, true), page);
    }
}
