using System.Text.Json.Serialization;

namespace Vigil.Server;

/// <summary>
/// The body of <c>POST /c/banks</c> and <c>PUT /c/bank/NAME</c>: HMA's <c>name</c>,
/// <c>enabled_ratio</c> (its older generation also took <c>enabled</c>), and
/// <c>matching_enabled_ratio</c>, the name <c>GET /c/bank/NAME</c> answers with, so what a client
/// read it can send back.
/// </summary>
internal sealed record BankBody
{
    /// <summary>The bank's name (required to create; on update it must be the bank's own).</summary>
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    /// <summary>HMA's older on/off switch: true is ratio 1.0, false disables.</summary>
    [JsonPropertyName("enabled")]
    public bool? Enabled { get; init; }

    /// <summary>The fraction of lookups (0..1) the bank's matches are answered in.</summary>
    [JsonPropertyName("enabled_ratio")]
    public double? EnabledRatio { get; init; }

    /// <summary>The same fraction under the name GET answers with.</summary>
    [JsonPropertyName("matching_enabled_ratio")]
    public double? MatchingEnabledRatio { get; init; }
}
