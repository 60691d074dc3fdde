using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;
using Vigil.Hashing.Pdq;

namespace Vigil.Matching;

/// <summary>
/// Exact Hamming-radius search over PDQ hashes: every stored hash within the distance is returned
/// (recall 1.0), for distances 0..63. Built for tens of millions of hashes at 62 bytes each.
/// <para>
/// Structure: a few immutable multi-index levels (see <see cref="PdqLevel"/>) plus a small unsorted
/// tail of recent additions. Adding appends to the tail; a full tail becomes a level, and levels of
/// similar size merge (log-structured, so each hash is rebuilt O(log n) times over its life, never
/// the whole index per change). Removing marks the entry dead where it lies.
/// </para>
/// <para>
/// Thread safety: any number of concurrent searches, alongside one writer at a time
/// (<see cref="Add"/>, <see cref="AddRange"/>, <see cref="Remove"/> serialise among themselves).
/// A search sees the index as it was when the search began, except that a removal may become
/// visible part-way through.
/// </para>
/// </summary>
public sealed class PdqIndex
{
    /// <summary>Largest searchable distance: with eight 32-bit chunks, the pigeonhole bound holds up to here.</summary>
    public const int MaxSearchDistance = 63;

    /// <summary>The industry's default match threshold for PDQ.</summary>
    public const int DefaultMaxDistance = 31;

    private const int TailCapacity = 4096;
    private const int MergeRatio = 4;

    private readonly object _writeLock = new();
    private volatile State _state;

    /// <summary>Creates an empty index.</summary>
    public PdqIndex() => _state = new State([], [], []);

    private PdqIndex(State state) => _state = state;

    /// <summary>The immutable picture a search works on.</summary>
    private sealed record State(PdqLevel[] Levels, PdqHash[] TailHashes, int[] TailKeys);

    /// <summary>Number of hashes stored (removed ones excluded).</summary>
    public int Count
    {
        get
        {
            var state = _state;
            long count = state.TailHashes.Length;
            foreach (var level in state.Levels)
                count += level.LiveCount;
            return (int)count;
        }
    }

    /// <summary>Bytes held by the index's arrays (what <c>bytes_per_hash</c> in the benchmarks divides).</summary>
    public long MemoryBytes
    {
        get
        {
            var state = _state;
            long bytes = state.TailHashes.Length * 36L;
            foreach (var level in state.Levels)
                bytes += level.MemoryBytes;
            return bytes;
        }
    }

    /// <summary>Number of live hashes whose key satisfies <paramref name="keep"/> (a walk over every entry: for reports, not lookups).</summary>
    public long CountKeys(Predicate<int> keep)
    {
        ArgumentNullException.ThrowIfNull(keep);
        var state = _state;
        long count = 0;
        foreach (int key in state.TailKeys)
            if (keep(key))
                count++;
        foreach (var level in state.Levels)
            for (int p = 0; p < level.Count; p++)
                if (!level.IsDead(p) && keep(level.KeyAt(p)))
                    count++;
        return count;
    }

    /// <summary>Number of immutable levels (for tests and diagnostics).</summary>
    internal int LevelCount => _state.Levels.Length;

    /// <summary>Builds an index over <paramref name="hashes"/>, <paramref name="keys"/>[i] being what a match on hashes[i] returns.</summary>
    public static PdqIndex Build(ReadOnlySpan<PdqHash> hashes, ReadOnlySpan<int> keys)
    {
        if (hashes.Length != keys.Length)
            throw new ArgumentException($"{hashes.Length} hashes but {keys.Length} keys");
        var levels = new List<PdqLevel>();
        for (int start = 0; start < hashes.Length; start += PdqLevel.MaxEntries)
        {
            int length = Math.Min(PdqLevel.MaxEntries, hashes.Length - start);
            levels.Add(PdqLevel.Build(hashes.Slice(start, length), keys.Slice(start, length)));
        }
        return new PdqIndex(new State([.. levels], [], []));
    }

    /// <summary>An index of one level with a forced directory width, so tests reach every width without millions of hashes.</summary>
    internal static PdqIndex BuildSingleLevel(ReadOnlySpan<PdqHash> hashes, ReadOnlySpan<int> keys, int prefixBits) =>
        new(new State([PdqLevel.Build(hashes, keys, prefixBits)], [], []));

    /// <summary>Adds one hash under <paramref name="key"/>.</summary>
    public void Add(in PdqHash hash, int key)
    {
        ReadOnlySpan<PdqHash> hashes = [hash];
        ReadOnlySpan<int> keys = [key];
        AddRange(hashes, keys);
    }

