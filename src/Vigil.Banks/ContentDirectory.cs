using System.Collections.Concurrent;
using Vigil.Storage;

namespace Vigil.Banks;

/// <summary>
/// Which bank each content item is in, by content id, in memory: a match is decided without reading
/// the store. Content never moves between banks and ids are never reused, so an entry never goes
/// stale; items added after the load are learnt on their first match. Dense ids live in an array
/// (4 bytes per id up to the largest), the rest in a dictionary. Safe for concurrent readers and writers.
/// </summary>
internal sealed class ContentDirectory
{
    private readonly ConcurrentDictionary<long, long> _sparse = new();
    private readonly Lock _grow = new();
    private volatile int[] _dense;

    private ContentDirectory(int[] dense) => _dense = dense;

    public static async Task<ContentDirectory> LoadAsync(IContentStore store, CancellationToken cancellationToken)
    {
        var entries = new List<ContentBank>();
        long maxId = 0;
        await foreach (var entry in store.StreamContentBanksAsync(cancellationToken))
        {
            entries.Add(entry);
            maxId = Math.Max(maxId, entry.ContentId);
        }
        var directory = new ContentDirectory(new int[DenseLength(maxId, entries.Count)]);
        foreach (var entry in entries)
            directory.Set(entry.ContentId, entry.BankId);
        return directory;
    }

    /// <summary>The bank of <paramref name="contentId"/>, or 0 when not known here.</summary>
    public long BankOf(long contentId)
    {
        var dense = _dense;
        if ((ulong)contentId < (ulong)dense.Length)
        {
            int bank = dense[contentId];
            if (bank != 0)
                return bank;
        }
        return _sparse.TryGetValue(contentId, out long sparse) ? sparse : 0;
    }

    public void Set(long contentId, long bankId)
    {
        if (contentId <= 0 || bankId <= 0)
            return;
        if (bankId <= int.MaxValue)
        {
            var dense = _dense;
            if (contentId < dense.Length)
            {
                dense[contentId] = (int)bankId;
                return;
            }
            // New ids grow the array while they stay dense (a doubling at most, a few MB at a million items).
            if (contentId < 2L * dense.Length + 65_536 && contentId < Array.MaxLength)
            {
                lock (_grow)
                {
                    dense = _dense;
                    if (contentId >= dense.Length)
                    {
                        var grown = new int[Math.Min(Array.MaxLength, Math.Max(contentId + 1, 2L * dense.Length))];
                        Array.Copy(dense, grown, dense.Length);
                        _dense = dense = grown;
                    }
                    dense[contentId] = (int)bankId;
                }
                return;
            }
        }
        _sparse[contentId] = bankId;
    }

    /// <summary>An array up to the largest id when ids are dense enough, else a bounded one (the rest go to the dictionary).</summary>
    private static int DenseLength(long maxId, int count)
    {
        long bound = 4L * count + 65_536;
        return (int)Math.Min(Math.Min(maxId + 1, bound), Array.MaxLength);
    }
}
