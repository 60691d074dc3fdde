using System.Runtime.InteropServices;
using Vigil.Hashing.Pdq;
using Vigil.Hashing.Signals;
using Vigil.Storage;
using Vigil.Storage.Sqlite;
using Vigil.Testing;

namespace Vigil.Banks.Tests;

/// <summary>The store-backed matcher: decision rules, following changes made by another writer, and its snapshot.</summary>
public sealed class BankMatcherTests : SqliteStoreTest
{
    private static NewContent Content(PdqHash hash, string? label = null) =>
        new([new Signal(SignalType.Pdq, hash.ToString())]) { Classification = label };

    [Fact]
    public async Task Follows_adds_removals_and_bank_settings_made_by_another_writer()
    {
        var rng = new Random(1);
        await using var writer = await SqliteVigilStore.OpenAsync(DbPath);
        await using var reader = await SqliteVigilStore.OpenAsync(DbPath);
        await writer.CreateBankAsync(new NewBank("KNOWN"));
        var first = RandomHash(rng);
        await writer.AddContentAsync("KNOWN", Content(first));
        var matcher = await BankMatcher.LoadAsync(reader, [], null, default);
        Assert.Single((await matcher.MatchAsync([Flip(first, 3)], 31, null, default)).Matches);

        // Another process adds a hash: invisible until the matcher catches up, then matched.
        var second = RandomHash(rng);
        var added = await writer.AddContentAsync("KNOWN", Content(second, "A1"));
        Assert.Empty((await matcher.MatchAsync([second], 31, null, default)).Matches);
        Assert.Equal(1, await matcher.CatchUpAsync(default));
        var match = Assert.Single((await matcher.MatchAsync([Flip(second, 5)], 31, null, default)).Matches);
        Assert.Equal((added.Id, 5, "A1"), (match.ContentId, match.Distance, match.Content!.Classification));

        // Removed content stops matching; a disabled bank stops matching; a negative bank suppresses.
        await writer.RemoveContentAsync(added.Id);
        await matcher.CatchUpAsync(default);
        Assert.Empty((await matcher.MatchAsync([second], 31, null, default)).Matches);
        await writer.UpdateBankAsync("KNOWN", new BankUpdate { Enabled = false });
        await matcher.CatchUpAsync(default);
        Assert.Empty((await matcher.MatchAsync([first], 31, null, default)).Matches);
        await writer.UpdateBankAsync("KNOWN", new BankUpdate { Enabled = true });
        await writer.CreateBankAsync(new NewBank("FALSE_POSITIVES") { IsNegative = true });
        await writer.AddContentAsync("FALSE_POSITIVES", Content(Flip(first, 1)));
        await matcher.CatchUpAsync(default);
        var outcome = await matcher.MatchAsync([first], 31, null, default);
        Assert.Empty(outcome.Matches);
        Assert.Equal("FALSE_POSITIVES", Assert.Single(outcome.SuppressedBy).Bank.Name);
        Assert.Equal(await writer.GetLatestChangeSeqAsync(), matcher.AppliedSeq);
    }