    /// <summary>Adds many hashes at once (cheaper than one by one).</summary>
    public void AddRange(ReadOnlySpan<PdqHash> hashes, ReadOnlySpan<int> keys)
    {
        if (hashes.Length != keys.Length)
            throw new ArgumentException($"{hashes.Length} hashes but {keys.Length} keys");
        if (hashes.IsEmpty)
            return;
        lock (_writeLock)
        {
            var state = _state;
            var tailHashes = new PdqHash[state.TailHashes.Length + hashes.Length];
            var tailKeys = new int[tailHashes.Length];
            state.TailHashes.CopyTo(tailHashes, 0);
            state.TailKeys.CopyTo(tailKeys, 0);
            hashes.CopyTo(tailHashes.AsSpan(state.TailHashes.Length));
            keys.CopyTo(tailKeys.AsSpan(state.TailKeys.Length));
            if (tailHashes.Length < TailCapacity)
            {
                _state = state with { TailHashes = tailHashes, TailKeys = tailKeys };
                return;
            }
            var levels = new List<PdqLevel>(state.Levels);
            for (int start = 0; start < tailHashes.Length; start += PdqLevel.MaxEntries)
            {
                int length = Math.Min(PdqLevel.MaxEntries, tailHashes.Length - start);
                levels.Add(PdqLevel.Build(tailHashes.AsSpan(start, length), tailKeys.AsSpan(start, length)));
            }
            Compact(levels);
            _state = new State([.. levels], [], []);
        }
    }

    /// <summary>
    /// Merges the newest level into the one before it while they are of similar size (or the older
    /// is mostly removed entries), so there are O(log n) levels and each hash is rebuilt O(log n) times.
    /// </summary>
    private static void Compact(List<PdqLevel> levels)
    {
        while (levels.Count >= 2)
        {
            var newest = levels[^1];
            var older = levels[^2];
            bool similar = (long)newest.LiveCount * MergeRatio >= older.LiveCount || older.DeadCount * 2 > older.Count;
            if (!similar || (long)newest.LiveCount + older.LiveCount > PdqLevel.MaxEntries)
                break;
            var hashes = new List<PdqHash>(older.LiveCount + newest.LiveCount);
            var keys = new List<int>(hashes.Capacity);
            older.CopyLiveTo(hashes, keys);
            newest.CopyLiveTo(hashes, keys);
            levels.RemoveRange(levels.Count - 2, 2);
            levels.Add(PdqLevel.Build(CollectionsMarshal.AsSpan(hashes), CollectionsMarshal.AsSpan(keys)));
        }
    }

    /// <summary>Removes one stored (hash, key) pair; false if it is not stored.</summary>
    public bool Remove(in PdqHash hash, int key)
    {
        lock (_writeLock)
        {
            var state = _state;
            int tailIndex = -1;
            for (int i = 0; i < state.TailHashes.Length; i++)
            {
                if (state.TailKeys[i] == key && state.TailHashes[i].Equals(hash))
                {
                    tailIndex = i;
                    break;
                }
            }
            if (tailIndex >= 0)
            {
                _state = state with
                {
                    TailHashes = [.. state.TailHashes.AsSpan(0, tailIndex), .. state.TailHashes.AsSpan(tailIndex + 1)],
                    TailKeys = [.. state.TailKeys.AsSpan(0, tailIndex), .. state.TailKeys.AsSpan(tailIndex + 1)],
                };
                return true;
            }
            foreach (var level in state.Levels)
            {
                if (level.Remove(hash, key))
                {
                    if (level.DeadCount * 2 > level.Count)
                    {
                        var levels = new List<PdqLevel>(state.Levels);
                        int at = levels.IndexOf(level);
                        var hashes = new List<PdqHash>(level.LiveCount);
                        var keys = new List<int>(level.LiveCount);
                        level.CopyLiveTo(hashes, keys);
                        levels[at] = PdqLevel.Build(CollectionsMarshal.AsSpan(hashes), CollectionsMarshal.AsSpan(keys));
                        _state = state with { Levels = [.. levels] };
                    }
                    return true;
                }
            }
            return false;
        }
    }

    /// <summary>Appends every stored hash within <paramref name="maxDistance"/> of <paramref name="query"/> to <paramref name="results"/>.</summary>
    public void Search(in PdqHash query, int maxDistance, List<PdqMatch> results)
    {
        SearchStatistics stats = default;
        Search([query], maxDistance, results, ref stats);
    }

