using Vigil.Hashing.Pdq;
using Vigil.Hashing.Signals;

namespace Vigil.Storage.Tests;

/// <summary>
/// pdq_variant signals (a bank's own crops of its media): stored and fed to the index as PDQ hashes flagged as
/// variants, but never what content is recognised by, so they neither make new content a duplicate nor remove any.
/// </summary>
public abstract class BankVariantSignalTests(IStoreBackend backend) : StoreContractTests(backend)
{
    private static Signal Variant(PdqHash hash) => new(SignalType.PdqVariant, hash.ToString());

    [Fact]
    public async Task Variants_are_fed_flagged_beside_the_plain_hashes_and_on_their_own()
    {
        await using var test = await CreateStoreAsync();
        var random = new Random(11);
        var own = Signals.RandomPdqHash(random);
        var crops = new[] { Signals.RandomPdqHash(random), Signals.RandomPdqHash(random) };
        await test.Store.CreateBankAsync(new NewBank("MEDIA"));
        var content = await test.Store.AddContentAsync("MEDIA", new NewContent([Signals.Pdq(own), Variant(crops[0]), Variant(crops[1]), Signals.Md5(1)]));

        var all = new List<PdqFeedEntry>();
        long seq = await test.Store.ReadPdqSignalsAsync(all.Add);
        Assert.Equal([(own, false), (crops[0], true), (crops[1], true)],
            all.OrderBy(e => e.IsBankVariant).ThenBy(e => Array.IndexOf(crops, e.Hash)).Select(e => (e.Hash, e.IsBankVariant)));
        Assert.All(all, e => Assert.Equal(content.Id, e.ContentId));

        var variants = new List<PdqFeedEntry>();
        Assert.Equal(seq, await test.Store.ReadPdqVariantSignalsAsync(variants.Add));
        Assert.Equal(crops.Select(c => c.ToString()).Order(), variants.Select(e => e.Hash.ToString()).Order());
        Assert.All(variants, e => Assert.True(e.IsBankVariant));
        // The per-bank stream (private matching's, the PDQ export's) holds the content's own hash only.
        Assert.Equal([own], (await FeedTests.CollectAsync(test.Store.StreamPdqSignalsAsync(["MEDIA"]))).Select(e => e.Hash));
        // Stored as written, and in the change log as pdq_variant.
        Assert.Equal(4, (await test.Store.GetContentAsync(content.Id))!.Signals.Count);
        var changes = await test.Store.ReadChangesAsync(0, 100);
        Assert.Equal(2, changes.Count(c => c.Signal.Type == SignalType.PdqVariant));
    }

    [Fact]
    public async Task A_shared_variant_neither_makes_content_a_duplicate_nor_removes_it()
    {
        await using var test = await CreateStoreAsync();
        var random = new Random(12);
        var crop = Signals.RandomPdqHash(random);
        var first = Signals.RandomPdqHash(random);
        var second = Signals.RandomPdqHash(random);
        await test.Store.CreateBankAsync(new NewBank("MEDIA"));

        // Two pictures whose crops hash alike are still two items; the same picture again is one.
        var summary = await test.Store.ImportAsync("MEDIA", [
            ImportItem.Add(new NewContent([Signals.Pdq(first), Variant(crop)])),
            ImportItem.Add(new NewContent([Signals.Pdq(second), Variant(crop)])),
            ImportItem.Add(new NewContent([Signals.Pdq(first), Variant(crop)])),
        ]);
        Assert.Equal(new ImportSummary(2, 1, 0, 0), summary);
        var again = await test.Store.ImportAsync("MEDIA", [ImportItem.Add(new NewContent([Signals.Pdq(second), Variant(Signals.RandomPdqHash(random))]))]);
        Assert.Equal(new ImportSummary(0, 1, 0, 0), again);

        // A removal naming only a variant removes nothing; naming the content's hash removes it.
        var removed = await test.Store.ImportAsync("MEDIA", [ImportItem.Remove(Variant(crop))]);
        Assert.Equal(0, removed.Removed);
        removed = await test.Store.ImportAsync("MEDIA", [ImportItem.Remove(Signals.Pdq(first))]);
        Assert.Equal(1, removed.Removed);
        Assert.Single(await test.Store.LookupSignalAsync(Signals.Pdq(second)));
    }
}

public sealed class SqliteBankVariantSignalTests() : BankVariantSignalTests(SqliteBackend.Instance);

public sealed class PostgresBankVariantSignalTests(PostgresDatabase database) : BankVariantSignalTests(database), IClassFixture<PostgresDatabase>;
