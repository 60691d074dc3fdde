using System.Text.Json.Serialization;

namespace Vigil.Conversations;

/// <summary>The rule file as written (every field optional here, so that a missing one is reported by name).</summary>
internal sealed record RiskRulesFile(
    [property: JsonPropertyName("version")] string? Version,
    [property: JsonPropertyName("threshold")] double? Threshold,
    [property: JsonPropertyName("repeat_bonus")] double? RepeatBonus,
    [property: JsonPropertyName("max_repeats")] int? MaxRepeats,
    [property: JsonPropertyName("age_gap")] AgeGapRuleFile? AgeGap,
    [property: JsonPropertyName("rules")] List<RiskRuleFile?>? Rules);

/// <summary>One rule as written.</summary>
internal sealed record RiskRuleFile(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("description")] string? Description,
    [property: JsonPropertyName("weight")] double? Weight,
    [property: JsonPropertyName("direction")] string? Direction,
    [property: JsonPropertyName("patterns")] List<string?>? Patterns);

/// <summary>The age-gap rule's parameters as written.</summary>
internal sealed record AgeGapRuleFile(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("description")] string? Description,
    [property: JsonPropertyName("weight")] double? Weight,
    [property: JsonPropertyName("min_years")] int? MinYears);

[JsonSourceGenerationOptions(ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(RiskRulesFile))]
internal sealed partial class RiskRulesJson : JsonSerializerContext;
