using System.Collections.Concurrent;
using Vigil.Hashing.Pdq;
using Vigil.Media;
using Vigil.Media.Processing;
using Vigil.ImageHashing;

namespace Vigil.Cli.Quality;

/// <summary>What a study measures and how.</summary>
/// <param name="Transforms">The edits made to every image.</param>
/// <param name="Modes">The ways of matching measured.</param>
/// <param name="MaxDistance">The distance at or under which a pair matches (recall and the impostor rate are reported there).</param>
/// <param name="MinQuality">Hashes of lower quality are not matched (as <c>vigil match --min-quality</c>).</param>
/// <param name="Seed">Seeds every random edit.</param>
/// <param name="MaxSide">Images are first shrunk to at most this many pixels on their long side (the hash sees 64x64; this keeps a study of large photos quick).</param>
/// <param name="Threads">Images hashed at once.</param>
internal sealed record QualityStudyOptions(IReadOnlyList<QualityTransform> Transforms, IReadOnlyList<QualityMode> Modes, int MaxDistance, int MinQuality,
    int Seed, int MaxSide, int Threads)
{
    /// <summary>The bank side's variants (<see cref="RobustBankHasher.DefaultVariants"/> when null).</summary>
    public IReadOnlyList<BankVariant>? BankVariants { get; init; }
}

/// <summary>
/// Hashes every image and every edited copy of it the ways the modes need, then measures: each copy against its own
/// original (recall), and every query against every other original and every impostor image as the bank would hold
/// them (impostor pairs: the false-match rate and the thresholds at a given false-match rate).
/// </summary>
internal static class QualityStudy
{
    /// <summary>The hashed images: originals (and impostor images, which are bank entries too) and queries.</summary>
    internal sealed record Hashed(IReadOnlyList<QualityOriginal> Originals, int ImpostorOriginals, IReadOnlyList<QualityQuery> Queries, IReadOnlyList<string> Failed)
    {
        /// <summary>Images left out because their plain hash is within the distance of an earlier image's: near-duplicates, whose pairs are not impostors.</summary>
        public IReadOnlyList<string> NearDuplicates { get; init; } = [];
    }

    /// <summary>Hashes <paramref name="images"/> (each with every transform) and <paramref name="impostors"/> (as they are); <paramref name="progress"/> counts images done.</summary>
    public static Hashed Hash(IReadOnlyList<string> images, IReadOnlyList<string> impostors, QualityStudyOptions options, Action? progress)
    {
        int total = images.Count + impostors.Count;
        var originals = new QualityOriginal?[total];
        var queries = new ConcurrentBag<QualityQuery>();
        var failed = new ConcurrentBag<string>();
        Parallel.For(0, total, new ParallelOptions { MaxDegreeOfParallelism = options.Threads },
            () => new Worker(options),
            (i, _, worker) =>
            {
                bool impostor = i >= images.Count;
                string path = impostor ? impostors[i - images.Count] : images[i];
                try
                {
                    originals[i] = worker.HashImage(path, i, impostor, queries);
                }
                catch (Exception e) when (e is ImageDecodeException or IOException or UnauthorizedAccessException)
                {
                    failed.Add($"{path}: {e.Message}");
                }
                progress?.Invoke();
                return worker;
            },
            worker => worker.Dispose());
        // Drop the images that failed, and near-duplicates of an image kept before them (a set of game art or burst
        // photos has many: their copies would count as false matches of the other), renumbering the queries' originals.
        var kept = new List<QualityOriginal>(total);
        var renumber = new int[total];
        var duplicates = new List<string>();
        int keptImages = 0;
        for (int i = 0; i < total; i++)
        {
            renumber[i] = -1;
            if (originals[i] is not { } original)
                continue;
            if (IsNearDuplicate(original, kept, options.MaxDistance))
            {
                duplicates.Add(original.Path);
                continue;
            }
            renumber[i] = kept.Count;
            kept.Add(original);
            if (i < images.Count)
                keptImages++;
        }
        var ordered = queries.Where(q => renumber[q.Original] >= 0).Select(q => q with { Original = renumber[q.Original] })
            .OrderBy(q => q.Original).ThenBy(q => q.Transform).ToList();
        return new Hashed(kept, kept.Count - keptImages, ordered, [.. failed.Order(StringComparer.Ordinal)]) { NearDuplicates = duplicates };
    }

    private static bool IsNearDuplicate(QualityOriginal original, List<QualityOriginal> kept, int maxDistance)
    {
        foreach (var other in kept)
        {
            if (PdqHash.Distance(original.Plain, other.Plain) <= maxDistance)
                return true;
        }
        return false;
    }

    /// <summary>One thread's decoder and hashers.</summary>
    private sealed class Worker(QualityStudyOptions options) : IDisposable
    {
        private readonly bool _bankSide = options.Modes.Any(m => m.BankSide);
        private readonly QueryMode _queryMode = options.Modes.Any(m => m.QuerySide) ? QueryMode.Robust : QueryMode.Dihedral;
        private readonly ImageDecoder _decoder = new(new DecodeOptions());
        private readonly PdqHasher _pdq = new();
        private QueryHasher? _query;
        private RobustBankHasher? _bank;

        private QueryHasher Query => _query ??= new QueryHasher(_pdq);
        private RobustBankHasher Bank => _bank ??= new RobustBankHasher(_pdq, options.BankVariants);

        /// <summary>The original as the bank holds it; its copies (or, for an impostor, itself) go into <paramref name="queries"/>.</summary>
        public QualityOriginal HashImage(string path, int index, bool impostor, ConcurrentBag<QualityQuery> queries)
        {
            using var decoded = _decoder.DecodeFile(path);
            using var shrunk = ImageEdits.ShrinkToFit(decoded, options.MaxSide);
            var image = shrunk ?? decoded;
            var plain = _pdq.HashRgb(image.Pixels, image.Width, image.Height);
            var derived = _bankSide ? Bank.Hash(image).Select(h => h.Pdq.Hash).ToArray() : [];
            if (impostor)
            {
                queries.Add(QueryOf(image, index, -1));
            }
            else
            {
                for (int t = 0; t < options.Transforms.Count; t++)
                {
                    int seed = StableSeed(options.Seed, Path.GetFileName(path), options.Transforms[t].Name);
                    using var copy = options.Transforms[t].Apply(image, seed);
                    queries.Add(QueryOf(copy, index, t));
                }
            }
            return new QualityOriginal(path, plain.Hash, plain.Quality, derived);
        }

        private QualityQuery QueryOf(RgbImage image, int original, int transform)
        {
            var hashes = Query.Hash(image, _queryMode);
            var all = new PdqHash[hashes.Count];
            var qualities = new int[hashes.Count];
            for (int i = 0; i < all.Length; i++)
            {
                all[i] = hashes.Hashes[i];
                qualities[i] = hashes.Qualities[i];
            }
            return new QualityQuery(original, transform, all, qualities, qualities[0]);
        }

        /// <summary>A seed from the study's seed, the file's name and the transform's (HashCode is randomised per process; this is not).</summary>
        private static int StableSeed(int seed, string file, string transform)
        {
            uint hash = 2166136261u ^ (uint)seed;
            foreach (char c in file + "\n" + transform)
                hash = (hash ^ c) * 16777619u;
            return (int)(hash & int.MaxValue);
        }

        public void Dispose() => _decoder.Dispose();
    }
}
