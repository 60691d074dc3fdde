namespace Vigil.Storage;

/// <summary>
/// Where a store keeps the latest snapshot of the matching index built over it, so that a process
/// that starts (a new replica, a CLI run) loads it and replays the changes since, instead of reading
/// every signal. The bytes are opaque here (the index writes and reads them); each snapshot is tagged
/// with the change sequence number it reflects, and only the latest is kept.
/// </summary>
/// <remarks>
/// The SQLite store keeps the snapshot as a file next to the database (<c>vigil.db.pdq-index</c>),
/// which is as fast as a snapshot can be; the PostgreSQL store keeps it in the database itself
/// (<c>index_snapshots</c>, in 8 MB rows), so that a replica on a brand-new machine can start from
/// it. Both record the snapshot's number in <c>index_snapshots</c>. Implementations are safe to use
/// from several threads and processes at once.
/// </remarks>
public interface IIndexSnapshotStore
{
    /// <summary>Where the snapshot lives (a file, a table of a database), for messages.</summary>
    string Location { get; }

    /// <summary>
    /// The change sequence number of the stored snapshot, or null when there is none (or its number
    /// is unknown: a snapshot file written before the number was recorded). Cheap: the bytes are not read.
    /// </summary>
    Task<long?> GetSeqAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads the stored snapshot: calls <paramref name="read"/> with a stream of its bytes (streamed,
    /// never held in memory whole). Returns false, without calling it, when there is no snapshot.
    /// Exceptions from <paramref name="read"/> (a damaged snapshot) propagate.
    /// </summary>
    /// <param name="read">Reads the snapshot from the stream it is given (synchronously).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<bool> TryLoadAsync(Action<Stream> read, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores a snapshot reflecting change <paramref name="seq"/>, written by <paramref name="write"/>
    /// to the stream it is given, in place of the stored one, atomically: readers see the old snapshot
    /// or the new one, never a part. Nothing is stored, and false is returned, when the stored snapshot
    /// is at <paramref name="seq"/> or newer (an older snapshot never replaces a newer one) or when
    /// another process is storing one at this moment (PostgreSQL: one replica at a time).
    /// </summary>
    /// <param name="seq">The change sequence number the snapshot reflects.</param>
    /// <param name="write">Writes the snapshot to the stream it is given (synchronously).</param>
    /// <param name="cancellationToken">Cancels the write (nothing is stored).</param>
    Task<bool> TrySaveAsync(long seq, Action<Stream> write, CancellationToken cancellationToken = default);

    /// <summary>Removes the stored snapshot, if any (it is damaged, or the store is too small to need one).</summary>
    Task DeleteAsync(CancellationToken cancellationToken = default);
}
