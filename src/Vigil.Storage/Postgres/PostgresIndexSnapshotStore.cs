using System.Data;
using Npgsql;
using NpgsqlTypes;

namespace Vigil.Storage.Postgres;

/// <summary>
/// The PostgreSQL store's index snapshot, kept in the database so that any replica, on any machine,
/// starts from it: a row of <c>index_snapshots</c> (its change number and size) and its bytes in
/// order in <c>index_snapshot_chunks</c>, <see cref="ChunkBytes"/> per row, streamed both ways
/// (about 63 bytes per hash: 63 MB at a million hashes, 630 MB at ten million, never held whole).
/// </summary>
/// <remarks>
/// Saving is one transaction that first tries the advisory lock
/// <see cref="PostgresMigrations.SnapshotLockKey"/> (when another replica holds it, this one skips:
/// one replica writes at a time), checks that no snapshot at the same or a later change is stored,
/// writes the new one and deletes the old: readers, whose REPEATABLE READ transaction sees one
/// snapshot row and its chunks, never see a part. The bytes are uncompressed (hashes do not
/// compress); each save writes as much WAL as the snapshot is big, and the old rows' space is
/// reclaimed by (auto)vacuum.
/// </remarks>
internal sealed class PostgresIndexSnapshotStore(NpgsqlDataSource dataSource, string location) : IIndexSnapshotStore
{
    /// <summary>Bytes per chunk row (the last one may be shorter).</summary>
    public const int ChunkBytes = 8 << 20;

    /// <inheritdoc/>
    public string Location => $"{location} (table index_snapshots)";

