using FsCheck;
using FsCheck.Fluent;
using Vigil.Hashing.Pdq;
using Vigil.Testing;

namespace Vigil.Matching.Tests;

public class PdqIndexTests
{
    [Theory]
    [InlineData(false, 0)]
    [InlineData(false, 7)]
    [InlineData(false, 15)]
    [InlineData(false, 31)]
    [InlineData(false, 32)]
    [InlineData(false, 47)]
    [InlineData(false, 48)]
    [InlineData(false, 63)]
    [InlineData(true, 0)]
    [InlineData(true, 15)]
    [InlineData(true, 31)]
    [InlineData(true, 63)]
    public void Finds_exactly_what_brute_force_finds(bool clustered, int maxDistance)
    {
        var rng = new Random(maxDistance * 2 + (clustered ? 1 : 0));
        var hashes = clustered ? HashSets.Clustered(20_000, rng) : HashSets.Uniform(20_000, rng);
        var keys = HashSets.Keys(hashes.Length);
        var index = PdqIndex.Build(hashes, keys);
        for (int q = 0; q < 60; q++)
        {
            // Queries at, inside and just outside the radius of a stored hash, and unrelated ones.
            var query = q % 6 == 5 ? HashSets.Random(rng)
                : HashSets.Flip(hashes[rng.Next(hashes.Length)], Math.Max(0, maxDistance - 2 + q % 5), rng);
            Assert.Equal(HashSets.BruteForce(hashes, keys, query, maxDistance), HashSets.Search(index, query, maxDistance));
        }
    }

    [Theory]
    [InlineData(17, false)]
    [InlineData(18, false)]
    [InlineData(18, true)]
    public void Wider_directories_find_exactly_what_brute_force_finds(int prefixBits, bool clustered)
    {
        var rng = new Random(prefixBits);
        var hashes = clustered ? HashSets.Clustered(30_000, rng) : HashSets.Uniform(30_000, rng);
        var keys = HashSets.Keys(hashes.Length);
        var index = PdqIndex.BuildSingleLevel(hashes, keys, prefixBits);
        foreach (int maxDistance in new[] { 0, 9, 31, 40 })
        {
            for (int q = 0; q < 25; q++)
            {
                var query = HashSets.FlipInChunks(hashes[rng.Next(hashes.Length)], maxDistance, q % 2 == 0 ? [0] : [0, 1, 2, 3, 4, 5, 6, 7], rng);
                Assert.Equal(HashSets.BruteForce(hashes, keys, query, maxDistance), HashSets.Search(index, query, maxDistance));
            }
        }
        // Removal and snapshot paths reconstruct chunk 0 from the wider directory too.
        Assert.True(index.Remove(hashes[7], keys[7]));
        var copy = new MemoryStream();
        index.Save(copy);
        copy.Position = 0;
        var loaded = PdqIndex.Load(copy, out _);
        Assert.DoesNotContain(HashSets.Search(loaded, hashes[7], 0), m => m.Key == keys[7]);
        Assert.Equal(HashSets.Search(index, hashes[8], 31), HashSets.Search(loaded, hashes[8], 31));
    }

