using System.Text.Json.Serialization;
using Vigil.Storage;

namespace Vigil.Review.Actions;

/// <summary>
/// A delivery as <c>GET /v1/actions/deliveries</c> and <c>vigil actions deliveries --format json</c>
/// show it: its state and history, not its body (which <c>vigil actions deliveries</c> leaves in the store).
/// </summary>
/// <param name="Id">The delivery's id.</param>
/// <param name="Rule">The rule that wanted the event.</param>
/// <param name="Target">The webhook URL.</param>
/// <param name="Status"><c>pending</c>, <c>delivered</c> or <c>dead</c>.</param>
/// <param name="Attempts">How many times it was sent.</param>
/// <param name="NextAttemptAt">When it is next due (pending only; null otherwise).</param>
/// <param name="LastStatus">The last attempt's HTTP status, or null.</param>
/// <param name="LastError">What went wrong last, or null.</param>
/// <param name="CreatedAt">When it was recorded.</param>
/// <param name="GiveUpAt">When it is given up if not delivered.</param>
/// <param name="DeliveredAt">When the target accepted it, or null.</param>
public sealed record ActionDeliveryView(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("rule")] string Rule,
    [property: JsonPropertyName("target")] string Target,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("attempts")] int Attempts,
    [property: JsonPropertyName("next_attempt_at")] DateTimeOffset? NextAttemptAt,
    [property: JsonPropertyName("last_status")] int? LastStatus,
    [property: JsonPropertyName("last_error")] string? LastError,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("give_up_at")] DateTimeOffset GiveUpAt,
    [property: JsonPropertyName("delivered_at")] DateTimeOffset? DeliveredAt)
{
    /// <summary>The view of a stored delivery.</summary>
    public static ActionDeliveryView From(ActionDelivery delivery)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        return new(delivery.Id, delivery.RuleName, delivery.Target, StatusName(delivery.Status), delivery.Attempts,
            delivery.Status == ActionDeliveryStatus.Pending ? delivery.NextAttemptAt : null, delivery.LastStatus, delivery.LastError,
            delivery.CreatedAt, delivery.GiveUpAt, delivery.DeliveredAt);
    }

    /// <summary>A status's name: <c>pending</c>, <c>delivered</c> or <c>dead</c>.</summary>
    public static string StatusName(ActionDeliveryStatus status) => status switch
    {
        ActionDeliveryStatus.Pending => "pending",
        ActionDeliveryStatus.Delivered => "delivered",
        _ => "dead",
    };

    /// <summary>Reads a status's name.</summary>
    public static bool TryParseStatus(string? text, out ActionDeliveryStatus status)
    {
        switch (text)
        {
            case "pending": status = ActionDeliveryStatus.Pending; return true;
            case "delivered": status = ActionDeliveryStatus.Delivered; return true;
            case "dead": status = ActionDeliveryStatus.Dead; return true;
            default: status = default; return false;
        }
    }
}

/// <summary>A page of deliveries: <c>next</c> is the <c>after</c> of the next page, or null on the last.</summary>
/// <param name="Deliveries">The page, by id.</param>
/// <param name="Next">The id to pass as <c>after</c> for the next page, or null.</param>
public sealed record ActionDeliveryPage(
    [property: JsonPropertyName("deliveries")] IReadOnlyList<ActionDeliveryView> Deliveries,
    [property: JsonPropertyName("next")] long? Next);

/// <summary>The answer to a retry.</summary>
/// <param name="Id">The delivery.</param>
/// <param name="Status">Its status now (<c>pending</c>).</param>
public sealed record ActionRetryResult([property: JsonPropertyName("id")] long Id, [property: JsonPropertyName("status")] string Status);

/// <summary>The delivery views' source-generated JSON.</summary>
[JsonSourceGenerationOptions(WriteIndented = false)]
[JsonSerializable(typeof(ActionDeliveryView))]
[JsonSerializable(typeof(ActionDeliveryPage))]
[JsonSerializable(typeof(List<ActionDeliveryView>))]
[JsonSerializable(typeof(ActionRetryResult))]
public sealed partial class ActionDeliveryJsonContext : JsonSerializerContext;
