using System.Buffers;
using System.Security.Cryptography;
using Vigil.Storage;

namespace Vigil.Server;

/// <summary>
/// A byte buffer from the shared pool that holds one file, grown as it is read and never past a
/// limit. Its bytes are cleared before the buffer goes back to the pool: uploads may be abuse
/// material, and nothing of them should outlive the request.
/// </summary>
internal sealed class MediaBuffer : IDisposable
{
    private byte[] _array;

    public MediaBuffer(int initialCapacity) => _array = ArrayPool<byte>.Shared.Rent(Math.Max(initialCapacity, 1024));

    /// <summary>Bytes held.</summary>
    public int Length { get; private set; }

    /// <summary>The bytes held.</summary>
    public ReadOnlySpan<byte> Span => _array.AsSpan(0, Length);

    /// <summary>The bytes held, for asynchronous writes.</summary>
    public ReadOnlyMemory<byte> Memory => _array.AsMemory(0, Length);

    /// <summary>The MD5 of the bytes in lowercase hex (HMA's <c>md5</c> and <c>video_md5</c>).</summary>
    public string Md5Hex()
    {
        Span<byte> digest = stackalloc byte[MD5.HashSizeInBytes];
        MD5.HashData(Span, digest);
        return Convert.ToHexStringLower(digest);
    }

    /// <summary>Reads the stream to its end; false (having read <paramref name="limit"/> + 1 bytes) when it holds more than <paramref name="limit"/>.</summary>
    public async Task<bool> ReadAllAsync(Stream stream, long limit, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (Length == _array.Length)
                Grow((int)Math.Min((long)_array.Length * 2, limit + 1));
            int want = (int)Math.Min(_array.Length - Length, limit + 1 - Length);
            int read = await stream.ReadAsync(_array.AsMemory(Length, want), cancellationToken);
            if (read == 0)
                return true;
            Length += read;
            if (Length > limit)
                return false;
        }
    }

    private void Grow(int size)
    {
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(size, _array.Length + 1));
        _array.AsSpan(0, Length).CopyTo(bigger);
        Release();
        _array = bigger;
    }

    private void Release()
    {
        _array.AsSpan(0, Length).Clear();
        ArrayPool<byte>.Shared.Return(_array);
    }

    /// <summary>Clears the bytes and returns the buffer to the pool.</summary>
    public void Dispose()
    {
        if (_array.Length == 0)
            return;
        Release();
        _array = [];
        Length = 0;
    }
}
