namespace Vigil.Matching;

/// <summary>One stored hash within the search radius of a query.</summary>
/// <param name="Key">The key the hash was stored under (for banks: the content id).</param>
/// <param name="Distance">Hamming distance to the nearest query variant (0..256).</param>
/// <param name="QueryIndex">Which of the query's hashes was nearest (0 for a single hash; for the
/// eight dihedral variants, the variant's index).</param>
public readonly record struct PdqMatch(int Key, int Distance, int QueryIndex);

/// <summary>What one search did: the work the figures in docs/benchmarks.md are explained by.</summary>
public struct SearchStatistics
{
    /// <summary>Buckets read from the eight tables.</summary>
    public long BucketsProbed;

    /// <summary>Table entries whose inline filter was tested.</summary>
    public long EntriesScanned;

    /// <summary>Entries that passed the filter and had their stored hash read.</summary>
    public long CandidatesVerified;

    /// <summary>Hashes compared one by one (the small unsorted tail, or a level searched linearly).</summary>
    public long LinearComparisons;

    /// <summary>Adds another search's counts to this one.</summary>
    public void Add(in SearchStatistics other)
    {
        BucketsProbed += other.BucketsProbed;
        EntriesScanned += other.EntriesScanned;
        CandidatesVerified += other.CandidatesVerified;
        LinearComparisons += other.LinearComparisons;
    }
}
