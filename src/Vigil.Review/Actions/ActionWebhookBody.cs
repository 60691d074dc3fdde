using System.Text.Json.Serialization;

namespace Vigil.Review.Actions;

/// <summary>
/// What a webhook receives (POST, <c>application/json</c>): the event, the rule that sent it, and an
/// id that stays the same on every retry, so a receiver that saw it before can ignore it (a delivery
/// is sent at least once: a crash between the target's answer and its record sends it again).
/// </summary>
public sealed record ActionWebhookBody
{
    /// <summary>The event's id, the same for every rule's delivery of it and on every retry.</summary>
    [JsonPropertyName("event_id")]
    public required string EventId { get; init; }

    /// <summary>The rule that wanted the event.</summary>
    [JsonPropertyName("rule")]
    public required string Rule { get; init; }

    /// <summary><c>match</c>, <c>decision</c>, <c>report_filed</c> or <c>report_failed</c>.</summary>
    [JsonPropertyName("trigger")]
    public required string Trigger { get; init; }

    /// <summary>When it happened.</summary>
    [JsonPropertyName("occurred_at")]
    public required DateTimeOffset OccurredAt { get; init; }

    /// <summary>Where the media came from (<c>lookup</c>, <c>api</c>, <c>scan</c>, ...).</summary>
    [JsonPropertyName("source")]
    public required string Source { get; init; }

    /// <summary>The platform's subject, when known.</summary>
    [JsonPropertyName("subject")]
    public string? Subject { get; init; }

    /// <summary>The case, when there is one.</summary>
    [JsonPropertyName("case_id")]
    public long? CaseId { get; init; }

    /// <summary>The item, when there is one.</summary>
    [JsonPropertyName("item_id")]
    public long? ItemId { get; init; }

    /// <summary>For decisions: the verdict.</summary>
    [JsonPropertyName("verdict")]
    public string? Verdict { get; init; }

    /// <summary>For confirmed items: the reviewer's classification.</summary>
    [JsonPropertyName("classification")]
    public string? Classification { get; init; }

    /// <summary>For filed reports: the hotline's report id.</summary>
    [JsonPropertyName("report_id")]
    public string? ReportId { get; init; }

    /// <summary>For filed reports: keep the reported user's records until then (when the operator configured preservation).</summary>
    [JsonPropertyName("preserve_until")]
    public DateTimeOffset? PreserveUntil { get; init; }

    /// <summary>For failed reports: what went wrong.</summary>
    [JsonPropertyName("error")]
    public string? Error { get; init; }

    /// <summary>The bank matches involved.</summary>
    [JsonPropertyName("matches")]
    public required IReadOnlyList<ActionWebhookMatch> Matches { get; init; }

    /// <summary>The query's signals by type name; never media.</summary>
    [JsonPropertyName("signals")]
    public required IReadOnlyDictionary<string, string> Signals { get; init; }

    /// <summary>The body for <paramref name="actionEvent"/> sent by <paramref name="rule"/>.</summary>
    public static ActionWebhookBody From(ActionEvent actionEvent, string rule, string eventId)
    {
        ArgumentNullException.ThrowIfNull(actionEvent);
        var matches = new ActionWebhookMatch[actionEvent.Matches.Count];
        for (int i = 0; i < matches.Length; i++)
        {
            var match = actionEvent.Matches[i];
            matches[i] = new ActionWebhookMatch(match.Bank, match.ContentId, match.Distance, match.Labels, match.Classification);
        }
        return new ActionWebhookBody
        {
            EventId = eventId,
            Rule = rule,
            Trigger = ActionRuleSet.TriggerName(actionEvent.Trigger),
            OccurredAt = actionEvent.OccurredAt,
            Source = actionEvent.Source,
            Subject = actionEvent.Subject,
            CaseId = actionEvent.CaseId,
            ItemId = actionEvent.ItemId,
            Verdict = actionEvent.Verdict,
            Classification = actionEvent.Classification,
            ReportId = actionEvent.ReportId,
            PreserveUntil = actionEvent.PreserveUntil,
            Error = actionEvent.Error,
            Matches = matches,
            Signals = actionEvent.Signals,
        };
    }
}

/// <summary>One bank match in a webhook body.</summary>
/// <param name="Bank">The bank's name.</param>
/// <param name="ContentId">The bank entry's content id.</param>
/// <param name="Distance">The distance (0 for exact signals).</param>
/// <param name="Labels">The bank's labels.</param>
/// <param name="Classification">The entry's classification, or null.</param>
public sealed record ActionWebhookMatch(
    [property: JsonPropertyName("bank")] string Bank,
    [property: JsonPropertyName("content_id")] long ContentId,
    [property: JsonPropertyName("distance")] int Distance,
    [property: JsonPropertyName("labels")] IReadOnlyList<string> Labels,
    [property: JsonPropertyName("classification")] string? Classification);

/// <summary>The webhook body's source-generated JSON (receivers written in .NET can read bodies with it too).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ActionWebhookBody))]
public sealed partial class ActionWebhookJsonContext : JsonSerializerContext;
