using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using Vigil.Hashing.Pdq;
using Vigil.Matching;

namespace Vigil.Benchmarks;

/// <summary>
/// One query against the PDQ index on one thread: uniformly random stored hashes (the hardest case),
/// a query planted within the radius of one of them; plain and with all eight dihedral variants.
/// The ten-million figure comes from <c>vigil bench index</c> (BenchmarkDotNet's repeated builds at
/// that size take too long); this tracks the per-query cost at one and four million.
/// </summary>
[MemoryDiagnoser]
public class IndexBenchmarks
{
    private PdqIndex _index = null!;
    private PdqHash[] _queries = [];
    private readonly List<PdqMatch> _results = [];
    private int _next;

    [Params(1_000_000, 4_000_000)]
    public int Size { get; set; }

    [Params(31)]
    public int MaxDistance { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(7);
        var hashes = new PdqHash[Size];
        rng.NextBytes(MemoryMarshal.AsBytes(hashes.AsSpan()));
        var keys = new int[Size];
        for (int i = 0; i < Size; i++)
            keys[i] = i;
        _index = PdqIndex.Build(hashes, keys);
        _queries = new PdqHash[1024];
        for (int q = 0; q < _queries.Length; q++)
        {
            var h = hashes[rng.Next(Size)];
            _queries[q] = new PdqHash(h.GetLimb(0) ^ (1UL << rng.Next(64)), h.GetLimb(1) ^ (1UL << rng.Next(64)), h.GetLimb(2), h.GetLimb(3));
        }
    }

    [Benchmark]
    public int OneHash()
    {
        _results.Clear();
        var stats = new SearchStatistics();
        _index.Search([_queries[_next++ & 1023]], MaxDistance, _results, ref stats);
        return _results.Count;
    }

    [Benchmark]
    public int EightDihedralVariants()
    {
        _results.Clear();
        var stats = new SearchStatistics();
        var q = _queries[_next++ & 1023];
        ReadOnlySpan<PdqHash> variants = [q, _queries[(_next + 1) & 1023], _queries[(_next + 2) & 1023], _queries[(_next + 3) & 1023],
            _queries[(_next + 4) & 1023], _queries[(_next + 5) & 1023], _queries[(_next + 6) & 1023], _queries[(_next + 7) & 1023]];
        _index.Search(variants, MaxDistance, _results, ref stats);
        return _results.Count;
    }
}