    /// <summary>
    /// Catch-up applies a page of additions as one run, flushed before each removal: a hash added,
    /// removed and added again (as new content) within one catch-up, and removals of content added in
    /// the same catch-up, must end as the store does, and as a matcher loaded from the rows.
    /// </summary>
    [Fact]
    public async Task One_catch_up_applies_interleaved_additions_and_removals_in_their_order()
    {
        var rng = new Random(11);
        await using var writer = await SqliteVigilStore.OpenAsync(DbPath);
        await using var reader = await SqliteVigilStore.OpenAsync(DbPath);
        string[] banks = ["KNOWN", "OTHER"];
        foreach (string bank in banks)
            await writer.CreateBankAsync(new NewBank(bank));
        var matcher = await BankMatcher.LoadAsync(reader, [], null, default);
        var hashes = Enumerable.Range(0, 20).Select(_ => RandomHash(rng)).ToArray();
        var live = new Dictionary<long, (int Bank, PdqHash Hash)>();
        for (int step = 0; step < 600; step++)
        {
            // Few distinct hashes in two banks (a bank holds a hash once): the same hash is added,
            // removed and added again, under new content ids, many times over.
            int bank = rng.Next(banks.Length);
            var hash = hashes[rng.Next(hashes.Length)];
            long? held = live.Where(kv => kv.Value == (bank, hash)).Select(kv => (long?)kv.Key).FirstOrDefault();
            if (held is { } id)
            {
                Assert.True(await writer.RemoveContentAsync(id));
                live.Remove(id);
            }
            else
            {
                live[(await writer.AddContentAsync(banks[bank], Content(hash))).Id] = (bank, hash);
            }
        }
        Assert.True(await matcher.CatchUpAsync(default) >= 600);
        var loaded = await BankMatcher.LoadAsync(reader, [], null, default);
        foreach (var hash in hashes)
        {
            var expected = live.Where(kv => kv.Value.Hash.Equals(hash)).Select(kv => kv.Key).Order().ToArray();
            Assert.Equal(expected, (await matcher.MatchAsync([hash], 0, null, default)).Matches.Select(m => m.ContentId).Order().ToArray());
            Assert.Equal(expected, (await loaded.MatchAsync([hash], 0, null, default)).Matches.Select(m => m.ContentId).Order().ToArray());
        }
        Assert.Equal(live.Count, matcher.HashCount);
    }

    [Fact]
    public async Task Without_content_rows_the_decisions_are_the_same_and_disabled_content_is_followed()
    {
        var rng = new Random(3);
        await using var writer = await SqliteVigilStore.OpenAsync(DbPath);
        await using var reader = await SqliteVigilStore.OpenAsync(DbPath);
        await writer.CreateBankAsync(new NewBank("KNOWN"));
        await writer.CreateBankAsync(new NewBank("OTHER"));
        var loaded = RandomHash(rng);
        var loadedItem = await writer.AddContentAsync("KNOWN", Content(loaded));
        var disabledAtLoad = RandomHash(rng);
        var disabledItem = await writer.AddContentAsync("KNOWN", Content(disabledAtLoad));
        await writer.UpdateContentAsync(disabledItem.Id, new ContentUpdate { DisabledUntil = DateTimeOffset.UtcNow.AddHours(1) });
        var matcher = await BankMatcher.LoadAsync(reader, ["KNOWN"], null, default);

        async Task<(long Id, string Bank)?> Lean(PdqHash h)
        {
            var outcome = await matcher.MatchAsync([h], 31, null, withContent: false, default);
            var full = await matcher.MatchAsync([h], 31, null, withContent: true, default);
            Assert.Equal(full.Matches.Select(m => (m.ContentId, m.Bank.Name, m.Distance)), outcome.Matches.Select(m => (m.ContentId, m.Bank.Name, m.Distance)));
            Assert.All(outcome.Matches, m => Assert.Null(m.Content));
            Assert.All(full.Matches, m => Assert.Equal(m.ContentId, m.Content!.Id));
            return outcome.Matches.Count == 0 ? null : (outcome.Matches[0].ContentId, outcome.Matches[0].Bank.Name);
        }

        Assert.Equal((loadedItem.Id, "KNOWN"), await Lean(Flip(loaded, 4)));
        Assert.Null(await Lean(disabledAtLoad));

        // Content added after the load: its bank is learnt on its first match; a bank not asked for stays out.
        var later = RandomHash(rng);
        var laterItem = await writer.AddContentAsync("KNOWN", Content(later));
        var elsewhere = RandomHash(rng);
        await writer.AddContentAsync("OTHER", Content(elsewhere));
        await matcher.CatchUpAsync(default);
        Assert.Equal((laterItem.Id, "KNOWN"), await Lean(later));
        Assert.Null(await Lean(elsewhere));

        // Disabling and re-enabling elsewhere takes effect at the next catch-up.
        await writer.UpdateContentAsync(laterItem.Id, new ContentUpdate { DisabledUntil = DateTimeOffset.UtcNow.AddMinutes(5) });
        await writer.UpdateContentAsync(disabledItem.Id, new ContentUpdate { DisabledUntil = null });
        Assert.Equal((laterItem.Id, "KNOWN"), (await matcher.MatchAsync([later], 31, null, withContent: false, default)).Matches.Select(m => (m.ContentId, m.Bank.Name)).Single());
        await matcher.CatchUpAsync(default);
        Assert.Null(await Lean(later));
        Assert.Equal((disabledItem.Id, "KNOWN"), await Lean(disabledAtLoad));
    }

