using System.Text.Json.Serialization;

namespace Vigil.Server;

/// <summary><c>POST /v1/conversations/ID/messages</c>: the next messages of a conversation, in the order they were sent.</summary>
internal sealed record ConversationMessagesBody
{
    /// <summary>1 to 100 messages.</summary>
    [JsonPropertyName("messages")]
    public List<ConversationMessageBody>? Messages { get; init; }
}

/// <summary>One message, with what the platform knows of its two parties (all optional).</summary>
internal sealed record ConversationMessageBody
{
    /// <summary>The sender's id on the platform.</summary>
    [JsonPropertyName("sender")]
    public string? Sender { get; init; }

    /// <summary>The recipient's id.</summary>
    [JsonPropertyName("recipient")]
    public string? Recipient { get; init; }

    /// <summary>When it was sent (ISO 8601).</summary>
    [JsonPropertyName("time")]
    public DateTimeOffset? Time { get; init; }

    /// <summary>The text.</summary>
    [JsonPropertyName("text")]
    public string? Text { get; init; }

    /// <summary>Whether the platform knows the sender to be a minor.</summary>
    [JsonPropertyName("sender_is_minor")]
    public bool? SenderIsMinor { get; init; }

    /// <summary>Whether the platform knows the recipient to be a minor.</summary>
    [JsonPropertyName("recipient_is_minor")]
    public bool? RecipientIsMinor { get; init; }

    /// <summary>The sender's declared age.</summary>
    [JsonPropertyName("sender_age")]
    public int? SenderAge { get; init; }

    /// <summary>The recipient's declared age.</summary>
    [JsonPropertyName("recipient_age")]
    public int? RecipientAge { get; init; }
}

/// <summary>The conversation's risk after the messages: its score against the rules' threshold, the signals, the messages that raised it, and the review item when one is open.</summary>
internal sealed record ConversationRiskJson(string Conversation, int Messages, double Score, double Threshold, bool PastThreshold, string RulesVersion,
    List<ConversationSignalJson> Signals, List<RaisingMessageJson> RaisedBy, long? CaseId, long? ItemId, bool NewCase);

/// <summary>One signal of the risk: its rule, weight, how often it fired and what it adds.</summary>
internal sealed record ConversationSignalJson(string Id, double Weight, int Count, double Contribution, int FirstMessage);

/// <summary>A message that raised the score: its index, time, the signals it raised and the score after it.</summary>
internal sealed record RaisingMessageJson(int Index, DateTimeOffset Time, IReadOnlyList<string> Signals, double ScoreAfter);

[JsonSourceGenerationOptions(UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow, PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(ConversationMessagesBody))]
internal sealed partial class ConversationRequestJson : JsonSerializerContext;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ConversationRiskJson))]
internal sealed partial class ConversationResponseJson : JsonSerializerContext;
