using System.Text.Json.Serialization;

namespace Vigil.Cli.Serve;

/// <summary>
/// <c>vigil serve --config FILE</c>: every serve setting, in sections (later settings get sections
/// of their own). In the file a key left out is not set; what <c>--print-config</c> prints has
/// every setting in effect. Unknown keys are an error that names them.
/// </summary>
internal sealed record ServeConfig
{
    /// <summary>Which store to serve.</summary>
    [JsonPropertyName("store")]
    public StoreSection? Store { get; init; }

    /// <summary>How the service listens and what it accepts.</summary>
    [JsonPropertyName("server")]
    public ServerSection? Server { get; init; }

    /// <summary>Whether and where <c>GET /metrics</c> is served.</summary>
    [JsonPropertyName("metrics")]
    public MetricsSection? Metrics { get; init; }

    /// <summary>Signed checkpoints of the audit log.</summary>
    [JsonPropertyName("audit")]
    public AuditSection? Audit { get; init; }

    /// <summary>Review: the banks decisions feed, four-eyes, the evidence vault, wellness limits, retention.</summary>
    [JsonPropertyName("review")]
    public ReviewSection? Review { get; init; }

    /// <summary>CyberTipline reporting: the reporter, the environment, the user and password file (taken as a whole from the highest layer that has it).</summary>
    [JsonPropertyName("reporting")]
    public ReportingSection? Reporting { get; init; }
    /// <summary>Action rules and the webhook allow-list.</summary>
    [JsonPropertyName("actions")]
    public ActionsSection? Actions { get; init; }
}