    [Fact]
    public async Task Following_in_the_background_sees_a_change_within_five_seconds()
    {
        var rng = new Random(2);
        await using var writer = await SqliteVigilStore.OpenAsync(DbPath);
        await using var reader = await SqliteVigilStore.OpenAsync(DbPath);
        await writer.CreateBankAsync(new NewBank("KNOWN"));
        var matcher = await BankMatcher.LoadAsync(reader, [], null, default);
        using var stop = new CancellationTokenSource();
        var following = matcher.FollowAsync(TimeSpan.FromMilliseconds(200), null, stop.Token);

        var hash = RandomHash(rng);
        await writer.AddContentAsync("KNOWN", Content(hash));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while ((await matcher.MatchAsync([hash], 0, null, default)).Matches.Count == 0)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), "the change was not followed within 5 s");
            await Task.Delay(50);
        }
        stop.Cancel();
        await following;
    }

    [Fact]
    public async Task A_large_store_keeps_a_snapshot_that_a_later_load_reuses_and_brings_up_to_date()
    {
        var rng = new Random(3);
        int count = BankIndexCache.MinimumHashes;
        var hashes = new PdqHash[count];
        rng.NextBytes(MemoryMarshal.AsBytes(hashes.AsSpan()));
        await using (var store = await SqliteVigilStore.OpenAsync(DbPath))
        {
            await store.CreateBankAsync(new NewBank("BIG"));
            await store.ImportAsync("BIG", hashes.Select(h => ImportItem.Add(Content(h))));
            var matcher = await BankMatcher.LoadAsync(store, [], null, default);
            Assert.Equal(count, matcher.HashCount);
        }
        string snapshot = BankIndexCache.PathFor(Path.GetFullPath(DbPath));
        Assert.True(File.Exists(snapshot));
        var written = File.GetLastWriteTimeUtc(snapshot);

        // A change after the snapshot: the next load replays it on top of the snapshot.
        var extra = RandomHash(rng);
        await using (var store = await SqliteVigilStore.OpenAsync(DbPath))
        {
            await store.AddContentAsync("BIG", Content(extra));
            var matcher = await BankMatcher.LoadAsync(store, [], null, default);
            Assert.Equal(count + 1, matcher.HashCount);
            Assert.Single((await matcher.MatchAsync([extra], 0, null, default)).Matches);
            Assert.Single((await matcher.MatchAsync([hashes[12345]], 0, null, default)).Matches);
        }
        Assert.True(File.GetLastWriteTimeUtc(snapshot) >= written);

        // A damaged snapshot is reported and rebuilt, not trusted.
        File.WriteAllBytes(snapshot, [1, 2, 3]);
        var log = new StringWriter();
        await using (var store = await SqliteVigilStore.OpenAsync(DbPath))
        {
            var matcher = await BankMatcher.LoadAsync(store, [], log, default);
            Assert.Equal(count + 1, matcher.HashCount);
        }
        Assert.Contains("ignoring", log.ToString());
        Assert.True(new FileInfo(snapshot).Length > 1000);
    }

    [Fact]
    public async Task Unknown_bank_names_are_refused()
    {
        await using var store = await SqliteVigilStore.OpenAsync(DbPath);
        await Assert.ThrowsAsync<BankNotFoundException>(() => BankMatcher.LoadAsync(store, ["NOPE"], null, default));
    }
}
