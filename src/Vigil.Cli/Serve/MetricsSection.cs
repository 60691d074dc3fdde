using System.Text.Json.Serialization;

namespace Vigil.Cli.Serve;

/// <summary>The <c>metrics</c> section: <c>--metrics</c> and <c>--metrics-urls</c>.</summary>
internal sealed record MetricsSection
{
    /// <summary>Serve <c>GET /metrics</c> beside the API (<c>--metrics</c>, <c>$VIGIL_METRICS</c>).</summary>
    [JsonPropertyName("enabled")]
    public bool? Enabled { get; init; }

    /// <summary>Serve it on these addresses only, a listener of its own (<c>--metrics-urls</c>, <c>$VIGIL_METRICS_URLS</c>).</summary>
    [JsonPropertyName("urls")]
    public string? Urls { get; init; }
}
