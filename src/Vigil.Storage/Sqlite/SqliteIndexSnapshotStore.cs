using Microsoft.Data.Sqlite;

namespace Vigil.Storage.Sqlite;

/// <summary>
/// The SQLite store's index snapshot: a file next to the database (<c>vigil.db.pdq-index</c>), read
/// and written at disk speed, whose change sequence number the database records in
/// <c>index_snapshots</c> (one row) so that an older snapshot never replaces a newer one.
/// </summary>
/// <remarks>
/// A new snapshot is written to a temporary file of its own (unique per writer), then, inside a
/// write transaction (which SQLite runs one at a time across processes), renamed over the old one
/// and recorded, unless a newer one was recorded meanwhile. A crash between the rename and the
/// commit leaves a file newer than its record: harmless, the file's own tag is what loading trusts.
/// </remarks>
internal sealed class SqliteIndexSnapshotStore(SqliteVigilStore store) : IIndexSnapshotStore
{
    /// <summary>Where the snapshot of the database at <paramref name="databasePath"/> lives.</summary>
    public static string PathFor(string databasePath) => databasePath + ".pdq-index";

    /// <inheritdoc/>
    public string Location => PathFor(store.Location);

    /// <inheritdoc/>
    public async Task<long?> GetSeqAsync(CancellationToken cancellationToken = default)
    {
        if (!File.Exists(Location))
            return null;
        await using var connection = await store.OpenConnectionAsync(cancellationToken);
        return RecordedSeq(connection, null);
    }

    /// <inheritdoc/>
    public Task<bool> TryLoadAsync(Action<Stream> read, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(read);
        FileStream file;
        try
        {
            file = new FileStream(Location, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 20);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult(false);
        }
        using (file)
            read(file);
        return Task.FromResult(true);
    }

    /// <inheritdoc/>
    public async Task<bool> TrySaveAsync(long seq, Action<Stream> write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        if (await GetSeqAsync(cancellationToken) >= seq)
            return false;
        string temporary = $"{Location}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            long size;
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                write(file);
                file.Flush(flushToDisk: true);
                size = file.Length;
            }
            cancellationToken.ThrowIfCancellationRequested();

            await using var connection = await store.OpenConnectionAsync(cancellationToken);
            using var transaction = connection.BeginTransaction(); // BEGIN IMMEDIATE: savers queue here
            if (File.Exists(Location) && RecordedSeq(connection, transaction) >= seq)
                return false;
            File.Move(temporary, Location, overwrite: true);
            using (var record = connection.CreateCommand())
            {
                record.Transaction = transaction;
                record.CommandText = """
                    DELETE FROM index_snapshots;
                    INSERT INTO index_snapshots (seq, created_at, size_bytes) VALUES ($seq, $at, $size);
                    """;
                record.Parameters.AddWithValue("$seq", seq);
                record.Parameters.AddWithValue("$at", UnixMicros.Now());
                record.Parameters.AddWithValue("$size", size);
                record.ExecuteNonQuery();
            }
            transaction.Commit();
            return true;
        }
        finally
        {
            TryDeleteFile(temporary);
        }
    }

    /// <inheritdoc/>
    public async Task DeleteAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await store.OpenConnectionAsync(cancellationToken);
        using var transaction = connection.BeginTransaction();
        File.Delete(Location);
        using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = "DELETE FROM index_snapshots";
            command.ExecuteNonQuery();
        }
        transaction.Commit();
    }

    private static long? RecordedSeq(SqliteConnection connection, SqliteTransaction? transaction)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT MAX(seq) FROM index_snapshots";
        return command.ExecuteScalar() is long seq ? seq : null;
    }

    private static void TryDeleteFile(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover temporary file is only disk space; the next save uses another name.
        }
    }
}
