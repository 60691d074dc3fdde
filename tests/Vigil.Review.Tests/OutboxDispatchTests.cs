using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Vigil.Media;
using Vigil.Review.Actions;
using Vigil.Storage;
using Vigil.Storage.Sqlite;
using Vigil.Testing;

namespace Vigil.Review.Tests;

/// <summary>The sink and the dispatcher over a real SQLite outbox, with a manual clock and an in-process target.</summary>
public sealed class OutboxDispatchTests : IAsyncLifetime
{
    private static readonly byte[] Secret = Encoding.UTF8.GetBytes("synthetic-secret-for-tests-0042");
    private static readonly UrlPrefixAllowList Allowed = UrlPrefixAllowList.Parse(["https://hooks.example.org/"]);
    private readonly TempDirectory _dir = new();
    private readonly ManualClock _clock = new();
    private SqliteVigilStore _store = null!;

    public async Task InitializeAsync() => _store = await SqliteVigilStore.OpenAsync(_dir.File("vigil.db"));

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    private static ActionRule Rule(string name, ActionTrigger trigger, string[]? mustHave = null, string path = "in") =>
        new(name, trigger, null, mustHave, null, null, null, new WebhookTarget(new Uri($"https://hooks.example.org/{path}"), Secret, "test"));

    private static ActionEvent MatchEvent(params string[] labels) => new()
    {
        Trigger = ActionTrigger.Match,
        OccurredAt = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
        Source = "lookup",
        Matches = [new ActionMatch("SAMPLES", 7, 3, labels, "A2")],
        Signals = new Dictionary<string, string> { ["pdq"] = new string('f', 64) },
    };

    private WebhookDispatcher Dispatcher(ActionRuleSet rules, Target target, UrlPrefixAllowList? allowList = null, ActionDeliveryPolicy? policy = null) =>
        new(rules, allowList ?? Allowed, _store, _clock, NullLogger<WebhookDispatcher>.Instance, policy, target, jitter: () => 0.999);

    [Fact]
    public async Task Events_no_rule_wants_write_nothing_and_one_row_is_written_per_rule_that_applies()
    {
        var rules = new ActionRuleSet([Rule("labelled", ActionTrigger.Match, ["csam"]), Rule("every-match", ActionTrigger.Match), Rule("decisions", ActionTrigger.Decision)]);
        var sink = new OutboxActionSink(rules, _store, _clock);
        Assert.True(sink.Wants(ActionTrigger.Match));
        Assert.False(sink.Wants(ActionTrigger.ReportFiled));
        // No rule looks at classifications: lookups need not read the entries for them.
        Assert.False(sink.UsesClassification(ActionTrigger.Match));
        var classifying = new ActionRuleSet([new ActionRule("c", ActionTrigger.Match, null, null, null, ["A1"], null, Rule("x", ActionTrigger.Match).Webhook)]);
        Assert.True(classifying.UsesClassification(ActionTrigger.Match));
        Assert.False(classifying.UsesClassification(ActionTrigger.Decision));

        await sink.RaiseAsync(MatchEvent() with { Trigger = ActionTrigger.ReportFiled });
        Assert.Empty(await _store.ListActionDeliveriesAsync(null, 0, 10));
        await sink.RaiseAsync(MatchEvent("ncii"));
        Assert.Equal(["every-match"], (await _store.ListActionDeliveriesAsync(null, 0, 10)).Select(d => d.RuleName));
        await sink.RaiseAsync(MatchEvent("CSAM"));
        var rows = await _store.ListActionDeliveriesAsync(null, 1, 10);
        Assert.Equal(["labelled", "every-match"], rows.Select(d => d.RuleName));
        Assert.All(rows, row => Assert.Equal((_clock.GetUtcNow(), _clock.GetUtcNow().AddHours(24)), (row.CreatedAt, row.GiveUpAt)));

        var body = JsonSerializer.Deserialize(rows[0].EventJson, ActionWebhookJsonContext.Default.ActionWebhookBody)!;
        var other = JsonSerializer.Deserialize(rows[1].EventJson, ActionWebhookJsonContext.Default.ActionWebhookBody)!;
        Assert.Equal(("labelled", "match", "lookup"), (body.Rule, body.Trigger, body.Source));
        Assert.Equal(body.EventId, other.EventId);
        var match = Assert.Single(body.Matches);
        Assert.Equal(("SAMPLES", 7L, 3, "A2"), (match.Bank, match.ContentId, match.Distance, match.Classification));
        Assert.Equal(new string('f', 64), body.Signals["pdq"]);
        Assert.Equal("https://hooks.example.org/in", rows[0].Target);
    }

