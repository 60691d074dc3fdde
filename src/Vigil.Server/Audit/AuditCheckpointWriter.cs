using System.Text;
using Microsoft.Extensions.Logging;
using Vigil.Storage;

namespace Vigil.Server.Audit;

/// <summary>
/// Appends signed checkpoints of the audit log's head to the operator's file, and names each in the
/// service log, which usually leaves the machine: a second place a rewrite must reach.
/// </summary>
public sealed class AuditCheckpointWriter
{
    private readonly AuditCheckpointSettings _settings;
    private readonly AuditSigningKey _key;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private long _checkpointedSeq = -1;
    private long _lastAttemptTimestamp;
    private bool _lastAttemptFailed;

    /// <summary>After a failed write, the next attempt waits at least this long (however short the interval), so a bad file is not retried in a loop.</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);

    /// <summary>Loads (or makes) the signing key; fails at start-up, not at the first checkpoint, when it cannot.</summary>
    public AuditCheckpointWriter(AuditCheckpointSettings settings, TimeProvider time, ILogger<AuditCheckpointWriter> logger)
    {
        _settings = settings;
        _time = time;
        _logger = logger;
        _key = AuditSigningKey.LoadOrCreateAsync(settings.KeyFile).GetAwaiter().GetResult();
        if (_key.Created)
            logger.LogWarning("made a new audit signing key {KeyFile}; pin its public key {PublicKey} for 'vigil audit verify --key'", settings.KeyFile, PublicKeyHex);
        _lastAttemptTimestamp = time.GetTimestamp();
    }

    /// <summary>The public key, lowercase hex.</summary>
    public string PublicKeyHex => Convert.ToHexStringLower(_key.PublicKey);

    /// <summary>How long until a checkpoint of a new head is due (zero or less: now); after a failure, not before <see cref="RetryDelay"/>.</summary>
    public TimeSpan DueIn =>
        (_lastAttemptFailed && _settings.Interval < RetryDelay ? RetryDelay : _settings.Interval) - _time.GetElapsedTime(_lastAttemptTimestamp);

    /// <summary>Writes a checkpoint of <paramref name="head"/> when it is new and one is due.</summary>
    public void WriteIfDue(AuditEntry? head)
    {
        if (IsNew(head) && DueIn <= TimeSpan.Zero)
            Write(head!);
    }

    /// <summary>Whether <paramref name="head"/> is past the last checkpoint.</summary>
    public bool IsNew(AuditEntry? head) => head is not null && head.Seq != _checkpointedSeq;

    /// <summary>Signs and appends a checkpoint of <paramref name="head"/> unless it is the last one written. Never throws: a failure is logged.</summary>
    public void Write(AuditEntry head)
    {
        if (!IsNew(head))
            return;
        try
        {
            var checkpoint = AuditCheckpoint.Sign(head, _key, _time.GetUtcNow());
            using (var file = new FileStream(_settings.File, FileMode.Append, FileAccess.Write, FileShare.Read))
            {
                file.Write(Encoding.UTF8.GetBytes(checkpoint.ToJsonLine() + "\n"));
                file.Flush(flushToDisk: true);
            }
            _checkpointedSeq = head.Seq;
            _lastAttemptFailed = false;
            _logger.LogInformation("audit checkpoint: entry {Seq} head {Head} signed by {PublicKey}", head.Seq, head.Hash, PublicKeyHex);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.LogError(e, "could not write the audit checkpoint of entry {Seq} to {File}", head.Seq, _settings.File);
            _lastAttemptFailed = true;
        }
        finally
        {
            _lastAttemptTimestamp = _time.GetTimestamp();
        }
    }
}
