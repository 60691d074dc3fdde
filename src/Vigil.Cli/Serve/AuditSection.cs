using System.Text.Json.Serialization;

namespace Vigil.Cli.Serve;

/// <summary>The <c>audit</c> section: signed checkpoints of the audit log's head (docs/audit.md).</summary>
internal sealed record AuditSection
{
    /// <summary>Append signed checkpoints to this file (<c>--audit-checkpoints</c>, <c>$VIGIL_AUDIT_CHECKPOINTS</c>); null: off.</summary>
    [JsonPropertyName("checkpoints")]
    public string? Checkpoints { get; init; }

    /// <summary>The signing key file, made on first use (<c>--audit-key</c>, <c>$VIGIL_AUDIT_KEY</c>); default audit-signing.key beside the checkpoints.</summary>
    [JsonPropertyName("key")]
    public string? Key { get; init; }

    /// <summary>Longest time between a new entry and its checkpoint (<c>--audit-checkpoint-interval</c>, <c>$VIGIL_AUDIT_CHECKPOINT_INTERVAL</c>).</summary>
    [JsonPropertyName("checkpoint_interval_seconds")]
    public int? CheckpointIntervalSeconds { get; init; }
}
