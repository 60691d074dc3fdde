using Vigil.Privacy.Crypto;
using Vigil.Storage;

namespace Vigil.Server.Audit;

/// <summary>
/// Checks an audit log against a checkpoint file while the log is read in order: every checkpoint
/// must be signed by the pinned key, every entry a checkpoint names must still have the hash it had,
/// and no checkpoint may name an entry past the end of the log.
/// </summary>
public sealed class AuditCheckpointCheck
{
    private readonly Dictionary<long, AuditCheckpoint> _bySeq = new();
    private readonly string? _problem;
    private string? _mismatch;
    private long _lastSeen;

    private AuditCheckpointCheck(List<AuditCheckpoint> checkpoints, string? problem, bool pinned)
    {
        _problem = problem;
        IsPinned = pinned;
        foreach (var checkpoint in checkpoints)
            _bySeq[checkpoint.Seq] = checkpoint;
        Count = checkpoints.Count;
        foreach (var checkpoint in checkpoints)
        {
            if (Latest is null || checkpoint.Seq > Latest.Seq)
                Latest = checkpoint;
        }
    }

    /// <summary>How many checkpoints the file holds.</summary>
    public int Count { get; }

    /// <summary>The checkpoint of the highest entry.</summary>
    public AuditCheckpoint? Latest { get; }

    /// <summary>Whether signatures were checked against a key given by the operator (not the one the file names).</summary>
    public bool IsPinned { get; }

    /// <summary>
    /// Reads <paramref name="path"/> and checks every signature against <paramref name="pinnedKey"/>, or,
    /// when it is null, against the key the first checkpoint names (which then proves only that the file
    /// is consistent: whoever can write it could sign with a key of their own).
    /// </summary>
    public static AuditCheckpointCheck Load(string path, byte[]? pinnedKey)
    {
        var checkpoints = new List<AuditCheckpoint>();
        byte[]? key = pinnedKey;
        int number = 0;
        foreach (string line in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
                continue;
            if (AuditCheckpoint.Parse(line, out string? error) is not { } checkpoint)
                return new AuditCheckpointCheck(checkpoints, $"{path} line {number}: {error}", pinnedKey is not null);
            if (key is null && !AuditCheckpoint.LowerHexBytes(checkpoint.Key, Ed25519.PublicKeySize, out key))
                return new AuditCheckpointCheck(checkpoints, $"{path} line {number}: the key is not a 32-byte hex Ed25519 public key", false);
            if (!checkpoint.IsSignedBy(key!))
            {
                string whose = pinnedKey is null ? "the key of the file's first checkpoint" : "the pinned key";
                return new AuditCheckpointCheck(checkpoints, $"{path} line {number}: the checkpoint of entry {checkpoint.Seq} is not signed by {whose}", pinnedKey is not null);
            }
            checkpoints.Add(checkpoint);
        }
        return new AuditCheckpointCheck(checkpoints, null, pinnedKey is not null);
    }

    /// <summary>Takes the next entry of the log, in order.</summary>
    public void Observe(AuditEntry entry)
    {
        _lastSeen = entry.Seq;
        if (_mismatch is null && _bySeq.TryGetValue(entry.Seq, out var checkpoint) && !string.Equals(checkpoint.Head, entry.Hash, StringComparison.Ordinal))
        {
            _mismatch = $"entry {entry.Seq} has hash {entry.Hash}, but the checkpoint signed at {checkpoint.At:u} says {checkpoint.Head}: " +
                        $"the log was rewritten at or before entry {entry.Seq}";
        }
    }

    /// <summary>After the whole log was read: null when it agrees with every checkpoint, else what is wrong.</summary>
    public string? Problem()
    {
        if (_problem is not null)
            return _problem;
        if (_mismatch is not null)
            return _mismatch;
        if (Latest is not null && Latest.Seq > _lastSeen)
            return $"the log ends at entry {_lastSeen}, but a checkpoint signed at {Latest.At:u} covers entry {Latest.Seq}: entries were cut off the end, or this is another log";
        return null;
    }
}
