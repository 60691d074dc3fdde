using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vigil.Media;
using Vigil.Review.Actions;
using Vigil.Storage;
using Vigil.Testing;

namespace Vigil.Server.Tests;

/// <summary>
/// A local webhook receiver (ASP.NET Core on 127.0.0.1:0) that checks every signature with the
/// public verifier, and a server whose lookups raise match events for it. Time is a manual clock;
/// the dispatcher is driven pass by pass (its idle poll is an hour, so it never runs on its own).
/// </summary>
public sealed class ActionWebhookTests : LiveServerTest
{
    private static readonly byte[] Secret = Encoding.UTF8.GetBytes("synthetic-webhook-secret-0001");
    // Whole seconds: the store keeps microseconds.
    private readonly ManualClock _clock = new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
    private WebApplication _receiver = null!;
    private Uri _receiverAddress = null!;
    private readonly List<(string Body, bool Valid, string? Why)> _received = [];
    private int _failuresLeft;
    private int _accepted;

    protected override async Task BeforeServerStartsAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _receiver = builder.Build();
        _receiver.MapPost("/hooks/{**rest}", async (HttpContext context) =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            byte[] body = buffer.ToArray();
            bool valid = WebhookSignature.Verify(context.Request.Headers[WebhookSignature.HeaderName], body, Secret, _clock.GetUtcNow(),
                WebhookSignature.DefaultTolerance, out string? why);
            lock (_received)
            {
                _received.Add((Encoding.UTF8.GetString(body), valid, why));
                if (!valid)
                    return Results.StatusCode(401);
                if (_failuresLeft > 0)
                {
                    _failuresLeft--;
                    return Results.StatusCode(503);
                }
                _accepted++;
                return Results.NoContent();
            }
        });
        await _receiver.StartAsync();
        _receiverAddress = new Uri(_receiver.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    protected override async Task AfterServerStopsAsync()
    {
        await _receiver.StopAsync();
        await _receiver.DisposeAsync();
    }

    protected override ServerSettings Settings
    {
        get
        {
            var allowed = $"{_receiverAddress.GetLeftPart(UriPartial.Authority)}/hooks/";
            var target = new WebhookTarget(new Uri($"{allowed}matches"), Secret, "test");
            return base.Settings with
            {
                Actions = new ActionRuleSet(
                [
                    new ActionRule("all-lookup-matches", ActionTrigger.Match, null, null, null, null, ["lookup"], target),
                    new ActionRule("only-labelled", ActionTrigger.Match, null, ["never-present"], null, null, null, target),
                    new ActionRule("confirmed-a1", ActionTrigger.Decision, "confirmed", null, null, ["A1"], null, target),
                ]),
                WebhookUrlAllowList = [allowed],
                ActionPolicy = new ActionDeliveryPolicy { PollInterval = TimeSpan.FromHours(1) },
                Review = new Vigil.Review.ReviewOptions { ConfirmedBank = "CONFIRMED" },
            };
        }
    }

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(_clock);

    private WebhookDispatcher Dispatcher => Services.GetRequiredService<WebhookDispatcher>();

    private async Task<IReadOnlyList<ActionDelivery>> DeliveriesAsync() => await Store.ListActionDeliveriesAsync(null, 0, 100);

    [Fact]
    public async Task A_matching_lookup_is_delivered_once_signed_after_the_receiver_failed_three_times()
    {
        Assert.IsType<OutboxActionSink>(Services.GetRequiredService<IActionSink>());
        string matcher = await KeyAsync(ApiKeyRole.Matcher);
        // A lookup that matches nothing writes nothing.
        using (var miss = await SendAsync(HttpMethod.Get, $"/m/lookup?signal_type=pdq&signal={new string('0', 64)}&bypass_coinflip=true", matcher))
            Assert.Equal(HttpStatusCode.OK, miss.StatusCode);
        Assert.Empty(await DeliveriesAsync());

        _failuresLeft = 3;
        using (var hit = await SendAsync(HttpMethod.Get, $"/m/lookup?signal_type=pdq&signal={BridgePdq}&bypass_coinflip=true", matcher))
            Assert.Equal(HttpStatusCode.OK, hit.StatusCode);
        var delivery = Assert.Single(await DeliveriesAsync());
        Assert.Equal(("all-lookup-matches", ActionDeliveryStatus.Pending), (delivery.RuleName, delivery.Status));

        for (int pass = 0; pass < 4; pass++)
        {
            var due = (await Store.GetActionDeliveryAsync(delivery.Id))!;
            Assert.Equal(ActionDeliveryStatus.Pending, due.Status);
            Assert.Equal(pass, due.Attempts);
            if (due.NextAttemptAt > _clock.GetUtcNow())
                _clock.Advance(due.NextAttemptAt - _clock.GetUtcNow());
            Assert.Equal(1, await Dispatcher.RunOnceAsync());
        }
        _clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(0, await Dispatcher.RunOnceAsync());

        var done = (await Store.GetActionDeliveryAsync(delivery.Id))!;
        Assert.Equal((ActionDeliveryStatus.Delivered, 4, 204), (done.Status, done.Attempts, done.LastStatus));
        Assert.Equal(4, _received.Count);
        Assert.Equal(1, _accepted);
        Assert.All(_received, r => Assert.True(r.Valid, r.Why));
        using var body = JsonDocument.Parse(_received[^1].Body);
        Assert.Equal("match", body.RootElement.GetProperty("trigger").GetString());
        Assert.Equal("lookup", body.RootElement.GetProperty("source").GetString());
        Assert.Equal(BridgePdq, body.RootElement.GetProperty("signals").GetProperty("pdq").GetString());
        var match = Assert.Single(body.RootElement.GetProperty("matches").EnumerateArray());
        Assert.Equal(("SAMPLES", BridgeId), (match.GetProperty("bank").GetString(), match.GetProperty("content_id").GetInt64()));
    }

    [Fact]
    public async Task A_reviewers_confirmed_A1_decision_is_delivered_and_other_decisions_are_not()
    {
        string submitter = await KeyAsync(ApiKeyRole.Submitter), reviewer = await KeyAsync(ApiKeyRole.Reviewer);
        async Task<(long Case, long Item)> OpenAsync(string subject)
        {
            var opened = await JsonAsync(await SendAsync(HttpMethod.Post, "/v1/cases", submitter,
                "{\"subject\":\"" + subject + "\",\"signals\":{\"pdq\":\"" + BridgePdq + "\"}}"));
            return (opened.GetProperty("case_id").GetInt64(), opened.GetProperty("item_id").GetInt64());
        }
        var (first, firstItem) = await OpenAsync("user-a");
        // A submission's match is source "api": neither match rule wants it.
        Assert.Empty(await DeliveriesAsync());
        await SendAsync(HttpMethod.Post, "/v1/cases/claim", reviewer, "{}");
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Post, $"/v1/cases/{first}/items/{firstItem}/decision", reviewer,
            """{"verdict":"confirmed","classification":"B1"}""")).StatusCode);
        Assert.Empty(await DeliveriesAsync());
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Post, $"/v1/cases/{first}/items/{firstItem}/decision", reviewer,
            """{"verdict":"confirmed","classification":"A1"}""")).StatusCode);
        var delivery = Assert.Single(await DeliveriesAsync());
        Assert.Equal("confirmed-a1", delivery.RuleName);
        Assert.Equal(1, await Dispatcher.RunOnceAsync());
        var received = Assert.Single(_received);
        Assert.True(received.Valid, received.Why);
        using var body = JsonDocument.Parse(received.Body);
        Assert.Equal(("decision", "confirmed", "A1", "user-a", first, firstItem), (body.RootElement.GetProperty("trigger").GetString(),
            body.RootElement.GetProperty("verdict").GetString(), body.RootElement.GetProperty("classification").GetString(),
            body.RootElement.GetProperty("subject").GetString(), body.RootElement.GetProperty("case_id").GetInt64(), body.RootElement.GetProperty("item_id").GetInt64()));
        // Media never goes out: the event has the hash and the match, nothing else of the item.
        Assert.DoesNotContain("media", received.Body);
    }

    [Fact]
    public async Task An_uploaded_photo_that_matches_raises_one_event_with_its_pdq_and_md5()
    {
        string matcher = await KeyAsync(ApiKeyRole.Matcher);
        byte[] bytes = MediaFixtures.Bytes(MediaFixtures.Bridge);
        using (var response = await SendContentAsync(HttpMethod.Post, "/m/lookup?types=pdq,md5&bypass_coinflip=true", matcher, MediaFixtures.Form(bytes)))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var delivery = Assert.Single(await DeliveriesAsync());
        var body = JsonSerializer.Deserialize(delivery.EventJson, ActionWebhookJsonContext.Default.ActionWebhookBody)!;
        Assert.Equal(("lookup", MediaFixtures.BridgeReferencePdq, MediaFixtures.Md5(bytes)), (body.Source, body.Signals["pdq"], body.Signals["md5"]));
        Assert.Equal(BridgeId, Assert.Single(body.Matches).ContentId);
        using (var miss = await SendContentAsync(HttpMethod.Post, "/m/lookup", matcher, MediaFixtures.Form(MediaFixtures.Bytes(MediaFixtures.Unrelated))))
            Assert.Equal(HttpStatusCode.OK, miss.StatusCode);
        Assert.Single(await DeliveriesAsync());
    }

    [Fact]
    public async Task Admins_list_deliveries_by_status_and_send_dead_ones_again()
    {
        string admin = await KeyAsync(ApiKeyRole.Admin);
        var ids = await Store.AddActionDeliveriesAsync(
        [
            new NewActionDelivery("all-lookup-matches", $"{_receiverAddress.GetLeftPart(UriPartial.Authority)}/hooks/matches", """{"event_id":"x"}""", _clock.GetUtcNow(), _clock.GetUtcNow().AddHours(24)),
            new NewActionDelivery("all-lookup-matches", $"{_receiverAddress.GetLeftPart(UriPartial.Authority)}/hooks/matches", """{"event_id":"y"}""", _clock.GetUtcNow(), _clock.GetUtcNow().AddHours(24)),
        ]);
        var claims = await Store.ClaimDueActionDeliveriesAsync(_clock.GetUtcNow(), TimeSpan.FromMinutes(1), 1);
        Assert.True(await Store.RecordActionAttemptAsync(claims[0], new ActionAttempt(ActionDeliveryStatus.Dead, _clock.GetUtcNow(), 500, "HTTP 500; given up")));

        using (var dead = await SendAsync(HttpMethod.Get, "/v1/actions/deliveries?status=dead", admin))
        {
            Assert.Equal(HttpStatusCode.OK, dead.StatusCode);
            var page = JsonSerializer.Deserialize(await dead.Content.ReadAsStringAsync(), ActionDeliveryJsonContext.Default.ActionDeliveryPage)!;
            var view = Assert.Single(page.Deliveries);
            Assert.Equal((ids[0], "dead", 1, 500, "HTTP 500; given up"), (view.Id, view.Status, view.Attempts, view.LastStatus, view.LastError));
            Assert.Null(view.NextAttemptAt);
            Assert.Null(page.Next);
        }
        using (var first = await SendAsync(HttpMethod.Get, "/v1/actions/deliveries?limit=1", admin))
        {
            var page = JsonSerializer.Deserialize(await first.Content.ReadAsStringAsync(), ActionDeliveryJsonContext.Default.ActionDeliveryPage)!;
            Assert.Equal(ids[0], Assert.Single(page.Deliveries).Id);
            Assert.Equal(ids[0], page.Next);
            using var second = await SendAsync(HttpMethod.Get, $"/v1/actions/deliveries?limit=1&after={page.Next}", admin);
            Assert.Equal(ids[1], Assert.Single(JsonSerializer.Deserialize(await second.Content.ReadAsStringAsync(), ActionDeliveryJsonContext.Default.ActionDeliveryPage)!.Deliveries).Id);
        }
        foreach (string bad in new[] { "?status=lost", "?after=-1", "?limit=0", "?limit=5000" })
        {
            using var response = await SendAsync(HttpMethod.Get, "/v1/actions/deliveries" + bad, admin);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        using (var pending = await SendAsync(HttpMethod.Post, $"/v1/actions/deliveries/{ids[1]}/retry", admin))
            Assert.Equal(HttpStatusCode.Conflict, pending.StatusCode);
        using (var missing = await SendAsync(HttpMethod.Post, $"/v1/actions/deliveries/{ids[1] + 50}/retry", admin))
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using (var retry = await SendAsync(HttpMethod.Post, $"/v1/actions/deliveries/{ids[0]}/retry", admin))
        {
            Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
            Assert.Equal("pending", JsonDocument.Parse(await retry.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());
        }
        var retried = (await Store.GetActionDeliveryAsync(ids[0]))!;
        Assert.Equal((ActionDeliveryStatus.Pending, _clock.GetUtcNow().AddHours(24)), (retried.Status, retried.GiveUpAt));

        using (var matcher = await SendAsync(HttpMethod.Get, "/v1/actions/deliveries", await KeyAsync(ApiKeyRole.Matcher)))
            Assert.Equal(HttpStatusCode.Forbidden, matcher.StatusCode);
        using (var anonymous = await SendAsync(HttpMethod.Post, $"/v1/actions/deliveries/{ids[0]}/retry", null))
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }
}

/// <summary>Without rules, the sink drops every event and no dispatcher runs.</summary>
public sealed class NoActionRulesTests : LiveServerTest
{
    [Fact]
    public async Task Lookups_write_nothing_and_no_dispatcher_is_registered()
    {
        Assert.Same(NoActions.Instance, Services.GetRequiredService<IActionSink>());
        Assert.Null(Services.GetService<WebhookDispatcher>());
        using var hit = await SendAsync(HttpMethod.Get, $"/m/lookup?signal_type=pdq&signal={BridgePdq}&bypass_coinflip=true", await KeyAsync(ApiKeyRole.Matcher));
        Assert.Equal(HttpStatusCode.OK, hit.StatusCode);
        Assert.Empty(await Store.ListActionDeliveriesAsync(null, 0, 10));
    }
}
