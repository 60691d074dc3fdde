namespace Vigil.Storage;

/// <summary>Where an action delivery stands.</summary>
public enum ActionDeliveryStatus
{
    /// <summary>Not delivered yet: due at <see cref="ActionDelivery.NextAttemptAt"/>.</summary>
    Pending,

    /// <summary>The target answered 2xx.</summary>
    Delivered,

    /// <summary>Given up (too old, or refused for good); an operator can send it again.</summary>
    Dead,
}

/// <summary>A delivery to record: one event for one rule's target.</summary>
/// <param name="RuleName">The rule that wanted the event.</param>
/// <param name="Target">Where it goes (the webhook URL).</param>
/// <param name="EventJson">The body to send, as JSON text, exactly as it will be signed and sent.</param>
/// <param name="CreatedAt">When the event happened (the dead-letter age counts from here).</param>
/// <param name="GiveUpAt">When it is given up if not delivered by then.</param>
public sealed record NewActionDelivery(string RuleName, string Target, string EventJson, DateTimeOffset CreatedAt, DateTimeOffset GiveUpAt);

/// <summary>One delivery in the outbox.</summary>
public sealed record ActionDelivery
{
    /// <summary>The delivery's id (ascending in the order they were recorded).</summary>
    public required long Id { get; init; }

    /// <summary>The rule that wanted the event.</summary>
    public required string RuleName { get; init; }

    /// <summary>The webhook URL.</summary>
    public required string Target { get; init; }

    /// <summary>The body, as JSON text.</summary>
    public required string EventJson { get; init; }

    /// <summary>Where it stands.</summary>
    public required ActionDeliveryStatus Status { get; init; }

    /// <summary>How many times it was sent.</summary>
    public required int Attempts { get; init; }

    /// <summary>When it is next due (for pending deliveries).</summary>
    public required DateTimeOffset NextAttemptAt { get; init; }

    /// <summary>The last attempt's HTTP status, or null (none yet, or no answer).</summary>
    public int? LastStatus { get; init; }

    /// <summary>What went wrong on the last attempt, or null.</summary>
    public string? LastError { get; init; }

    /// <summary>When the event happened.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it is given up if not delivered.</summary>
    public required DateTimeOffset GiveUpAt { get; init; }

    /// <summary>When the target accepted it, or null.</summary>
    public DateTimeOffset? DeliveredAt { get; init; }
}

/// <summary>A delivery claimed for sending: only the holder of <see cref="Lease"/> may record its attempt, until the lease ends.</summary>
/// <param name="Delivery">The delivery as claimed.</param>
/// <param name="Lease">The claim's token.</param>
/// <param name="LeaseUntil">When the claim lapses and another dispatcher may take it.</param>
public sealed record ClaimedActionDelivery(ActionDelivery Delivery, string Lease, DateTimeOffset LeaseUntil);

/// <summary>What one attempt came to.</summary>
/// <param name="Status">The delivery's new status: <see cref="ActionDeliveryStatus.Delivered"/>, <see cref="ActionDeliveryStatus.Pending"/> (to try again at <paramref name="NextAttemptAt"/>) or <see cref="ActionDeliveryStatus.Dead"/>.</param>
/// <param name="At">When the attempt ended.</param>
/// <param name="HttpStatus">The target's HTTP status, or null when it gave none.</param>
/// <param name="Error">What went wrong, or null.</param>
/// <param name="NextAttemptAt">For pending: when to try again.</param>
public sealed record ActionAttempt(ActionDeliveryStatus Status, DateTimeOffset At, int? HttpStatus, string? Error, DateTimeOffset? NextAttemptAt = null);
