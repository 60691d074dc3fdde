using Vigil.Hashing.Pdq;

namespace Vigil.Cli.Quality;

/// <summary>Turns a study's hashes into its figures: genuine distances per transform and impostor distances, per mode.</summary>
internal static class QualityEvaluation
{
    /// <summary>Distance buckets 0..256; 256 stands for "no hash good enough to match".</summary>
    public const int Buckets = PdqHash.BitCount + 1;

    public static IReadOnlyList<ModeReport> Evaluate(QualityStudy.Hashed hashed, QualityStudyOptions options)
    {
        var reports = new List<ModeReport>(options.Modes.Count);
        foreach (var mode in options.Modes)
            reports.Add(EvaluateMode(hashed, options, mode));
        return reports;
    }

    private static ModeReport EvaluateMode(QualityStudy.Hashed hashed, QualityStudyOptions options, QualityMode mode)
    {
        var originals = hashed.Originals;
        var queries = hashed.Queries;
        // The copy's own hashes against the original's plain one, and the extras (inner pictures, the bank's variants)
        // against all of it; with ExtraMaxDistance the extras' distance is shifted so one threshold decides both.
        var own = new PdqHash[originals.Count][];
        var banks = new PdqHash[originals.Count][];
        var derived = new PdqHash[originals.Count][];
        for (int o = 0; o < banks.Length; o++)
        {
            own[o] = [originals[o].Plain];
            derived[o] = mode.BankSide ? [.. originals[o].Derived] : [];
            banks[o] = [originals[o].Plain, .. derived[o]];
        }
        int penalty = options.MaxDistance - mode.ExtraDistance(options.MaxDistance);

        var genuine = new int[options.Transforms.Count][];
        var lowQuality = new int[options.Transforms.Count];
        var copies = new int[options.Transforms.Count];
        for (int t = 0; t < genuine.Length; t++)
            genuine[t] = new int[Buckets];
        var impostor = new long[Buckets];
        object gate = new();
        Parallel.For(0, queries.Count, new ParallelOptions { MaxDegreeOfParallelism = options.Threads },
            () => (Impostor: new long[Buckets], Own: new List<PdqHash>(8), Extra: new List<PdqHash>(32)),
            (q, _, local) =>
            {
                var query = queries[q];
                local.Own.Clear();
                local.Extra.Clear();
                for (int i = 0; i < query.Hashes.Length; i++)
                {
                    if (mode.Uses(i) && query.Qualities[i] >= options.MinQuality)
                        (QualityMode.IsOwn(i) ? local.Own : local.Extra).Add(query.Hashes[i]);
                }
                for (int o = 0; o < banks.Length; o++)
                {
                    int extra = Math.Min(MinDistance(local.Extra, banks[o]), MinDistance(local.Own, derived[o]));
                    int d = Math.Min(MinDistance(local.Own, own[o]), extra == PdqHash.BitCount ? extra : Math.Min(PdqHash.BitCount, Math.Max(0, extra + penalty)));
                    if (o == query.Original)
                    {
                        if (query.Transform < 0)
                            continue;
                        lock (gate)
                        {
                            genuine[query.Transform][d]++;
                            copies[query.Transform]++;
                            if (query.PlainQuality < options.MinQuality)
                                lowQuality[query.Transform]++;
                        }
                    }
                    else
                    {
                        local.Impostor[d]++;
                    }
                }
                return local;
            },
            local =>
            {
                lock (gate)
                {
                    for (int d = 0; d < Buckets; d++)
                        impostor[d] += local.Impostor[d];
                }
            });

        var impostors = Impostors(impostor, options.MaxDistance);
        var transforms = new List<TransformReport>(options.Transforms.Count);
        double sum = 0;
        for (int t = 0; t < options.Transforms.Count; t++)
        {
            var histogram = genuine[t];
            int n = copies[t];
            double recall = Share(histogram, options.MaxDistance, n);
            sum += recall;
            transforms.Add(new TransformReport(options.Transforms[t].Name, n, recall,
                impostors.ThresholdFmr1e3 is { } t3 ? Share(histogram, t3, n) : null,
                impostors.ThresholdFmr1e6 is { } t6 ? Share(histogram, t6, n) : null,
                n == 0 ? 0 : (double)lowQuality[t] / n,
                Percentile(histogram, n, 0.10), Percentile(histogram, n, 0.50), Percentile(histogram, n, 0.90), histogram));
        }
        return new ModeReport(mode.Name, mode.Description, options.Transforms.Count == 0 ? 0 : sum / options.Transforms.Count, impostors, transforms);
    }

    /// <summary>The smallest distance between any of the query's usable hashes and any of the bank entry's; 256 when the query has none.</summary>
    internal static int MinDistance(List<PdqHash> query, PdqHash[] bank)
    {
        int best = PdqHash.BitCount;
        foreach (var q in query)
        {
            foreach (var b in bank)
            {
                int d = PdqHash.Distance(q, b);
                if (d < best)
                    best = d;
            }
        }
        return best;
    }

    /// <summary>The impostor figures from the histogram of impostor distances.</summary>
    internal static ImpostorReport Impostors(long[] histogram, int maxDistance)
    {
        // A query with no hash good enough to match (bucket 256) cannot match anything: it is not a pair that tests the hash.
        long pairs = 0;
        for (int d = 0; d < PdqHash.BitCount; d++)
            pairs += histogram[d];
        long matches = 0;
        for (int d = 0; d <= maxDistance; d++)
            matches += histogram[d];
        var (low, high) = Wilson(matches, pairs);
        return new ImpostorReport(pairs, matches, pairs == 0 ? 0 : (double)matches / pairs, low, high,
            Threshold(histogram, pairs, 1e-3), Threshold(histogram, pairs, 1e-6), histogram);
    }

    /// <summary>
    /// The largest distance at which at most <paramref name="rate"/> of the impostor pairs match, or null when there are too
    /// few pairs to tell that rate (under 1/rate); -1 when even distance 0 matches too many.
    /// </summary>
    internal static int? Threshold(long[] histogram, long pairs, double rate)
    {
        if (pairs == 0 || pairs * rate < 1)
            return null;
        long allowed = (long)Math.Floor(pairs * rate);
        long cumulative = 0;
        for (int d = 0; d < PdqHash.BitCount; d++)
        {
            cumulative += histogram[d];
            if (cumulative > allowed)
                return d - 1;
        }
        return PdqHash.BitCount - 1;
    }

    /// <summary>The 95% Wilson score interval of <paramref name="k"/> successes in <paramref name="n"/>.</summary>
    internal static (double Low, double High) Wilson(long k, long n)
    {
        if (n == 0)
            return (0, 1);
        const double z = 1.959963984540054;
        double p = (double)k / n, z2 = z * z;
        double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
        double half = z * Math.Sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / (1 + z2 / n);
        return (Math.Max(0, centre - half), Math.Min(1, centre + half));
    }

    private static double Share(int[] histogram, int maxDistance, int n)
    {
        if (n == 0 || maxDistance < 0)
            return 0;
        long hits = 0;
        for (int d = 0; d <= maxDistance && d < histogram.Length; d++)
            hits += histogram[d];
        return (double)hits / n;
    }

    private static int Percentile(int[] histogram, int n, double p)
    {
        if (n == 0)
            return 0;
        long want = (long)Math.Ceiling(p * n), seen = 0;
        for (int d = 0; d < histogram.Length; d++)
        {
            seen += histogram[d];
            if (seen >= Math.Max(1, want))
                return d;
        }
        return histogram.Length - 1;
    }
}