    [Fact]
    public async Task A_target_that_fails_three_times_then_succeeds_gets_exactly_one_accepted_delivery()
    {
        var rules = new ActionRuleSet([Rule("r", ActionTrigger.Match)]);
        int calls = 0;
        var target = new Target(_clock, request => ++calls <= 3 ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.NoContent);
        var dispatcher = Dispatcher(rules, target);
        await new OutboxActionSink(rules, _store, _clock).RaiseAsync(MatchEvent());

        Assert.Equal(1, await dispatcher.RunOnceAsync());
        // Not due again until its backoff has passed: 10 s at most after the first failure.
        Assert.Equal(0, await dispatcher.RunOnceAsync());
        var waits = new List<TimeSpan>();
        for (int i = 0; i < 3; i++)
        {
            var before = (await _store.ListActionDeliveriesAsync(null, 0, 1))[0];
            waits.Add(before.NextAttemptAt - _clock.GetUtcNow());
            _clock.Advance(before.NextAttemptAt - _clock.GetUtcNow());
            Assert.Equal(1, await dispatcher.RunOnceAsync());
        }
        for (int i = 0; i < 5; i++)
        {
            _clock.Advance(TimeSpan.FromHours(1));
            Assert.Equal(0, await dispatcher.RunOnceAsync());
        }
        Assert.Equal(4, target.Requests.Count);
        Assert.Equal(1, target.Accepted);
        Assert.All(target.Requests, r => Assert.True(r.SignatureValid, r.Why));
        // Full jitter under a doubling ceiling (the draw is fixed near 1 here): about 10, 20, 40 s.
        Assert.Equal([10, 20, 40], waits.Select(w => (int)Math.Round(w.TotalSeconds)));
        var delivery = (await _store.ListActionDeliveriesAsync(null, 0, 1))[0];
        Assert.Equal((ActionDeliveryStatus.Delivered, 4, 204, null), (delivery.Status, delivery.Attempts, delivery.LastStatus, delivery.LastError));
        Assert.Equal(_clock.GetUtcNow().AddHours(-5), delivery.DeliveredAt);
        Assert.All(target.Requests, r => Assert.Equal(delivery.EventJson, r.Body));
    }

    [Fact]
    public async Task A_target_that_never_succeeds_is_dead_24_hours_after_the_event_and_can_be_retried()
    {
        var rules = new ActionRuleSet([Rule("r", ActionTrigger.Match)]);
        bool up = false;
        var target = new Target(_clock, _ => up ? HttpStatusCode.OK : HttpStatusCode.InternalServerError);
        var dispatcher = Dispatcher(rules, target);
        await new OutboxActionSink(rules, _store, _clock).RaiseAsync(MatchEvent());
        var created = _clock.GetUtcNow();

        ActionDelivery delivery;
        while ((delivery = (await _store.ListActionDeliveriesAsync(null, 0, 1))[0]).Status == ActionDeliveryStatus.Pending)
        {
            Assert.True(_clock.GetUtcNow() - created < TimeSpan.FromHours(25), "still pending after 25 h");
            _clock.Advance(delivery.NextAttemptAt - _clock.GetUtcNow());
            await dispatcher.RunOnceAsync();
        }
        Assert.Equal(ActionDeliveryStatus.Dead, delivery.Status);
        Assert.True(_clock.GetUtcNow() - created < TimeSpan.FromHours(24), "a retry was scheduled past the give-up time");
        Assert.Contains("HTTP 500", delivery.LastError);
        Assert.Contains("given up 24 h after the event", delivery.LastError);
        int sent = target.Requests.Count;
        Assert.InRange(sent, 5, 40);
        _clock.Advance(TimeSpan.FromDays(3));
        Assert.Equal(0, await dispatcher.RunOnceAsync());
        Assert.Equal(sent, target.Requests.Count);

        up = true;
        Assert.True(await _store.RetryActionDeliveryAsync(delivery.Id, _clock.GetUtcNow(), _clock.GetUtcNow().AddHours(24)));
        Assert.Equal(1, await dispatcher.RunOnceAsync());
        Assert.Equal(ActionDeliveryStatus.Delivered, (await _store.GetActionDeliveryAsync(delivery.Id))!.Status);
        Assert.Equal(1, target.Accepted);
    }

