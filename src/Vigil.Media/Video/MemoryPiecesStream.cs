namespace Vigil.Media.Video;

/// <summary>A read-only stream over pieces of memory read one after another (no copies), for feeding ffmpeg's stdin.</summary>
internal sealed class MemoryPiecesStream(IReadOnlyList<ReadOnlyMemory<byte>> pieces) : Stream
{
    private int _piece;
    private int _offset;
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => pieces.Sum(p => (long)p.Length);

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        while (_piece < pieces.Count)
        {
            var rest = pieces[_piece].Span[_offset..];
            if (rest.IsEmpty)
            {
                _piece++;
                _offset = 0;
                continue;
            }
            int n = Math.Min(rest.Length, buffer.Length);
            rest[..n].CopyTo(buffer);
            _offset += n;
            _position += n;
            return n;
        }
        return 0;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Read(buffer.Span));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
