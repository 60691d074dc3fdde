using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Vigil.Storage.Sqlite;

namespace Vigil.Storage;

/// <summary>
/// One entry of the append-only audit log: who (<paramref name="Actor"/>) did what
/// (<paramref name="Action"/>) to what (<paramref name="Subject"/>) and when, with optional details,
/// chained to the entry before it by SHA-256 (see <see cref="AuditChain"/>).
/// </summary>
/// <param name="Seq">The entry's number: 1 for the first, each next one more, with no gaps.</param>
/// <param name="At">When the entry was appended, in UTC to the microsecond.</param>
/// <param name="Actor">Who acted: an API key's name, <c>cli</c>, ...</param>
/// <param name="Action">What was done: <c>bank.create</c>, <c>lookup</c>, ...</param>
/// <param name="Subject">What it was done to: a bank name, a content id, a hash; may be empty.</param>
/// <param name="DetailJson">A JSON document with anything more (a lookup's outcome, the changed fields), or null.</param>
/// <param name="PreviousHash">The previous entry's <paramref name="Hash"/>, or <see cref="AuditChain.GenesisHash"/> for the first entry.</param>
/// <param name="Hash">Lowercase hex SHA-256 of the entry's canonical encoding (see <see cref="AuditChain.ComputeHash(AuditEntry)"/>).</param>
public sealed record AuditEntry(long Seq, DateTimeOffset At, string Actor, string Action, string Subject, string? DetailJson,
    string PreviousHash, string Hash);

/// <summary>An audit entry to append: who did what to what, and optional JSON details.</summary>
/// <param name="Actor">Who acted (an API key's name, <c>cli</c>).</param>
/// <param name="Action">What was done (<c>GET /m/lookup</c>, <c>bank.create</c>).</param>
/// <param name="Subject">What it was done to (a path, a bank, a content id).</param>
/// <param name="DetailJson">A JSON document with more details, or null.</param>
public sealed record AuditRecord(string Actor, string Action, string Subject, string? DetailJson);

/// <summary>Where and why an audit chain is broken.</summary>
/// <param name="Seq">The sequence number of the first entry that does not fit the chain (for a gap or reordering, the entry found where another was expected).</param>
/// <param name="Reason">What is wrong with it, for people.</param>
public sealed record AuditChainBreak(long Seq, string Reason);

/// <summary>The outcome of checking a whole audit chain.</summary>
/// <param name="Count">How many entries were read (up to and including the broken one).</param>
/// <param name="HeadHash">The hash of the last entry read (<see cref="AuditChain.GenesisHash"/> for an empty log).</param>
/// <param name="Break">The first break, or null when the chain is intact.</param>
public sealed record AuditVerification(long Count, string HeadHash, AuditChainBreak? Break)
{
    /// <summary>True when no entry breaks the chain.</summary>
    public bool IsIntact => Break is null;
}

/// <summary>
/// The audit log's hash chain: how an entry's hash is computed and how a sequence of entries is checked.
/// </summary>
/// <remarks>
/// <para>An entry's hash is the lowercase hex SHA-256 of this byte string (all integers big-endian):</para>
/// <list type="number">
/// <item>the domain tag: the 4-byte length 14, then the ASCII bytes <c>vigil-audit-v1</c>;</item>
/// <item><see cref="AuditEntry.Seq"/> as an 8-byte signed integer;</item>
/// <item><see cref="AuditEntry.At"/> as microseconds since 1970-01-01T00:00:00Z, an 8-byte signed integer;</item>
/// <item><see cref="AuditEntry.Actor"/>, <see cref="AuditEntry.Action"/> and <see cref="AuditEntry.Subject"/>,
/// each as a 4-byte length followed by that many bytes of UTF-8;</item>
/// <item><see cref="AuditEntry.DetailJson"/> as one byte, 0 for null (nothing follows) or 1 followed by
/// its 4-byte length and UTF-8 bytes (so null and the empty string differ);</item>
/// <item><see cref="AuditEntry.PreviousHash"/> as a 4-byte length and its ASCII bytes.</item>
/// </list>
/// <para>Every variable field carries its length, so no two different entries encode to the same bytes
/// (no shifting of text between adjacent fields). The first entry's previous hash is
/// <see cref="GenesisHash"/> (64 zeros); each later entry's is its predecessor's hash.</para>
/// <para>The chain shows any change to, removal of, insertion into or reordering of the entries it
/// holds; it cannot by itself show that entries were cut off the end. Compare the head hash (printed
/// by <c>vigil audit verify</c>) with one recorded elsewhere to detect that.</para>
/// </remarks>
public static class AuditChain
{
    /// <summary>The previous hash of the first entry: 64 zeros.</summary>
    public static readonly string GenesisHash = new('0', 64);

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static readonly byte[] DomainTag = Encoding.ASCII.GetBytes("vigil-audit-v1");

