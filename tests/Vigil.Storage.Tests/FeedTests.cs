using FsCheck;
using FsCheck.Fluent;
using Vigil.Hashing.Pdq;
using Vigil.Hashing.Signals;

namespace Vigil.Storage.Tests;

public abstract class FeedTests(IStoreBackend backend) : StoreContractTests(backend)
{
    [Fact]
    public async Task ThePdqFeedYieldsExactlyTheHashesAddedToTheNamedBanks()
    {
        await using var test = await CreateStoreAsync();
        int run = 0;

        // Hashes come from a small pool so that the same hash lands in both banks, and twice in one
        // bank (stored once): the feed must give one entry per (bank, distinct hash).
        var gen =
            from poolSeed in Gen.Choose(0, int.MaxValue)
            from poolSize in Gen.Choose(1, 40)
            from picks in Gen.ListOf(Gen.Zip(Gen.Choose(0, 1), Gen.Choose(0, 1_000)))
            from extraMd5 in Gen.Elements(false, true)
            select (poolSeed, poolSize, picks, extraMd5);

        Prop.ForAll(gen.ToArbitrary(), input =>
        {
            var (poolSeed, poolSize, picks, extraMd5) = input;
            var random = new Random(poolSeed);
            var pool = Enumerable.Range(0, poolSize).Select(_ => Signals.RandomPdqHash(random)).ToArray();
            run++;
            string[] names = [$"FEED_A_{run}", $"FEED_B_{run}"];
            var banks = names.Select(name => test.Store.CreateBankAsync(new NewBank(name)).GetAwaiter().GetResult()).ToArray();

            var expected = new List<(long Bank, PdqHash Hash)>();
            var perBank = new[] { new List<ImportItem>(), new List<ImportItem>() };
            foreach (var (bankIndex, pick) in picks)
            {
                var hash = pool[pick % pool.Length];
                if (!expected.Contains((banks[bankIndex].Id, hash)))
                    expected.Add((banks[bankIndex].Id, hash));
                // Other signal types beside the PDQ must not appear in the feed.
                Signal[] signals = extraMd5 ? [Signals.Pdq(hash), Signals.Md5(perBank[bankIndex].Count)] : [Signals.Pdq(hash)];
                perBank[bankIndex].Add(ImportItem.Add(new NewContent(signals)));
            }
            for (int b = 0; b < 2; b++)
                test.Store.ImportAsync(names[b], perBank[b], new ImportOptions { BatchSize = 7 }).GetAwaiter().GetResult();

            var fed = Collect(test.Store.StreamPdqSignalsAsync(names));
            var actual = fed.Select(e => (e.BankId, e.Hash)).ToList();

            Assert.Equal(Sorted(expected), Sorted(actual));
            Assert.Equal(fed.Count, fed.Select(e => e.SignalId).Distinct().Count());
            foreach (var entry in fed)
            {
                var content = test.Store.GetContentAsync(entry.ContentId).GetAwaiter().GetResult();
                Assert.NotNull(content);
                Assert.Equal(entry.BankId, content.BankId);
                Assert.Contains(Signals.Pdq(entry.Hash), content.Signals);
            }
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public async Task WithoutNamesTheFeedCoversEnabledBanksAndSkipsDisabledContent()
    {
        await using var test = await CreateStoreAsync();
        await test.Store.CreateBankAsync(new NewBank("ON"));
        await test.Store.CreateBankAsync(new NewBank("OFF") { Enabled = false });
        var active = await test.Store.AddContentAsync("ON", new NewContent([Signals.Pdq(1)]));
        var expired = await test.Store.AddContentAsync("ON", new NewContent([Signals.Pdq(2)]) { DisabledUntil = DateTimeOffset.UtcNow.AddDays(-1) });
        await test.Store.AddContentAsync("ON", new NewContent([Signals.Pdq(3)]) { DisabledUntil = DateTimeOffset.UtcNow.AddDays(1) });
        await test.Store.AddContentAsync("ON", new NewContent([Signals.Md5(4)]));
        var offContent = await test.Store.AddContentAsync("OFF", new NewContent([Signals.Pdq(5)]));

        var all = await CollectAsync(test.Store.StreamPdqSignalsAsync());
        Assert.Equal([active.Id, expired.Id], all.Select(e => e.ContentId).Order());
        Assert.Equal(Signals.Pdq(1).Value, all.Single(e => e.ContentId == active.Id).Hash.ToString());

        var named = await CollectAsync(test.Store.StreamPdqSignalsAsync(["OFF"]));
        Assert.Equal([offContent.Id], named.Select(e => e.ContentId));

        await Assert.ThrowsAsync<BankNotFoundException>(() => CollectAsync(test.Store.StreamPdqSignalsAsync(["ON", "MISSING"])));
        Assert.Empty(await CollectAsync(test.Store.StreamPdqSignalsAsync([])));
    }

    [Fact]
    public async Task ExactLookupFindsEverySignalTypeInEveryBank()
    {
        await using var test = await CreateStoreAsync();
        var first = await test.Store.CreateBankAsync(new NewBank("FIRST"));
        var second = await test.Store.CreateBankAsync(new NewBank("SECOND") { Enabled = false });
        var sha1 = Signal.Create(SignalType.Sha1, "DA39A3EE5E6B4B0D3255BFEF95601890AFD80709");
        var a = await test.Store.AddContentAsync("FIRST", new NewContent([Signals.Pdq(1), Signals.Md5(1), sha1, Signals.Sha256(1)]));
        var b = await test.Store.AddContentAsync("SECOND", new NewContent([Signals.Md5(1)]));

        foreach (var signal in new[] { Signals.Pdq(1), sha1, Signals.Sha256(1) })
            Assert.Equal([new SignalMatch(first.Id, "FIRST", a.Id)], await test.Store.LookupSignalAsync(signal));
        Assert.Equal([new SignalMatch(first.Id, "FIRST", a.Id), new SignalMatch(second.Id, "SECOND", b.Id)],
            await test.Store.LookupSignalAsync(Signals.Md5(1)));
        Assert.Empty(await test.Store.LookupSignalAsync(Signals.Md5(2)));
        // A value shared by two types is only found under its own type.
        Assert.Empty(await test.Store.LookupSignalAsync(new Signal(SignalType.Sha256, Signals.Pdq(1).Value)));
        await Assert.ThrowsAsync<ArgumentException>(() => test.Store.LookupSignalAsync(new Signal(SignalType.Md5, "XYZ")));
    }

    [Fact]
    public async Task SignalsSharingTheirFirst16DigitsAreStillToldApart()
    {
        await using var test = await CreateStoreAsync();
        await test.Store.CreateBankAsync(new NewBank("PREFIX"));
        var one = new Signal(SignalType.Md5, "0123456789abcdef0000000000000001");
        var two = new Signal(SignalType.Md5, "0123456789abcdef0000000000000002");

        var summary = await test.Store.ImportAsync("PREFIX", [ImportItem.Add(one), ImportItem.Add(two), ImportItem.Add(one)]);

        Assert.Equal(new ImportSummary(2, 1, 0, 0), summary);
        var first = Assert.Single(await test.Store.LookupSignalAsync(one));
        var second = Assert.Single(await test.Store.LookupSignalAsync(two));
        Assert.NotEqual(first.ContentId, second.ContentId);
    }

    private static List<(long, PdqHash)> Sorted(IEnumerable<(long Bank, PdqHash Hash)> entries) =>
        entries.OrderBy(e => e.Bank).ThenBy(e => e.Hash.ToString(), StringComparer.Ordinal).ToList();

    private static List<T> Collect<T>(IAsyncEnumerable<T> items) => CollectAsync(items).GetAwaiter().GetResult();

    internal static async Task<List<T>> CollectAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
            list.Add(item);
        return list;
    }
}

public sealed class SqliteFeedTests() : FeedTests(SqliteBackend.Instance);

public sealed class PostgresFeedTests(PostgresDatabase database) : FeedTests(database), IClassFixture<PostgresDatabase>;
