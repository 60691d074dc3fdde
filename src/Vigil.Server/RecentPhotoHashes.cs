using System.Collections.Concurrent;
using System.Security.Cryptography;
using Vigil.Hashing.Pdq;

namespace Vigil.Server;

/// <summary>
/// The PDQ of photos this server hashed lately, by the SHA-256 of their bytes: a platform looks an
/// upload up (<c>POST /m/lookup</c>) and, when it matched, submits the same bytes as a case
/// (<c>POST /v1/cases</c>); the second request then costs no decode. SHA-256, not MD5, so that no
/// crafted file can borrow another's hash. Bounded: the oldest entries go first.
/// </summary>
internal sealed class RecentPhotoHashes(int capacity = 32_768)
{
    /// <summary>A photo's plain PDQ and size.</summary>
    public sealed record Entry(PdqResult Pdq, int Width, int Height);

    private readonly ConcurrentDictionary<UInt128, Entry> _entries = new();
    private readonly ConcurrentQueue<UInt128> _order = new();

    /// <summary>The key of some bytes (the first 128 bits of their SHA-256: collisions are as hard as SHA-256's).</summary>
    public static UInt128 KeyOf(ReadOnlySpan<byte> bytes)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(bytes, digest);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt128LittleEndian(digest);
    }

    public bool TryGet(UInt128 key, out Entry entry) => _entries.TryGetValue(key, out entry!);

    public void Add(UInt128 key, Entry entry)
    {
        if (!_entries.TryAdd(key, entry))
            return;
        _order.Enqueue(key);
        while (_entries.Count > capacity && _order.TryDequeue(out var oldest))
            _entries.TryRemove(oldest, out _);
    }
}
