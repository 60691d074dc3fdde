using System.Text.Json.Serialization;
using Vigil.Storage;

namespace Vigil.Cli.Exchanges;

/// <summary>One piece of queued exchange feedback as <c>vigil exchange feedback --format json</c> prints it.</summary>
internal sealed record ExchangeFeedbackJson(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("exchange")] string Exchange,
    [property: JsonPropertyName("entry_id")] string EntryId,
    [property: JsonPropertyName("content_id")] long ContentId,
    [property: JsonPropertyName("opinion")] string Opinion,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("attempts")] int Attempts,
    [property: JsonPropertyName("next_attempt_at")] DateTimeOffset? NextAttemptAt,
    [property: JsonPropertyName("last_error")] string? LastError,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("sent_at")] DateTimeOffset? SentAt)
{
    public static ExchangeFeedbackJson From(ExchangeFeedbackItem f) => new(f.Id, f.Exchange, f.EntryId, f.ContentId, ExchangeNames.Name(f.Opinion),
        ExchangeNames.Name(f.Status), f.Attempts, f.Status == ExchangeFeedbackStatus.Pending ? f.NextAttemptAt : null, f.LastError, f.CreatedAt, f.SentAt);
}

[JsonSourceGenerationOptions(WriteIndented = false)]
[JsonSerializable(typeof(List<ExchangeFeedbackJson>))]
internal sealed partial class ExchangeFeedbackJsonContext : JsonSerializerContext;