    /// <summary>
    /// Appends, once per key, every stored hash within <paramref name="maxDistance"/> of any of the
    /// <paramref name="queries"/> (typically the eight dihedral variants of one image), with the
    /// smallest distance and the query that gave it. Adds the work done to <paramref name="stats"/>.
    /// </summary>
    public void Search(ReadOnlySpan<PdqHash> queries, int maxDistance, List<PdqMatch> results, ref SearchStatistics stats)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxDistance);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxDistance, MaxSearchDistance);
        ArgumentNullException.ThrowIfNull(results);
        var state = _state;
        var scratch = SearchScratch.Current;
        int first = results.Count;
        for (int qi = 0; qi < queries.Length; qi++)
        {
            ref readonly var query = ref queries[qi];
            foreach (var level in state.Levels)
                level.Search(query, maxDistance, qi, results, scratch, ref stats);
            SearchTail(state, query, maxDistance, qi, results, ref stats);
        }
        if (results.Count - first > 1)
            KeepNearestPerKey(results, first);
    }

    private static void SearchTail(State state, in PdqHash query, int maxDistance, int queryIndex, List<PdqMatch> results, ref SearchStatistics stats)
    {
        var hashes = state.TailHashes;
        stats.LinearComparisons += hashes.Length;
        for (int i = 0; i < hashes.Length; i++)
        {
            int distance = PdqHash.Distance(hashes[i], query);
            if (distance <= maxDistance)
                results.Add(new PdqMatch(state.TailKeys[i], distance, queryIndex));
        }
    }

    /// <summary>Collapses results[first..] to one match per key (the nearest; ties to the lower query index), ordered by key.</summary>
    private static void KeepNearestPerKey(List<PdqMatch> results, int first)
    {
        var span = CollectionsMarshal.AsSpan(results)[first..];
        span.Sort(static (a, b) => a.Key != b.Key ? a.Key.CompareTo(b.Key)
            : a.Distance != b.Distance ? a.Distance.CompareTo(b.Distance)
            : a.QueryIndex.CompareTo(b.QueryIndex));
        int kept = 0;
        for (int i = 0; i < span.Length; i++)
        {
            if (kept == 0 || span[kept - 1].Key != span[i].Key)
                span[kept++] = span[i];
        }
        results.RemoveRange(first + kept, span.Length - kept);
    }

    // ---- snapshot ----

    private static ReadOnlySpan<byte> Magic => "VIGILPDQ"u8;
    private const int FormatVersion = 1;

    /// <summary>
    /// Writes a snapshot: the levels' arrays as they are in memory, so loading is one read per array.
    /// <paramref name="tag"/> is kept with it (banks store the change sequence the index reflects).
    /// </summary>
    public void Save(Stream stream, long tag = 0)
    {
        ArgumentNullException.ThrowIfNull(stream);
        State state;
        lock (_writeLock)
            state = _state;
        Span<byte> header = stackalloc byte[32];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], FormatVersion);
        BinaryPrimitives.WriteInt32LittleEndian(header[12..], state.Levels.Length);
        BinaryPrimitives.WriteInt32LittleEndian(header[16..], state.TailHashes.Length);
        BinaryPrimitives.WriteInt64LittleEndian(header[20..], tag);
        stream.Write(header);
        foreach (var level in state.Levels)
            level.WriteTo(stream);
        stream.Write(MemoryMarshal.AsBytes(state.TailHashes.AsSpan()));
        stream.Write(MemoryMarshal.AsBytes(state.TailKeys.AsSpan()));
        stream.Write(Magic);
    }

    /// <summary>Writes a snapshot to a file atomically (a temporary file renamed into place).</summary>
    public void Save(string path, long tag = 0)
    {
        string temporary = path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            Save(file, tag);
            file.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Loads a snapshot written by <see cref="Save(Stream, long)"/>; throws <see cref="InvalidDataException"/> if it is not one or is damaged.</summary>
    public static PdqIndex Load(Stream stream, out long tag)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> header = stackalloc byte[32];
        try
        {
            stream.ReadExactly(header);
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException("not a Vigil PDQ index snapshot (too short)");
        }
        if (!header[..8].SequenceEqual(Magic))
            throw new InvalidDataException("not a Vigil PDQ index snapshot (bad magic)");
        int version = BinaryPrimitives.ReadInt32LittleEndian(header[8..]);
        if (version != FormatVersion)
            throw new InvalidDataException($"snapshot format version {version} is not supported (this Vigil reads {FormatVersion})");
        int levelCount = BinaryPrimitives.ReadInt32LittleEndian(header[12..]);
        int tailCount = BinaryPrimitives.ReadInt32LittleEndian(header[16..]);
        tag = BinaryPrimitives.ReadInt64LittleEndian(header[20..]);
        if (levelCount is < 0 or > 4096 || tailCount is < 0 or > TailCapacity)
            throw new InvalidDataException("snapshot header is corrupt");
        var levels = new PdqLevel[levelCount];
        for (int i = 0; i < levelCount; i++)
            levels[i] = PdqLevel.ReadFrom(stream);
        var tailHashes = new PdqHash[tailCount];
        var tailKeys = new int[tailCount];
        Span<byte> trailer = stackalloc byte[8];
        try
        {
            stream.ReadExactly(MemoryMarshal.AsBytes(tailHashes.AsSpan()));
            stream.ReadExactly(MemoryMarshal.AsBytes(tailKeys.AsSpan()));
            stream.ReadExactly(trailer);
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException("snapshot is truncated");
        }
        if (!trailer.SequenceEqual(Magic))
            throw new InvalidDataException("snapshot is damaged (bad trailer)");
        return new PdqIndex(new State(levels, tailHashes, tailKeys));
    }

    /// <summary>Loads a snapshot file.</summary>
    public static PdqIndex Load(string path, out long tag)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        return Load(file, out tag);
    }
}
