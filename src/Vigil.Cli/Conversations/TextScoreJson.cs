using System.Text.Json.Serialization;

namespace Vigil.Cli.Conversations;

/// <summary>One conversation in <c>vigil text score -f json</c>: a line of JSON.</summary>
internal sealed record ConversationScoreJson(
    [property: JsonPropertyName("conversation")] string Conversation,
    [property: JsonPropertyName("score")] double Score,
    [property: JsonPropertyName("threshold")] double Threshold,
    [property: JsonPropertyName("past_threshold")] bool PastThreshold,
    [property: JsonPropertyName("rules_version")] string RulesVersion,
    [property: JsonPropertyName("messages")] int Messages,
    [property: JsonPropertyName("signals")] List<SignalJson> Signals,
    [property: JsonPropertyName("raised_by")] List<RaisingMessageJson> RaisedBy);

/// <summary>A signal of a conversation.</summary>
internal sealed record SignalJson(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("weight")] double Weight,
    [property: JsonPropertyName("count")] int Count,
    [property: JsonPropertyName("contribution")] double Contribution,
    [property: JsonPropertyName("first_message")] int FirstMessage);

/// <summary>A message that raised the score, with its text.</summary>
internal sealed record RaisingMessageJson(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("time")] DateTimeOffset Time,
    [property: JsonPropertyName("sender")] string Sender,
    [property: JsonPropertyName("recipient")] string Recipient,
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("signals")] IReadOnlyList<string> Signals,
    [property: JsonPropertyName("score_after")] double ScoreAfter);

[JsonSerializable(typeof(ConversationScoreJson))]
internal sealed partial class TextScoreJsonContext : JsonSerializerContext;
