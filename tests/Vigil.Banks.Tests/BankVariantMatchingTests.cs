using System.Runtime.InteropServices;
using Vigil.Hashing.Pdq;
using Vigil.Hashing.Signals;
using Vigil.Storage;
using Vigil.Storage.Sqlite;

namespace Vigil.Banks.Tests;

/// <summary>
/// The banks' own variants (pdq_variant signals): in an index of their own that only robust queries search, so
/// plain answers never change; followed through the change log and kept beside a snapshot of the plain hashes.
/// </summary>
public sealed class BankVariantMatchingTests : SqliteStoreTest
{
    private static NewContent WithVariants(PdqHash own, params PdqHash[] variants) =>
        new([new Signal(SignalType.Pdq, own.ToString()), .. variants.Select(v => new Signal(SignalType.PdqVariant, v.ToString()))]);

    [Fact]
    public async Task Only_a_robust_query_matches_a_variant_and_a_contents_own_hash_wins()
    {
        var rng = new Random(21);
        await using var store = await SqliteVigilStore.OpenAsync(DbPath);
        await store.CreateBankAsync(new NewBank("MEDIA"));
        PdqHash own = RandomHash(rng), crop = RandomHash(rng);
        var content = await store.AddContentAsync("MEDIA", WithVariants(own, crop));
        var matcher = await BankMatcher.LoadAsync(store, [], null, default);
        Assert.Equal((1, 1), (matcher.HashCount, matcher.VariantCount));

        Assert.Empty((await matcher.MatchAsync([Flip(crop, 4)], 31, null, default)).Matches);
        Assert.Empty((await matcher.MatchAsync([Flip(crop, 4)], 31, null, withContent: true, robust: null, default)).Matches);
        var match = Assert.Single((await matcher.MatchAsync([Flip(crop, 4)], 31, null, withContent: true, robust: new RobustSearch(1, 31), default)).Matches);
        Assert.Equal((content.Id, 4, SignalType.PdqVariant), (match.ContentId, match.Distance, match.Signal));
        // The stricter distance of a robust query's extras applies to the variants too.
        Assert.Empty((await matcher.MatchAsync([Flip(crop, 4)], 31, null, withContent: false, robust: new RobustSearch(1, 3), default)).Matches);

        // Matched by its own hash (distance 20) and by a variant (distance 2): the own hash is the answer.
        var between = Flip(own, 20);
        await store.AddContentAsync("MEDIA", WithVariants(RandomHash(rng)));
        var near = await store.AddContentAsync("MEDIA", WithVariants(RandomHash(rng), Flip(between, 2)));
        await matcher.CatchUpAsync(default);
        var outcome = await matcher.MatchAsync([between], 31, null, withContent: false, robust: new RobustSearch(1, 31), default);
        Assert.Equal([(content.Id, 20, SignalType.Pdq), (near.Id, 2, SignalType.PdqVariant)],
            outcome.Matches.Select(m => (m.ContentId, m.Distance, m.Signal)).OrderBy(m => m.ContentId));
    }

    [Fact]
    public async Task A_robust_querys_extras_match_only_within_their_stricter_distance_and_say_which_they_were()
    {
        var rng = new Random(23);
        await using var store = await SqliteVigilStore.OpenAsync(DbPath);
        await store.CreateBankAsync(new NewBank("LIST"));
        PdqHash listed = RandomHash(rng);
        var content = await store.AddContentAsync("LIST", WithVariants(listed));
        var matcher = await BankMatcher.LoadAsync(store, [], null, default);
        var unrelated = RandomHash(rng);

        // The whole image's hash at 20 matches (its distance is the query's); an extra at 20 does not (16 for extras), at 12 it does.
        Assert.Equal(20, Assert.Single((await matcher.MatchAsync([Flip(listed, 20), unrelated], 31, null, false, new RobustSearch(1, 16), default)).Matches).Distance);
        Assert.Empty((await matcher.MatchAsync([unrelated, Flip(listed, 20)], 31, null, false, new RobustSearch(1, 16), default)).Matches);
        var extra = Assert.Single((await matcher.MatchAsync([unrelated, RandomHash(rng), Flip(listed, 12)], 31, null, false, new RobustSearch(1, 16), default)).Matches);
        Assert.Equal((content.Id, 12, 2), (extra.ContentId, extra.Distance, extra.QueryIndex));
        Assert.Equal(20, RobustSearch.ExtraDistanceFor(31));
    }

    [Fact]
    public async Task Variants_added_and_removed_later_are_followed_and_survive_a_snapshot_load()
    {
        var rng = new Random(22);
        int count = BankIndexCache.MinimumHashes;
        var hashes = new PdqHash[count];
        rng.NextBytes(MemoryMarshal.AsBytes(hashes.AsSpan()));
        PdqHash crop = RandomHash(rng), later = RandomHash(rng);
        long withCrop;
        await using (var store = await SqliteVigilStore.OpenAsync(DbPath))
        {
            await store.CreateBankAsync(new NewBank("BIG"));
            await store.ImportAsync("BIG", hashes.Select((h, i) => ImportItem.Add(i == 7 ? WithVariants(h, crop) : WithVariants(h))));
            withCrop = Assert.Single(await store.LookupSignalAsync(new Signal(SignalType.Pdq, hashes[7].ToString()))).ContentId;
            var matcher = await BankMatcher.LoadAsync(store, [], null, default);
            Assert.Equal((count, 1), (matcher.HashCount, matcher.VariantCount));

            // Followed: a variant added, then its content removed.
            var added = await store.AddContentAsync("BIG", WithVariants(RandomHash(rng), later));
            Assert.Equal(2, await matcher.CatchUpAsync(default));
            Assert.Equal(added.Id, Assert.Single((await Robust(matcher, later)).Matches).ContentId);
            await store.RemoveContentAsync(added.Id);
            await matcher.CatchUpAsync(default);
            Assert.Empty((await Robust(matcher, later)).Matches);
        }
        Assert.True(File.Exists(BankIndexCache.PathFor(Path.GetFullPath(DbPath))));

        // Loaded from the snapshot (plain hashes only): the variants are read beside it, with a change made since.
        await using (var store = await SqliteVigilStore.OpenAsync(DbPath))
        {
            var since = await store.AddContentAsync("BIG", WithVariants(RandomHash(rng), later));
            var log = new List<string>();
            BankMatcher matcher;
            using (BankIndexLog.Listen(log.Add, log.Add))
                matcher = await BankMatcher.LoadAsync(store, [], null, default);
            Assert.Contains(log, line => line.StartsWith("loaded the index snapshot", StringComparison.Ordinal));
            Assert.Equal(2, matcher.VariantCount);
            Assert.Equal(withCrop, Assert.Single((await Robust(matcher, crop)).Matches).ContentId);
            Assert.Equal(since.Id, Assert.Single((await Robust(matcher, later)).Matches).ContentId);
            Assert.Empty((await matcher.MatchAsync([crop], 0, null, default)).Matches);
        }
    }

    private static Task<QueryOutcome> Robust(BankMatcher matcher, PdqHash hash) =>
        matcher.MatchAsync([hash], 0, null, withContent: false, robust: new RobustSearch(1, 0), default);
}
