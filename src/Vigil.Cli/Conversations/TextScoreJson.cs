using System.Text.Json.Serialization;

namespace Vigil.Cli.Conversations;

/// <summary>One conversation in <c>vigil text score -f json</c>: a line of JSON; with <c>--open-cases</c>, its review item when it has one (as <c>POST /v1/conversations/ID/messages</c> answers).</summary>
internal sealed record ConversationScoreJson(
    [property: JsonPropertyName("conversation")] string Conversation,
    [property: JsonPropertyName("score")] double Score,
    [property: JsonPropertyName("threshold")] double Threshold,
    [property: JsonPropertyName("past_threshold")] bool PastThreshold,
    [property: JsonPropertyName("rules_version")] string RulesVersion,
    [property: JsonPropertyName("messages")] int Messages,
    [property: JsonPropertyName("signals")] List<SignalJson> Signals,
    [property: JsonPropertyName("raised_by")] List<RaisingMessageJson> RaisedBy,
    [property: JsonPropertyName("case_id"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? CaseId = null,
    [property: JsonPropertyName("item_id"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? ItemId = null,
    [property: JsonPropertyName("new_case"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? NewCase = null);

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
