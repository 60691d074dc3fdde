using System.Text.Json;
using Vigil.Storage;

namespace Vigil.Review.Actions;

/// <summary>
/// The sink when rules are configured: the rules about the event's trigger are checked in memory,
/// and only when one applies are delivery rows written to the outbox (one per rule that applies),
/// for <see cref="WebhookDispatcher"/> to send. An event no rule wants writes nothing and allocates
/// nothing; nothing is ever sent inline.
/// </summary>
public sealed class OutboxActionSink : IActionSink
{
    private readonly ActionRuleSet _rules;
    private readonly IActionOutboxStore _outbox;
    private readonly TimeProvider _time;
    private readonly ActionDeliveryPolicy _policy;

    /// <summary>Makes the sink.</summary>
    public OutboxActionSink(ActionRuleSet rules, IActionOutboxStore outbox, TimeProvider time, ActionDeliveryPolicy? policy = null)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(outbox);
        ArgumentNullException.ThrowIfNull(time);
        _rules = rules;
        _outbox = outbox;
        _time = time;
        _policy = policy ?? new ActionDeliveryPolicy();
    }

    /// <summary>Whether any rule is about <paramref name="trigger"/> (callers may skip building events no rule could want).</summary>
    public bool Wants(ActionTrigger trigger) => !_rules.For(trigger).IsEmpty;

    /// <summary>Whether a rule about <paramref name="trigger"/> looks at classifications (callers may skip reading them otherwise).</summary>
    public bool UsesClassification(ActionTrigger trigger) => _rules.UsesClassification(trigger);

    /// <inheritdoc/>
    public ValueTask RaiseAsync(ActionEvent actionEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actionEvent);
        List<NewActionDelivery>? deliveries = null;
        string? eventId = null;
        DateTimeOffset now = default;
        foreach (var rule in _rules.For(actionEvent.Trigger))
        {
            if (!rule.Applies(actionEvent))
                continue;
            if (deliveries is null)
            {
                deliveries = [];
                eventId = Guid.NewGuid().ToString("N");
                now = _time.GetUtcNow();
            }
            string body = JsonSerializer.Serialize(ActionWebhookBody.From(actionEvent, rule.Name, eventId!), ActionWebhookJsonContext.Default.ActionWebhookBody);
            deliveries.Add(new NewActionDelivery(rule.Name, rule.Webhook.Url.AbsoluteUri, body, now, now + _policy.MaxAge));
        }
        return deliveries is null ? ValueTask.CompletedTask : new ValueTask(_outbox.AddActionDeliveriesAsync(deliveries, cancellationToken));
    }
}