    /// <inheritdoc/>
    public async Task<long?> GetSeqAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT MAX(seq) FROM index_snapshots", connection);
        return await command.ExecuteScalarAsync(cancellationToken) is long seq ? seq : null;
    }

    /// <inheritdoc/>
    public async Task<bool> TryLoadAsync(Action<Stream> read, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(read);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        long id, size;
        await using (var latest = new NpgsqlCommand("SELECT id, size_bytes FROM index_snapshots ORDER BY seq DESC, id DESC LIMIT 1", connection))
        await using (var row = await latest.ExecuteReaderAsync(cancellationToken))
        {
            if (!await row.ReadAsync(cancellationToken))
                return false;
            id = row.GetInt64(0);
            size = row.GetInt64(1);
        }
        await using var command = new NpgsqlCommand("SELECT n, bytes FROM index_snapshot_chunks WHERE snapshot_id = $1 ORDER BY n", connection);
        command.Parameters.Add(PostgresRows.Param(id, NpgsqlDbType.Bigint));
        // SequentialAccess: each chunk's bytes stream from the connection instead of being buffered whole.
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken);
        using (var stream = new ChunkReadStream(reader, size, cancellationToken))
            read(stream);
        return true;
    }

    /// <inheritdoc/>
    public async Task<bool> TrySaveAsync(long seq, Action<Stream> write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var tryLock = new NpgsqlCommand($"SELECT pg_try_advisory_xact_lock({PostgresMigrations.SnapshotLockKey})", connection))
        {
            if (await tryLock.ExecuteScalarAsync(cancellationToken) is not true)
                return false;
        }
        await using (var newest = new NpgsqlCommand("SELECT MAX(seq) FROM index_snapshots", connection))
        {
            if (await newest.ExecuteScalarAsync(cancellationToken) is long stored && stored >= seq)
                return false;
        }
        long id;
        await using (var insert = new NpgsqlCommand("INSERT INTO index_snapshots (seq, created_at, size_bytes) VALUES ($1, now(), 0) RETURNING id", connection))
        {
            insert.Parameters.Add(PostgresRows.Param(seq, NpgsqlDbType.Bigint));
            id = (long)(await insert.ExecuteScalarAsync(cancellationToken))!;
        }
        long size;
        using (var stream = new ChunkWriteStream(connection, id, cancellationToken))
        {
            write(stream);
            stream.Complete();
            size = stream.Length;
        }
        await using (var finish = new NpgsqlCommand("UPDATE index_snapshots SET size_bytes = $2 WHERE id = $1", connection))
        {
            finish.Parameters.Add(PostgresRows.Param(id, NpgsqlDbType.Bigint));
            finish.Parameters.Add(PostgresRows.Param(size, NpgsqlDbType.Bigint));
            await finish.ExecuteNonQueryAsync(cancellationToken);
        }
        // The older snapshots' chunks go by ON DELETE CASCADE.
        await using (var prune = new NpgsqlCommand("DELETE FROM index_snapshots WHERE id <> $1", connection))
        {
            prune.Parameters.Add(PostgresRows.Param(id, NpgsqlDbType.Bigint));
            await prune.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <inheritdoc/>
    public async Task DeleteAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = new NpgsqlCommand($"""
            SELECT pg_advisory_xact_lock({PostgresMigrations.SnapshotLockKey});
            DELETE FROM index_snapshots;
            """, connection))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The chunks' bytes, one after another, as one read-only stream (synchronous reads of the open result).</summary>
    private sealed class ChunkReadStream(NpgsqlDataReader reader, long size, CancellationToken cancellationToken) : Stream
    {
        private Stream? _chunk;
        private int _nextChunk;
        private long _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => size;
        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (buffer.IsEmpty)
                return 0;
            while (true)
            {
                if (_chunk is null)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (!reader.Read())
                    {
                        if (_position != size)
                            throw new InvalidDataException($"the snapshot is truncated: {_position:N0} of {size:N0} bytes stored");
                        return 0;
                    }
                    int n = reader.GetInt32(0);
                    if (n != _nextChunk)
                        throw new InvalidDataException($"the snapshot's chunk {_nextChunk} is missing");
                    _nextChunk++;
                    _chunk = reader.GetStream(1);
                }
                int read = _chunk.Read(buffer);
                if (read > 0)
                {
                    _position += read;
                    return read;
                }
                _chunk.Dispose();
                _chunk = null;
            }
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                _chunk?.Dispose();
            base.Dispose(disposing);
        }
    }

    /// <summary>
    /// A write-only stream that inserts a chunk row each time <see cref="ChunkBytes"/> have been
    /// written (synchronously, in the caller's transaction); <see cref="Complete"/> inserts the rest.
    /// One buffer of <see cref="ChunkBytes"/> is reused throughout.
    /// </summary>
    private sealed class ChunkWriteStream : Stream
    {
        private readonly NpgsqlCommand _insert;
        private readonly NpgsqlParameter<int> _number;
        private readonly NpgsqlParameter<ReadOnlyMemory<byte>> _bytes;
        private readonly CancellationToken _cancellationToken;
        private byte[] _buffer = new byte[ChunkBytes];
        private int _filled;
        private int _chunks;
        private long _length;

        public ChunkWriteStream(NpgsqlConnection connection, long snapshotId, CancellationToken cancellationToken)
        {
            _cancellationToken = cancellationToken;
            _insert = new NpgsqlCommand("INSERT INTO index_snapshot_chunks (snapshot_id, n, bytes) VALUES ($1, $2, $3)", connection);
            _insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = snapshotId });
            _number = new NpgsqlParameter<int>();
            _bytes = new NpgsqlParameter<ReadOnlyMemory<byte>> { NpgsqlDbType = NpgsqlDbType.Bytea };
            _insert.Parameters.Add(_number);
            _insert.Parameters.Add(_bytes);
        }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _length;
        public override long Position { get => _length; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            while (!buffer.IsEmpty)
            {
                int take = Math.Min(buffer.Length, _buffer.Length - _filled);
                buffer[..take].CopyTo(_buffer.AsSpan(_filled));
                _filled += take;
                _length += take;
                buffer = buffer[take..];
                if (_filled == _buffer.Length)
                    InsertChunk();
            }
        }

        /// <summary>Inserts what is buffered (the last, partial chunk).</summary>
        public void Complete()
        {
            if (_filled > 0)
                InsertChunk();
        }

        public override void Flush()
        {
            // Chunks are written whole; Complete writes the last one.
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        private void InsertChunk()
        {
            _cancellationToken.ThrowIfCancellationRequested();
            _number.TypedValue = _chunks++;
            _bytes.TypedValue = _buffer.AsMemory(0, _filled);
            _insert.ExecuteNonQuery();
            _filled = 0;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _insert.Dispose();
                _buffer = [];
            }
            base.Dispose(disposing);
        }
    }
}
