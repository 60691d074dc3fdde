using System.Text.Json.Serialization;

namespace Vigil.Review.Actions;

/// <summary>The rules file as written (docs/actions.md): <c>{"rules": [...]}</c>.</summary>
internal sealed record ActionRulesFile
{
    [JsonPropertyName("rules")]
    public List<ActionRuleJson?>? Rules { get; init; }
}

/// <summary>One rule as written.</summary>
internal sealed record ActionRuleJson
{
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    [JsonPropertyName("when")]
    public string? When { get; init; }

    [JsonPropertyName("verdict")]
    public string? Verdict { get; init; }

    [JsonPropertyName("if")]
    public ActionConditionsJson? If { get; init; }

    [JsonPropertyName("then")]
    public ActionThenJson? Then { get; init; }
}

/// <summary>A rule's conditions as written; a list left out is no condition.</summary>
internal sealed record ActionConditionsJson
{
    [JsonPropertyName("must_have_labels")]
    public List<string?>? MustHaveLabels { get; init; }

    [JsonPropertyName("must_not_have_labels")]
    public List<string?>? MustNotHaveLabels { get; init; }

    [JsonPropertyName("classification")]
    public List<string?>? Classification { get; init; }

    [JsonPropertyName("source")]
    public List<string?>? Source { get; init; }
}

/// <summary>What a rule does.</summary>
internal sealed record ActionThenJson
{
    [JsonPropertyName("webhook")]
    public WebhookJson? Webhook { get; init; }
}

/// <summary>A webhook target as written: the secret is named (a file or a variable), never given.</summary>
internal sealed record WebhookJson
{
    [JsonPropertyName("url")]
    public string? Url { get; init; }

    [JsonPropertyName("secret_file")]
    public string? SecretFile { get; init; }

    [JsonPropertyName("secret_env")]
    public string? SecretEnv { get; init; }
}

/// <summary>The rules file's and the webhook body's source-generated JSON: unknown fields are errors.</summary>
[JsonSourceGenerationOptions(UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true)]
[JsonSerializable(typeof(ActionRulesFile))]
internal sealed partial class ActionRulesJsonContext : JsonSerializerContext;
