using System.Text.Json.Serialization;

namespace Vigil.Conversations;

/// <summary>
/// One message as a line of JSON Lines (the format of <c>vigil text score</c> and of the labelled corpus): the
/// conversation's id, the message, optional facts about the parties, and in a labelled corpus the conversation's label.
/// </summary>
internal sealed record ConversationLine(
    [property: JsonPropertyName("conversation")] string? Conversation,
    [property: JsonPropertyName("sender")] string? Sender,
    [property: JsonPropertyName("recipient")] string? Recipient,
    [property: JsonPropertyName("time")] DateTimeOffset? Time,
    [property: JsonPropertyName("text")] string? Text,
    [property: JsonPropertyName("sender_is_minor")] bool? SenderIsMinor = null,
    [property: JsonPropertyName("recipient_is_minor")] bool? RecipientIsMinor = null,
    [property: JsonPropertyName("sender_age")] int? SenderAge = null,
    [property: JsonPropertyName("recipient_age")] int? RecipientAge = null,
    [property: JsonPropertyName("label")] string? Label = null);

[JsonSerializable(typeof(ConversationLine))]
internal sealed partial class ConversationLineJson : JsonSerializerContext;