    [Fact]
    public async Task A_pending_delivery_past_its_give_up_time_is_dead_without_being_sent()
    {
        var rules = new ActionRuleSet([Rule("r", ActionTrigger.Match)]);
        var target = new Target(_clock, _ => HttpStatusCode.OK);
        await new OutboxActionSink(rules, _store, _clock).RaiseAsync(MatchEvent());
        _clock.Advance(TimeSpan.FromHours(30));
        Assert.Equal(1, await Dispatcher(rules, target).RunOnceAsync());
        Assert.Empty(target.Requests);
        var delivery = (await _store.ListActionDeliveriesAsync(null, 0, 1))[0];
        Assert.Equal(ActionDeliveryStatus.Dead, delivery.Status);
        Assert.Contains("not delivered within 24 h", delivery.LastError);
    }

    [Fact]
    public async Task A_target_no_longer_allowed_is_dead_at_once_and_a_rule_no_longer_in_the_file_is_retried()
    {
        var rules = new ActionRuleSet([Rule("kept", ActionTrigger.Match, path: "kept"), Rule("dropped", ActionTrigger.Match, path: "dropped")]);
        var target = new Target(_clock, _ => HttpStatusCode.OK);
        await new OutboxActionSink(rules, _store, _clock).RaiseAsync(MatchEvent());
        // After a restart with a narrower allow-list and the second rule gone from the file.
        var later = new ActionRuleSet([Rule("dropped-not", ActionTrigger.Match)]);
        Assert.Equal(2, await Dispatcher(later, target, UrlPrefixAllowList.Parse(["https://hooks.example.org/dropped"])).RunOnceAsync());
        Assert.Empty(target.Requests);
        var rows = await _store.ListActionDeliveriesAsync(null, 0, 10);
        Assert.Equal(ActionDeliveryStatus.Dead, rows[0].Status);
        Assert.Contains("not under the webhook allow-list any more", rows[0].LastError);
        Assert.Equal(ActionDeliveryStatus.Pending, rows[1].Status);
        Assert.Contains("rule 'dropped' is not in the actions file any more", rows[1].LastError);
    }

    [Fact]
    public async Task A_target_that_does_not_answer_in_time_is_an_attempt_that_failed()
    {
        var rules = new ActionRuleSet([Rule("r", ActionTrigger.Match)]);
        var target = new Target(_clock, _ => HttpStatusCode.OK) { Hang = true };
        await new OutboxActionSink(rules, _store, _clock).RaiseAsync(MatchEvent());
        var dispatcher = Dispatcher(rules, target, policy: new ActionDeliveryPolicy { Timeout = TimeSpan.FromMilliseconds(200) });
        Assert.Equal(1, await dispatcher.RunOnceAsync());
        var delivery = (await _store.ListActionDeliveriesAsync(null, 0, 1))[0];
        Assert.Equal((ActionDeliveryStatus.Pending, 1, (int?)null), (delivery.Status, delivery.Attempts, delivery.LastStatus));
        Assert.Contains("no answer within 0.2 s", delivery.LastError);
    }

    /// <summary>An in-process webhook target: answers as told, and checks every signature with the public verifier.</summary>
    private sealed class Target(TimeProvider clock, Func<HttpRequestMessage, HttpStatusCode> answer) : HttpMessageHandler
    {
        public List<(string Body, bool SignatureValid, string? Why)> Requests { get; } = [];

        public int Accepted { get; private set; }

        public bool Hang { get; init; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (Hang)
                await Task.Delay(Timeout.Infinite, cancellationToken);
            byte[] body = await request.Content!.ReadAsByteArrayAsync(cancellationToken);
            string? header = request.Headers.TryGetValues(WebhookSignature.HeaderName, out var values) ? values.Single() : null;
            bool valid = WebhookSignature.Verify(header, body, Secret, clock.GetUtcNow(), WebhookSignature.DefaultTolerance, out string? why);
            Assert.Equal("application/json", request.Content.Headers.ContentType?.MediaType);
            var status = answer(request);
            lock (Requests)
            {
                Requests.Add((Encoding.UTF8.GetString(body), valid, why));
                if ((int)status is >= 200 and < 300)
                    Accepted++;
            }
            return new HttpResponseMessage(status);
        }
    }
}
