using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Server;
using Vigil.Server.ReviewUi;
using Vigil.Storage;
using Vigil.Testing;

namespace Vigil.Review.Ui.Tests;

/// <summary>Sessions end when idle too long, when too old however busy, and sessions beyond the cap push out the least recently used.</summary>
public class SessionExpiryTests : UiServer
{
    private readonly ManualClock _clock = new(DateTimeOffset.UtcNow);

    protected override ServerSettings Settings => base.Settings with
    {
        ReviewUi = new() { SessionIdleTimeout = TimeSpan.FromMinutes(30), SessionLifetime = TimeSpan.FromHours(2), MaxSessions = 3 },
    };

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(_clock);

    [Fact]
    public async Task An_idle_session_ends()
    {
        var (secret, _) = await KeyAsync(ApiKeyRole.Reviewer);
        var (http, _) = Client();
        await SignInAsync(http, secret);
        _clock.Advance(TimeSpan.FromMinutes(29));
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/review/queue")).StatusCode);
        _clock.Advance(TimeSpan.FromMinutes(29));
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/review/queue")).StatusCode);
        _clock.Advance(TimeSpan.FromMinutes(30));
        using var expired = await http.GetAsync("/review/queue");
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        Assert.Contains("session expired", await expired.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_busy_session_ends_at_its_lifetime()
    {
        var (secret, _) = await KeyAsync(ApiKeyRole.Reviewer);
        var (http, _) = Client();
        await SignInAsync(http, secret);
        for (int i = 0; i < 7; i++)
        {
            _clock.Advance(TimeSpan.FromMinutes(15));
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/review/queue")).StatusCode);
        }
        _clock.Advance(TimeSpan.FromMinutes(15));
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/review/queue")).StatusCode);
    }

    [Fact]
    public async Task Sessions_beyond_the_cap_push_out_the_least_recently_used()
    {
        var (secret, _) = await KeyAsync(ApiKeyRole.Reviewer);
        var clients = new List<HttpClient>();
        for (int i = 0; i < 4; i++)
        {
            var (http, _) = Client();
            await SignInAsync(http, secret);
            clients.Add(http);
            _clock.Advance(TimeSpan.FromSeconds(1));
        }
        Assert.Equal(3, Services.GetRequiredService<ReviewSessions>().Count);
        Assert.Equal(HttpStatusCode.Unauthorized, (await clients[0].GetAsync("/review/queue")).StatusCode);
        foreach (var http in clients.Skip(1))
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/review/queue")).StatusCode);
    }
}
