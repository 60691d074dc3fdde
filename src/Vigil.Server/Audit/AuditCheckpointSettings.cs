namespace Vigil.Server.Audit;

/// <summary>Where the service writes signed checkpoints of the audit log's head, with what key, how often.</summary>
/// <param name="File">The checkpoint file: one JSON line per checkpoint, appended and flushed to disk.</param>
/// <param name="KeyFile">The Ed25519 signing key (32 bytes, mode 0600), made on first use; keep it off the database's disk if you can.</param>
public sealed record AuditCheckpointSettings(string File, string KeyFile)
{
    /// <summary>At most this long between a new entry and the checkpoint that covers it (default one minute; zero: after every batch).</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromMinutes(1);
}
