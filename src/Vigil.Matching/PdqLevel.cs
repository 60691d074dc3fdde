using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Vigil.Hashing.Pdq;

namespace Vigil.Matching;

/// <summary>
/// An immutable multi-index hash over up to 16,777,215 PDQ hashes (ids are 24 bits). The 256 bits
/// are cut into eight 32-bit chunks; two hashes within distance D have some chunk within
/// r = floor(D/8) (pigeonhole), so a query probes, in each of eight tables, the buckets whose
/// 16-bit prefix is within r of its own, and tests the entries there against an inline filter.
/// <para>
/// Layout, per stored hash (see docs/matching.md for why):
/// the hash itself is kept in position order, sorted by chunk 0, as four arrays read in the order a
/// verification needs them (bits 128..255 first: they reject a random candidate on their own), and
/// chunk 0's top 16 bits are not stored at all, since table 0's directory implies them. Table 0
/// therefore needs no ids: its "entries" are the positions, filtered on chunk 0's low 16 bits (exact).
/// Tables 1..7 each hold, per entry, one byte of filter (bits 8..15 of the chunk) and a 3-byte
/// position, in two separate arrays so that a probe scans 1 byte per entry.
/// 16 + 8 + 4 + 2 (hash) + 4 (key) + 7 x 4 (tables) = 62 bytes, plus eight 256 KB directories.
/// </para>
/// </summary>
internal sealed class PdqLevel
{
    public const int TableCount = 8;
    public const int MaxEntries = (1 << 24) - 1;
    public const int MinPrefixBits = 16;
    public const int MaxPrefixBits = 18;

    /// <summary>Per-chunk radius from which a level is read end to end instead of probed.</summary>
    public const int LinearChunkRadius = 6;

    private const int PrefetchDistance = 16;
    private const int BucketPrefetchDistance = 16;

    private readonly int _count;
    private readonly int _prefixBits;      // bucket = chunk >> (32 - _prefixBits)
    private readonly int[] _keys;
    private readonly ulong[] _hi;          // bits 128..255: [2p] = limb 2, [2p+1] = limb 3
    private readonly ulong[] _w1;          // bits 64..127 (chunks 2, 3)
    private readonly uint[] _chunk1;       // bits 32..63
    private readonly ushort[] _chunk0Low;  // bits 0..15; bits 16..31 are the table-0 bucket
    private readonly int[][] _directories; // [table][prefix] = first entry; [table][65536] = count
    private readonly byte[][] _filters;    // [table 1..7][slot] = chunk bits 8..15
    private readonly byte[][] _ids;        // [table 1..7][3*slot..] = position, little-endian 24 bits
    private readonly ulong[] _dead;
    private int _deadCount;

    private PdqLevel(int count, int prefixBits, int[] keys, ulong[] hi, ulong[] w1, uint[] chunk1, ushort[] chunk0Low,
        int[][] directories, byte[][] filters, byte[][] ids, ulong[] dead, int deadCount)
    {
        _count = count;
        _prefixBits = prefixBits;
        _keys = keys;
        _hi = hi;
        _w1 = w1;
        _chunk1 = chunk1;
        _chunk0Low = chunk0Low;
        _directories = directories;
        _filters = filters;
        _ids = ids;
        _dead = dead;
        _deadCount = deadCount;
    }

    /// <summary>Entries stored, removed ones included.</summary>
    public int Count => _count;

    /// <summary>Entries not removed.</summary>
    public int LiveCount => _count - Volatile.Read(ref _deadCount);

    /// <summary>Entries removed since the level was built.</summary>
    public int DeadCount => Volatile.Read(ref _deadCount);