    [Fact]
    public void Property_recall_is_one_on_random_and_clustered_data_with_bits_flipped_inside_few_chunks()
    {
        // Distance exactly at the radius, concentrated in one to three chunks: the case where only
        // the pigeonhole argument (some chunk within floor(D/8)) saves the match.
        var gen =
            from seed in Gen.Choose(0, int.MaxValue)
            from size in Gen.Choose(100, 3000)
            from clustered in Gen.Elements(false, true)
            from maxDistance in Gen.Choose(0, 63)
            select (seed, size, clustered, maxDistance);
        Prop.ForAll(gen.ToArbitrary(), c =>
        {
            var rng = new Random(c.seed);
            var hashes = c.clustered ? HashSets.Clustered(c.size, rng) : HashSets.Uniform(c.size, rng);
            var keys = HashSets.Keys(c.size);
            var index = PdqIndex.Build(hashes, keys);
            for (int q = 0; q < 8; q++)
            {
                int[] chunks = (q % 3) switch { 0 => new[] { rng.Next(8) }, 1 => new[] { rng.Next(8), rng.Next(8) }, _ => new[] { 0, 1, 2, 3, 4, 5, 6, 7 } };
                var query = HashSets.FlipInChunks(hashes[rng.Next(c.size)], c.maxDistance, chunks, rng);
                if (!HashSets.BruteForce(hashes, keys, query, c.maxDistance).SequenceEqual(HashSets.Search(index, query, c.maxDistance)))
                    return false;
            }
            return true;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Needles_against_haystack_give_the_reference_pair_counts()
    {
        var haystack = ReadHashes("haystack.txt");
        var needles = ReadHashes("needles.txt");
        var index = PdqIndex.Build(haystack, Enumerable.Range(0, haystack.Length).ToArray());
        foreach (var (distance, expected) in new[] { (15, 151), (31, 250), (63, 352) })
        {
            int pairs = 0;
            foreach (var needle in needles)
                pairs += HashSets.Search(index, needle, distance).Count;
            Assert.Equal(expected, pairs);
        }
    }

    private static PdqHash[] ReadHashes(string name) =>
        File.ReadAllLines(Fixtures.ThreatExchange("pdq/data/reg-test-input/" + name))
            .Where(l => l.Length > 0).Select(l => PdqHash.Parse(l)).ToArray();

    [Fact]
    public void Dihedral_queries_return_each_key_once_with_the_nearest_variant()
    {
        var rng = new Random(5);
        var hashes = HashSets.Uniform(5000, rng);
        var index = PdqIndex.Build(hashes, HashSets.Keys(hashes.Length));
        var near = HashSets.Flip(hashes[10], 4, rng);
        var nearer = HashSets.Flip(hashes[10], 1, rng);
        PdqHash[] variants = [HashSets.Random(rng), near, nearer, HashSets.Flip(hashes[20], 30, rng)];
        var results = new List<PdqMatch>();
        var stats = new SearchStatistics();
        index.Search(variants, 31, results, ref stats);
        Assert.Equal([new PdqMatch(10 * 7 + 3, 1, 2), new PdqMatch(20 * 7 + 3, 30, 3)], results);
        Assert.True(stats.CandidatesVerified > 0);
    }

    [Fact]
    public void Adds_and_removes_incrementally_and_stays_exact()
    {
        var rng = new Random(11);
        var index = new PdqIndex();
        var live = new List<(PdqHash Hash, int Key)>();
        for (int round = 0; round < 30; round++)
        {
            var batch = HashSets.Clustered(rng.Next(1, 3000), rng);
            var keys = batch.Select(_ => rng.Next()).ToArray();
            if (round % 3 == 0)
            {
                for (int i = 0; i < batch.Length; i++)
                    index.Add(batch[i], keys[i]);
            }
            else
            {
                index.AddRange(batch, keys);
            }
            live.AddRange(batch.Zip(keys));
            for (int r = 0; r < live.Count / 4; r++)
            {
                int at = rng.Next(live.Count);
                Assert.True(index.Remove(live[at].Hash, live[at].Key));
                live[at] = live[^1];
                live.RemoveAt(live.Count - 1);
            }
            Assert.False(index.Remove(HashSets.Random(rng), 1));
            Assert.Equal(live.Count, index.Count);
            var hashes = live.Select(e => e.Hash).ToList();
            var liveKeys = live.Select(e => e.Key).ToList();
            for (int q = 0; q < 10; q++)
            {
                var query = HashSets.Flip(hashes[rng.Next(hashes.Count)], rng.Next(32), rng);
                Assert.Equal(HashSets.BruteForce(hashes, liveKeys, query, 31), HashSets.Search(index, query, 31));
            }
        }
        Assert.InRange(index.LevelCount, 1, 8);
    }

    [Fact]
    public void Snapshot_round_trips_with_its_tag_and_removals()
    {
        var rng = new Random(3);
        var hashes = HashSets.Clustered(10_000, rng);
        var keys = HashSets.Keys(hashes.Length);
        var index = PdqIndex.Build(hashes, keys);
        index.Remove(hashes[5], keys[5]);
        index.Add(HashSets.Random(rng), 99);
        using var dir = new TempDirectory();
        string path = dir.File("index.snap");
        index.Save(path, tag: 1234);
        var loaded = PdqIndex.Load(path, out long tag);
        Assert.Equal(1234, tag);
        Assert.Equal(index.Count, loaded.Count);
        Assert.Equal(index.MemoryBytes, loaded.MemoryBytes);
        for (int q = 0; q < 50; q++)
        {
            var query = HashSets.Flip(hashes[rng.Next(hashes.Length)], rng.Next(40), rng);
            Assert.Equal(HashSets.Search(index, query, 31), HashSets.Search(loaded, query, 31));
        }
        Assert.DoesNotContain(HashSets.Search(loaded, hashes[5], 0), m => m.Key == keys[5]);
    }

    [Fact]
    public void Damaged_snapshots_are_refused_with_a_clear_error_never_a_crash()
    {
        var rng = new Random(4);
        var index = PdqIndex.Build(HashSets.Uniform(3000, rng), HashSets.Keys(3000));
        var stream = new MemoryStream();
        index.Save(stream);
        byte[] good = stream.ToArray();
        foreach (int length in new[] { 0, 7, 31, 32, 100, good.Length / 2, good.Length - 1 })
            Assert.Throws<InvalidDataException>(() => PdqIndex.Load(new MemoryStream(good[..length]), out _));
        Assert.Throws<InvalidDataException>(() => PdqIndex.Load(new MemoryStream("not an index at all, just text"u8.ToArray()), out _));

        // Flipped bytes: either refused, or loaded into something that still answers without throwing.
        for (int trial = 0; trial < 200; trial++)
        {
            byte[] bad = (byte[])good.Clone();
            for (int k = 0; k < 1 + trial % 4; k++)
                bad[rng.Next(bad.Length)] ^= (byte)(1 << rng.Next(8));
            PdqIndex loaded;
            try
            {
                loaded = PdqIndex.Load(new MemoryStream(bad), out _);
            }
            catch (InvalidDataException)
            {
                continue;
            }
            HashSets.Search(loaded, HashSets.Random(rng), 31);
        }
    }

    [Fact]
    public void Rejects_distances_outside_0_to_63()
    {
        var index = PdqIndex.Build(HashSets.Uniform(10, new Random(1)), HashSets.Keys(10));
        Assert.Throws<ArgumentOutOfRangeException>(() => index.Search(PdqHash.Zero, 64, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => index.Search(PdqHash.Zero, -1, []));
    }

    [Fact]
    public void Memory_is_62_bytes_per_hash_plus_a_removal_bit_plus_fixed_directories()
    {
        var rng = new Random(9);
        const int n = 1_000_000;
        var index = PdqIndex.Build(HashSets.Uniform(n, rng), HashSets.Keys(n));
        long directories = 8L * ((1 << PdqLevel.PrefixBitsFor(n)) + 1) * 4;
        long perHash = 62L * n + n / 8;
        Assert.InRange(index.MemoryBytes - directories - perHash, 0, 8 * 64);
    }

    [Fact]
    public void Directory_width_keeps_ten_million_hashes_under_64_bytes_each()
    {
        // The 10M figure itself is measured by 'vigil bench index' (docs/benchmarks.md); this pins the
        // layout choice it depends on: 62.125 bytes per hash plus 8 directories of 2^18 entries.
        int bits = PdqLevel.PrefixBitsFor(10_000_000);
        Assert.Equal(18, bits);
        Assert.True(62.125 + 8.0 * ((1 << bits) + 1) * 4 / 10_000_000 <= 64);
    }
}