    /// <summary>The hash an entry with these fields must have (its own <see cref="AuditEntry.Hash"/> is ignored).</summary>
    public static string ComputeHash(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return ComputeHash(entry.Seq, entry.At, entry.Actor, entry.Action, entry.Subject, entry.DetailJson, entry.PreviousHash);
    }

    /// <summary>The hash of an entry with these fields, by the encoding described on <see cref="AuditChain"/>.</summary>
    public static string ComputeHash(long seq, DateTimeOffset at, string actor, string action, string subject, string? detailJson,
        string previousHash)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(previousHash);
        using var buffer = new MemoryStream();
        WriteBytes(buffer, DomainTag);
        WriteInt64(buffer, seq);
        WriteInt64(buffer, UnixMicros.From(at));
        WriteString(buffer, actor);
        WriteString(buffer, action);
        WriteString(buffer, subject);
        if (detailJson is null)
        {
            buffer.WriteByte(0);
        }
        else
        {
            buffer.WriteByte(1);
            WriteString(buffer, detailJson);
        }
        WriteString(buffer, previousHash);
        return Convert.ToHexStringLower(SHA256.HashData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)));
    }

    /// <summary>
    /// The entry that comes after <paramref name="previous"/> (null for the first entry), with its
    /// sequence number, previous hash and hash filled in. The time is cut to whole microseconds and
    /// never goes back before the previous entry's.
    /// </summary>
    public static AuditEntry Next(AuditEntry? previous, DateTimeOffset at, string actor, string action, string subject, string? detailJson)
    {
        ValidateFields(actor, action, subject, detailJson);
        long seq = (previous?.Seq ?? 0) + 1;
        var time = UnixMicros.ToTime(UnixMicros.From(at));
        if (previous is not null && time < previous.At)
            time = previous.At;
        string previousHash = previous?.Hash ?? GenesisHash;
        return new AuditEntry(seq, time, actor, action, subject, detailJson, previousHash,
            ComputeHash(seq, time, actor, action, subject, detailJson, previousHash));
    }

    /// <summary>Checks every record's fields (see the single form) before any is appended.</summary>
    /// <exception cref="ArgumentException">A record breaks the rules.</exception>
    public static void ValidateFields(IReadOnlyList<AuditRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        foreach (var record in records)
            ValidateFields(record.Actor, record.Action, record.Subject, record.DetailJson);
    }

    /// <summary>
    /// Checks an entry's fields before it is appended: actor and action 1 to 200 characters, subject
    /// at most 1,000, details well-formed JSON, all valid Unicode.
    /// </summary>
    /// <exception cref="ArgumentException">A field breaks those rules.</exception>
    public static void ValidateFields(string actor, string action, string subject, string? detailJson)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(subject);
        if (actor.Length is 0 or > 200)
            throw new ArgumentException("an audit entry's actor must be 1 to 200 characters", nameof(actor));
        if (action.Length is 0 or > 200)
            throw new ArgumentException("an audit entry's action must be 1 to 200 characters", nameof(action));
        if (subject.Length > 1000)
            throw new ArgumentException("an audit entry's subject must be at most 1,000 characters", nameof(subject));
        foreach (var (value, name) in new[] { (actor, nameof(actor)), (action, nameof(action)), (subject, nameof(subject)), (detailJson ?? "", nameof(detailJson)) })
        {
            try
            {
                StrictUtf8.GetByteCount(value);
            }
            catch (EncoderFallbackException ex)
            {
                throw new ArgumentException($"an audit entry's {name} is not valid Unicode (a lone surrogate)", name, ex);
            }
        }
        if (detailJson is null)
            return;
        try
        {
            using var _ = JsonDocument.Parse(detailJson);
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"an audit entry's details must be JSON: {ex.Message}", nameof(detailJson), ex);
        }
    }

    /// <summary>
    /// Checks a whole log, read from its first entry in order: the sequence number of the first
    /// entry whose hash does not match its fields, whose previous hash is not its predecessor's hash,
    /// or whose number is not the one expected (a gap, a duplicate or a reordering); null when every
    /// entry fits.
    /// </summary>
    public static long? Verify(IEnumerable<AuditEntry> entries) => Check(entries).Break?.Seq;

    /// <summary>Like <see cref="Verify"/>, with the reason for a break, the count and the head hash.</summary>
    public static AuditVerification Check(IEnumerable<AuditEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var state = new VerifierState();
        foreach (var entry in entries)
        {
            if (!state.Add(entry))
                break;
        }
        return state.Result;
    }

    /// <summary>Like <see cref="Check"/>, for a streamed log (stops reading at the first break).</summary>
    public static async Task<AuditVerification> CheckAsync(IAsyncEnumerable<AuditEntry> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var state = new VerifierState();
        await foreach (var entry in entries.WithCancellation(cancellationToken))
        {
            if (!state.Add(entry))
                break;
        }
        return state.Result;
    }

    private static void WriteInt64(MemoryStream buffer, long value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, value);
        buffer.Write(bytes);
    }

    private static void WriteBytes(MemoryStream buffer, ReadOnlySpan<byte> value)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, value.Length);
        buffer.Write(length);
        buffer.Write(value);
    }

    private static void WriteString(MemoryStream buffer, string value) => WriteBytes(buffer, Encoding.UTF8.GetBytes(value));

    private sealed class VerifierState
    {
        private long _count;
        private long _lastSeq;
        private string _head = GenesisHash;
        private AuditChainBreak? _break;

        public AuditVerification Result => new(_count, _head, _break);

        /// <summary>Takes the next entry; false (and the break recorded) when it does not fit.</summary>
        public bool Add(AuditEntry entry)
        {
            ArgumentNullException.ThrowIfNull(entry);
            _count++;
            long expected = _lastSeq + 1;
            if (entry.Seq != expected)
            {
                string reason = entry.Seq > expected
                    ? $"entry {expected} is missing (found entry {entry.Seq} after {(_lastSeq == 0 ? "the start" : $"entry {_lastSeq}")})"
                    : $"out of order (found after entry {_lastSeq}; expected entry {expected})";
                return Broken(entry, reason);
            }
            if (!string.Equals(entry.PreviousHash, _head, StringComparison.Ordinal))
                return Broken(entry, $"its previous hash {entry.PreviousHash} is not the hash of {(_lastSeq == 0 ? "the chain's start" : $"entry {_lastSeq}")} ({_head})");
            string actual = ComputeHash(entry);
            if (!string.Equals(entry.Hash, actual, StringComparison.Ordinal))
                return Broken(entry, $"its contents do not match its hash (stored {entry.Hash}, computed {actual})");
            _lastSeq = entry.Seq;
            _head = entry.Hash;
            return true;
        }

        private bool Broken(AuditEntry entry, string reason)
        {
            _break = new AuditChainBreak(entry.Seq, reason);
            return false;
        }
    }
}
