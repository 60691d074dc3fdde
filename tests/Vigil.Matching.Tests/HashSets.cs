using Vigil.Hashing.Pdq;

namespace Vigil.Matching.Tests;

/// <summary>Synthetic hash sets: uniform ones, and clustered ones that look like real banks (near-duplicates, skewed buckets).</summary>
internal static class HashSets
{
    public static PdqHash Random(Random rng) =>
        new((ulong)rng.NextInt64() ^ ((ulong)rng.Next() << 63), (ulong)rng.NextInt64() ^ ((ulong)rng.Next() << 63),
            (ulong)rng.NextInt64() ^ ((ulong)rng.Next() << 63), (ulong)rng.NextInt64() ^ ((ulong)rng.Next() << 63));

    /// <summary>Flips exactly <paramref name="bits"/> distinct bits of <paramref name="hash"/>.</summary>
    public static PdqHash Flip(PdqHash hash, int bits, Random rng)
    {
        Span<ulong> limbs = [hash.GetLimb(0), hash.GetLimb(1), hash.GetLimb(2), hash.GetLimb(3)];
        var chosen = new HashSet<int>();
        while (chosen.Count < bits)
            chosen.Add(rng.Next(256));
        foreach (int b in chosen)
            limbs[b >> 6] ^= 1UL << (b & 63);
        return new PdqHash(limbs[0], limbs[1], limbs[2], limbs[3]);
    }

    /// <summary>Flips bits only inside the given 32-bit chunks (stresses the per-chunk pigeonhole edge).</summary>
    public static PdqHash FlipInChunks(PdqHash hash, int bits, ReadOnlySpan<int> chunks, Random rng)
    {
        Span<ulong> limbs = [hash.GetLimb(0), hash.GetLimb(1), hash.GetLimb(2), hash.GetLimb(3)];
        var distinct = new HashSet<int>(chunks.ToArray());
        int[] pool = [.. distinct];
        var chosen = new HashSet<int>();
        while (chosen.Count < Math.Min(bits, 32 * pool.Length))
            chosen.Add(pool[rng.Next(pool.Length)] * 32 + rng.Next(32));
        foreach (int b in chosen)
            limbs[b >> 6] ^= 1UL << (b & 63);
        return new PdqHash(limbs[0], limbs[1], limbs[2], limbs[3]);
    }

    public static PdqHash[] Uniform(int count, Random rng)
    {
        var hashes = new PdqHash[count];
        for (int i = 0; i < count; i++)
            hashes[i] = Random(rng);
        return hashes;
    }

    /// <summary>
    /// A few centres with many near copies each (0..40 bits away), plus low-entropy hashes that
    /// share long runs of zero bits (as PDQ of flat images do), so buckets are badly skewed.
    /// </summary>
    public static PdqHash[] Clustered(int count, Random rng)
    {
        var centres = Uniform(Math.Max(1, count / 50), rng);
        var hashes = new PdqHash[count];
        for (int i = 0; i < count; i++)
        {
            hashes[i] = (i % 5) switch
            {
                4 => new PdqHash((ulong)rng.Next(1 << 12), 0, (ulong)rng.Next(1 << 8) << 40, 0),
                _ => Flip(centres[rng.Next(centres.Length)], rng.Next(41), rng),
            };
        }
        return hashes;
    }

    public static int[] Keys(int count)
    {
        var keys = new int[count];
        for (int i = 0; i < count; i++)
            keys[i] = i * 7 + 3;
        return keys;
    }

    /// <summary>The answer by brute force: (key, distance) of every stored hash within the radius, sorted by key.</summary>
    public static List<(int Key, int Distance)> BruteForce(IReadOnlyList<PdqHash> hashes, IReadOnlyList<int> keys, PdqHash query, int maxDistance)
    {
        var best = new Dictionary<int, int>();
        for (int i = 0; i < hashes.Count; i++)
        {
            int d = PdqHash.Distance(hashes[i], query);
            if (d <= maxDistance && (!best.TryGetValue(keys[i], out int old) || d < old))
                best[keys[i]] = d;
        }
        return best.OrderBy(p => p.Key).Select(p => (p.Key, p.Value)).ToList();
    }

    public static List<(int Key, int Distance)> Search(PdqIndex index, PdqHash query, int maxDistance)
    {
        var results = new List<PdqMatch>();
        index.Search(query, maxDistance, results);
        return results.OrderBy(m => m.Key).Select(m => (m.Key, m.Distance)).ToList();
    }
}