    /// <summary>Bytes held by the level's arrays.</summary>
    public long MemoryBytes
    {
        get
        {
            long bytes = _keys.Length * 4L + _hi.Length * 8L + _w1.Length * 8L + _chunk1.Length * 4L
                         + _chunk0Low.Length * 2L + _dead.Length * 8L;
            for (int t = 0; t < TableCount; t++)
                bytes += _directories[t].Length * 4L + _filters[t].Length + _ids[t].Length;
            return bytes;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Chunk(ulong w0, ulong w1, ulong w2, ulong w3, int table) => table switch
    {
        0 => (uint)w0,
        1 => (uint)(w0 >> 32),
        2 => (uint)w1,
        3 => (uint)(w1 >> 32),
        4 => (uint)w2,
        5 => (uint)(w2 >> 32),
        6 => (uint)w3,
        _ => (uint)(w3 >> 32),
    };

    /// <summary>Builds a level from hashes and their keys (equal lengths, at most <see cref="MaxEntries"/>).</summary>
    public static PdqLevel Build(ReadOnlySpan<PdqHash> hashes, ReadOnlySpan<int> keys) =>
        Build(hashes, keys, PrefixBitsFor(hashes.Length));

    /// <summary>Builds a level with a given directory width (tests use it to cover every width on small sets).</summary>
    internal static PdqLevel Build(ReadOnlySpan<PdqHash> hashes, ReadOnlySpan<int> keys, int prefixBits)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(prefixBits, MinPrefixBits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(prefixBits, MaxPrefixBits);
        if (hashes.Length != keys.Length)
            throw new ArgumentException("hashes and keys differ in length");
        if (hashes.Length > MaxEntries)
            throw new ArgumentException($"a level holds at most {MaxEntries} hashes");
        int n = hashes.Length;
        int shift = 32 - prefixBits;
        var storedKeys = new int[n];
        var hi = new ulong[2 * n];
        var w1 = new ulong[n];
        var chunk1 = new uint[n];
        var chunk0Low = new ushort[n + FilterScan.Padding];
        var directories = new int[TableCount][];
        var filters = new byte[TableCount][];
        var ids = new byte[TableCount][];
        filters[0] = [];
        ids[0] = [];

        // Table 0 orders the positions themselves: a counting sort on chunk 0's top 16 bits.
        var directory = directories[0] = new int[(1 << prefixBits) + 1];
        for (int i = 0; i < n; i++)
            directory[(uint)hashes[i].GetLimb(0) >> shift]++;
        var cursor = PrefixSums(directory);
        for (int i = 0; i < n; i++)
        {
            ref readonly var h = ref hashes[i];
            ulong l0 = h.GetLimb(0);
            int p = cursor[(uint)l0 >> shift]++;
            storedKeys[p] = keys[i];
            chunk0Low[p] = (ushort)l0;
            chunk1[p] = (uint)(l0 >> 32);
            w1[p] = h.GetLimb(1);
            hi[2 * p] = h.GetLimb(2);
            hi[2 * p + 1] = h.GetLimb(3);
        }

        for (int t = 1; t < TableCount; t++)
        {
            directory = directories[t] = new int[(1 << prefixBits) + 1];
            for (int p = 0; p < n; p++)
                directory[StoredChunk(chunk1, w1, hi, p, t) >> shift]++;
            cursor = PrefixSums(directory);
            var filter = filters[t] = new byte[n + FilterScan.Padding];
            var id = ids[t] = new byte[3 * n + 1];
            for (int p = 0; p < n; p++)
            {
                uint c = StoredChunk(chunk1, w1, hi, p, t);
                int slot = cursor[c >> shift]++;
                filter[slot] = (byte)(c >> (shift - 8));
                id[3 * slot] = (byte)p;
                id[3 * slot + 1] = (byte)(p >> 8);
                id[3 * slot + 2] = (byte)(p >> 16);
            }
        }
        return new PdqLevel(n, prefixBits, storedKeys, hi, w1, chunk1, chunk0Low, directories, filters, ids,
            new ulong[(n + 63) / 64], 0);
    }

    /// <summary>
    /// Directory width for a level of <paramref name="count"/> hashes: wider directories cut the
    /// candidates per bucket (more chunk bits known without reading an entry) at 4 bytes per bucket;
    /// 18 bits at ten million costs 0.8 bytes per hash and quarters the candidates of 16 bits.
    /// </summary>
    public static int PrefixBitsFor(int count) => count >= 6_000_000 ? 18 : count >= 3_000_000 ? 17 : 16;

    /// <summary>Turns bucket counts into bucket starts (in place, with the total at the end) and returns a copy to use as write cursors.</summary>
    private static int[] PrefixSums(int[] directory)
    {
        int running = 0;
        for (int b = 0; b < directory.Length - 1; b++)
        {
            int size = directory[b];
            directory[b] = running;
            running += size;
        }
        directory[^1] = running;
        return (int[])directory.Clone();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint StoredChunk(uint[] chunk1, ulong[] w1, ulong[] hi, int p, int table) => table switch
    {
        1 => chunk1[p],
        2 => (uint)w1[p],
        3 => (uint)(w1[p] >> 32),
        4 => (uint)hi[2 * p],
        5 => (uint)(hi[2 * p] >> 32),
        6 => (uint)hi[2 * p + 1],
        _ => (uint)(hi[2 * p + 1] >> 32),
    };

    /// <summary>Chunk 0 of the hash at a position: its top bits are the table-0 bucket it sits in.</summary>
    private uint Chunk0At(int p)
    {
        var directory = _directories[0];
        int lo = 0, hi = directory.Length - 2;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) >> 1;
            if (directory[mid] <= p)
                lo = mid;
            else
                hi = mid - 1;
        }
        return ((uint)lo << (32 - _prefixBits)) | _chunk0Low[p];
    }

    /// <summary>The hash stored at a position.</summary>
    public PdqHash HashAt(int p) =>
        new(Chunk0At(p) | ((ulong)_chunk1[p] << 32), _w1[p], _hi[2 * p], _hi[2 * p + 1]);

    /// <summary>The key stored at a position.</summary>
    public int KeyAt(int p) => _keys[p];

    /// <summary>True when the entry at a position was removed.</summary>
    public bool IsDead(int p) => (Volatile.Read(ref _dead[p >> 6]) & (1UL << p)) != 0;

    /// <summary>Marks the live entry holding exactly this hash and key as removed; false if there is none.</summary>
    public bool Remove(in PdqHash hash, int key)
    {
        ulong l0 = hash.GetLimb(0);
        var directory = _directories[0];
        uint bucket = (uint)l0 >> (32 - _prefixBits);
        for (int p = directory[bucket], end = directory[bucket + 1]; p < end; p++)
        {
            if (_chunk0Low[p] == (ushort)l0 && _keys[p] == key && _chunk1[p] == (uint)(l0 >> 32)
                && _w1[p] == hash.GetLimb(1) && _hi[2 * p] == hash.GetLimb(2) && _hi[2 * p + 1] == hash.GetLimb(3)
                && !IsDead(p))
            {
                ulong bit = 1UL << p;
                if ((Interlocked.Or(ref _dead[p >> 6], bit) & bit) == 0)
                {
                    Interlocked.Increment(ref _deadCount);
                    return true;
                }
            }
        }
        return false;
    }

    /// <summary>Appends every live (hash, key) to the lists, in position order.</summary>
    public void CopyLiveTo(List<PdqHash> hashes, List<int> keys)
    {
        var directory = _directories[0];
        for (int bucket = 0; bucket < directory.Length - 1; bucket++)
        {
            for (int p = directory[bucket], end = directory[bucket + 1]; p < end; p++)
            {
                if (IsDead(p))
                    continue;
                hashes.Add(new PdqHash(((ulong)bucket << (32 - _prefixBits)) | _chunk0Low[p] | ((ulong)_chunk1[p] << 32),
                    _w1[p], _hi[2 * p], _hi[2 * p + 1]));
                keys.Add(_keys[p]);
            }
        }
    }

    /// <summary>
    /// Appends to <paramref name="results"/> every live entry within <paramref name="maxDistance"/>
    /// (0..63) of the query, each once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Search(in PdqHash query, int maxDistance, int queryIndex, List<PdqMatch> results, SearchScratch scratch, ref SearchStatistics stats)
    {
        int radius = maxDistance / TableCount;
        if (radius >= LinearChunkRadius || _count < 64)
        {
            SearchLinear(query, maxDistance, queryIndex, results, ref stats);
            return;
        }
        var q = new QueryBits(query);
        int shift = 32 - _prefixBits;
        var masks = FlipMasks.For(_prefixBits);
        int maskCount = masks.CountWithin(radius);
        scratch.EnsureBuckets(maskCount);
        var flips = masks.Masks;
        var budgets = scratch.BucketBudgets;
        for (int m = 0; m < maskCount; m++)
            budgets[m] = radius - BitOperations.PopCount(flips[m]);

        for (int t = 0; t < TableCount; t++)
        {
            uint queryChunk = q.Chunk(t);
            uint queryPrefix = queryChunk >> shift;
            var directory = _directories[t];
            var starts = scratch.BucketStarts;
            var counts = scratch.BucketCounts;

            // Phase 1: the directory entries of every bucket to probe (a few MB in all: bring them in
            // together rather than one miss at a time), then their extents.
            for (int m = 0; m < maskCount; m++)
                Prefetch(ref Unsafe.As<int, byte>(ref directory[queryPrefix ^ flips[m]]));
            long entries = 0;
            for (int m = 0; m < maskCount; m++)
            {
                uint bucket = queryPrefix ^ flips[m];
                int start = directory[bucket];
                starts[m] = start;
                counts[m] = directory[bucket + 1] - start;
                entries += counts[m];
            }
            stats.BucketsProbed += maskCount;
            stats.EntriesScanned += entries;
            scratch.EnsureCandidates((int)entries + Vector256Width);
            var candidates = scratch.Candidates;

            // Phase 2: filter each bucket, prefetching a few buckets ahead.
            int found = 0;
            if (t == 0)
            {
                var low = _chunk0Low;
                ushort queryLow = (ushort)queryChunk;
                ushort unknownBits = (ushort)((1u << shift) - 1);
                for (int m = 0; m < maskCount; m++)
                {
                    if (m + BucketPrefetchDistance < maskCount)
                        Prefetch(ref Unsafe.As<ushort, byte>(ref low[starts[m + BucketPrefetchDistance]]));
                    if (counts[m] != 0)
                        found += FilterScan.ScanUInt16(low, starts[m], counts[m], queryLow, unknownBits, budgets[m], candidates.AsSpan(found));
                }
            }
            else
            {
                var filter = _filters[t];
                byte queryFilter = (byte)(queryChunk >> (shift - 8));
                var queryFilters = Vector256.Create(queryFilter);
                ref byte filterStart = ref filter[0];
                ref int candidateStart = ref candidates[0];
                bool vector = Avx2.IsSupported;
                for (int m = 0; m < maskCount; m++)
                {
                    if (m + BucketPrefetchDistance < maskCount)
                        Prefetch(ref Unsafe.Add(ref filterStart, starts[m + BucketPrefetchDistance]));
                    int count = counts[m];
                    if (count == 0)
                        continue;
                    if (vector && count <= 32)
                        found = FilterScan.ScanBytesUpTo32(ref filterStart, starts[m], count, queryFilters, budgets[m], ref candidateStart, found);
                    else
                        found += FilterScan.ScanBytes(filter, starts[m], count, queryFilter, budgets[m], candidates.AsSpan(found));
                }
                // Slots to positions, reading the 3-byte ids a few entries behind their prefetch.
                var id = _ids[t];
                for (int k = 0; k < found; k++)
                {
                    if (k + PrefetchDistance < found)
                        Prefetch(ref id[3 * candidates[k + PrefetchDistance]]);
                    candidates[k] = (int)(Unsafe.ReadUnaligned<uint>(ref id[3 * candidates[k]]) & 0xFFFFFF);
                }
            }
            stats.CandidatesVerified += found;

            // Phase 3: verify, reading bits 128..255 first (they reject a random candidate alone).
            for (int k = 0; k < found; k++)
            {
                if (k + PrefetchDistance < found)
                    Prefetch(ref Unsafe.As<ulong, byte>(ref _hi[2 * candidates[k + PrefetchDistance]]));
                Verify(candidates[k], t, radius, maxDistance, q, queryIndex, results);
            }
        }
    }

    private const int Vector256Width = 32;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Prefetch(ref byte address)
    {
        if (Sse.IsSupported)
            Sse.Prefetch0(Unsafe.AsPointer(ref address));
    }

    /// <summary>
    /// Checks the candidate at <paramref name="p"/> found through table <paramref name="table"/> and
    /// reports it if it is within the radius and <paramref name="table"/> is the first table whose
    /// chunk lies within the per-chunk radius (every other table that sees it stays silent).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Verify(int p, int table, int radius, int maxDistance, in QueryBits q, int queryIndex, List<PdqMatch> results)
    {
        ulong h2 = _hi[2 * p], h3 = _hi[2 * p + 1];
        int distance = BitOperations.PopCount(h2 ^ q.W2) + BitOperations.PopCount(h3 ^ q.W3);
        if (distance > maxDistance)
            return;
        ulong h1 = _w1[p];
        distance += BitOperations.PopCount(h1 ^ q.W1);
        if (distance > maxDistance)
            return;
        ulong h0 = Chunk0At(p) | ((ulong)_chunk1[p] << 32);
        distance += BitOperations.PopCount(h0 ^ q.W0);
        if (distance > maxDistance || IsDead(p))
            return;
        if (table > 0)
        {
            for (int t = 0; t < table; t++)
            {
                if (BitOperations.PopCount(Chunk(h0, h1, h2, h3, t) ^ q.Chunk(t)) <= radius)
                    return;
            }
            if (BitOperations.PopCount(Chunk(h0, h1, h2, h3, table) ^ q.Chunk(table)) > radius)
                return;
        }
        results.Add(new PdqMatch(_keys[p], distance, queryIndex));
    }

    /// <summary>Compares the query with every stored hash: for wide radii, where probing would read most buckets anyway.</summary>
    public void SearchLinear(in PdqHash query, int maxDistance, int queryIndex, List<PdqMatch> results, ref SearchStatistics stats)
    {
        var q = new QueryBits(query);
        stats.LinearComparisons += _count;
        var directory = _directories[0];
        for (int bucket = 0; bucket < directory.Length - 1; bucket++)
        {
            int end = directory[bucket + 1];
            ulong bucketBits = (ulong)bucket << (32 - _prefixBits);
            for (int p = directory[bucket]; p < end; p++)
            {
                // All four words, then one branch: at wide radii half of all hashes pass any partial
                // test, and a mispredicted branch per hash costs more than reading the rest.
                int distance = BitOperations.PopCount(_hi[2 * p] ^ q.W2) + BitOperations.PopCount(_hi[2 * p + 1] ^ q.W3)
                               + BitOperations.PopCount(_w1[p] ^ q.W1)
                               + BitOperations.PopCount((bucketBits | _chunk0Low[p] | ((ulong)_chunk1[p] << 32)) ^ q.W0);
                if (distance <= maxDistance && !IsDead(p))
                    results.Add(new PdqMatch(_keys[p], distance, queryIndex));
            }
        }
    }

    /// <summary>The query's limbs, unpacked once.</summary>
    internal readonly struct QueryBits(in PdqHash hash)
    {
        public readonly ulong W0 = hash.GetLimb(0), W1 = hash.GetLimb(1), W2 = hash.GetLimb(2), W3 = hash.GetLimb(3);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public uint Chunk(int table) => PdqLevel.Chunk(W0, W1, W2, W3, table);
    }

    // ---- snapshot ----

    /// <summary>Writes the level's arrays, raw and little-endian, so that loading is a read per array.</summary>
    public void WriteTo(Stream stream)
    {
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteInt32LittleEndian(header, _count);
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], DeadCount);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], _prefixBits);
        stream.Write(header);
        Write(stream, _keys.AsSpan());
        Write(stream, _hi.AsSpan());
        Write(stream, _w1.AsSpan());
        Write(stream, _chunk1.AsSpan());
        Write(stream, _chunk0Low.AsSpan(0, _count));
        Write(stream, _dead.AsSpan());
        for (int t = 0; t < TableCount; t++)
        {
            Write(stream, _directories[t].AsSpan());
            if (t > 0)
            {
                Write(stream, _filters[t].AsSpan(0, _count));
                Write(stream, _ids[t].AsSpan(0, 3 * _count));
            }
        }
    }

    private static void Write<T>(Stream stream, ReadOnlySpan<T> values) where T : unmanaged =>
        stream.Write(MemoryMarshal.AsBytes(values));

    /// <summary>Reads a level written by <see cref="WriteTo"/>, checking every structural invariant a search relies on.</summary>
    public static PdqLevel ReadFrom(Stream stream)
    {
        Span<byte> header = stackalloc byte[12];
        ReadExactly(stream, header);
        int n = BinaryPrimitives.ReadInt32LittleEndian(header);
        int deadCount = BinaryPrimitives.ReadInt32LittleEndian(header[4..]);
        int prefixBits = BinaryPrimitives.ReadInt32LittleEndian(header[8..]);
        if (n < 0 || n > MaxEntries || deadCount < 0 || deadCount > n || prefixBits is < MinPrefixBits or > MaxPrefixBits)
            throw new InvalidDataException($"snapshot level header is corrupt (count {n}, removed {deadCount}, prefix bits {prefixBits})");
        int directoryLength = (1 << prefixBits) + 1;
        var keys = Read<int>(stream, n, n);
        var hi = Read<ulong>(stream, 2 * n, 2 * n);
        var w1 = Read<ulong>(stream, n, n);
        var chunk1 = Read<uint>(stream, n, n);
        var chunk0Low = Read<ushort>(stream, n, n + FilterScan.Padding);
        var dead = Read<ulong>(stream, (n + 63) / 64, (n + 63) / 64);
        var directories = new int[TableCount][];
        var filters = new byte[TableCount][];
        var ids = new byte[TableCount][];
        filters[0] = [];
        ids[0] = [];
        for (int t = 0; t < TableCount; t++)
        {
            var directory = directories[t] = Read<int>(stream, directoryLength, directoryLength);
            CheckDirectory(directory, n, t);
            if (t == 0)
                continue;
            filters[t] = Read<byte>(stream, n, n + FilterScan.Padding);
            var id = ids[t] = Read<byte>(stream, 3 * n, 3 * n + 1);
            for (int slot = 0; slot < n; slot++)
            {
                if ((Unsafe.ReadUnaligned<uint>(ref id[3 * slot]) & 0xFFFFFF) >= (uint)n)
                    throw new InvalidDataException($"snapshot table {t} points outside the level");
            }
        }
        int deadBits = 0;
        foreach (ulong word in dead)
            deadBits += BitOperations.PopCount(word);
        if (deadBits != deadCount)
            throw new InvalidDataException("snapshot removal marks do not add up");
        return new PdqLevel(n, prefixBits, keys, hi, w1, chunk1, chunk0Low, directories, filters, ids, dead, deadCount);
    }

    private static void CheckDirectory(int[] directory, int n, int table)
    {
        if (directory[0] != 0 || directory[^1] != n)
            throw new InvalidDataException($"snapshot table {table} directory does not cover the level");
        for (int b = 1; b < directory.Length; b++)
        {
            if (directory[b] < directory[b - 1])
                throw new InvalidDataException($"snapshot table {table} directory is not ordered");
        }
    }

    private static T[] Read<T>(Stream stream, int count, int length) where T : unmanaged
    {
        var values = new T[length];
        ReadExactly(stream, MemoryMarshal.AsBytes(values.AsSpan(0, count)));
        return values;
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer)
    {
        try
        {
            stream.ReadExactly(buffer);
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException("snapshot is truncated");
        }
    }
}

/// <summary>Per-thread buffers a search reuses, so that a query allocates nothing.</summary>
internal sealed class SearchScratch
{
    [ThreadStatic]
    private static SearchScratch? t_current;

    public static SearchScratch Current => t_current ??= new SearchScratch();

    public int[] BucketStarts = new int[1024];
    public int[] BucketCounts = new int[1024];
    public int[] BucketBudgets = new int[1024];
    public int[] Candidates = new int[16384];

    public void EnsureBuckets(int count)
    {
        if (BucketStarts.Length >= count)
            return;
        int size = (int)BitOperations.RoundUpToPowerOf2((uint)count);
        BucketStarts = new int[size];
        BucketCounts = new int[size];
        BucketBudgets = new int[size];
    }

    public void EnsureCandidates(int count)
    {
        if (Candidates.Length < count)
            Candidates = new int[(int)BitOperations.RoundUpToPowerOf2((uint)count)];
    }
}
