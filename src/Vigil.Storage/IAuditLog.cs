namespace Vigil.Storage;

/// <summary>The append-only, hash-chained audit log.</summary>
/// <remarks>Part of <see cref="IVigilStore"/>; an implementation is safe to use from several threads at once.</remarks>
public interface IAuditLog
{
    /// <summary>
    /// Appends an entry to the audit log and returns it. The sequence number, time, previous hash
    /// and hash are computed inside one write transaction that holds the log's lock, so concurrent
    /// appenders (in any process) extend one chain, never fork it. There is no way to change or
    /// remove an entry: the database itself rejects UPDATE and DELETE on the log.
    /// </summary>
    /// <param name="actor">Who acted (an API key's name, <c>cli</c>): 1 to 200 characters.</param>
    /// <param name="action">What was done (<c>bank.create</c>, <c>lookup</c>): 1 to 200 characters.</param>
    /// <param name="subject">What it was done to (a bank, a content id, a hash); may be empty; at most 1,000 characters.</param>
    /// <param name="detailJson">A JSON document with more details (a lookup's outcome), or null.</param>
    /// <param name="cancellationToken">Cancels the append (nothing is written).</param>
    /// <exception cref="ArgumentException">A field breaks the rules of <see cref="AuditChain.ValidateFields(string, string, string, string?)"/>.</exception>
    Task<AuditEntry> AppendAuditAsync(string actor, string action, string subject, string? detailJson,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends several entries in order in one transaction (each chained to the one before, as
    /// <see cref="AppendAuditAsync(string, string, string, string?, CancellationToken)"/> does) and
    /// returns them: busy services write their audit trail in batches. All or none are written.
    /// </summary>
    /// <exception cref="ArgumentException">A record breaks the rules of <see cref="AuditChain.ValidateFields(string, string, string, string?)"/> (nothing is written).</exception>
    Task<IReadOnlyList<AuditEntry>> AppendAuditAsync(IReadOnlyList<AuditRecord> records, CancellationToken cancellationToken = default);

    /// <summary>Every audit entry with a sequence number above <paramref name="afterSeq"/>, in order, as stored (check them with <see cref="AuditChain"/>).</summary>
    IAsyncEnumerable<AuditEntry> ReadAuditAsync(long afterSeq = 0, CancellationToken cancellationToken = default);
}
