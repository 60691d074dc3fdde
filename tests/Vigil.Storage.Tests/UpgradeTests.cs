using Vigil.Storage.Sqlite;
using Vigil.Testing;

namespace Vigil.Storage.Tests;

/// <summary>A SQLite store made by the previous release (tests/fixtures/storage) opens, upgrades in place and reads back whole.</summary>
public class UpgradeTests
{
    [Fact]
    public async Task AStoreMadeByThePreviousReleaseOpensAndReadsBackWhole()
    {
        using var directory = new TempDirectory();
        string path = directory.File("vigil.db");
        File.Copy(Fixtures.Path("storage", "vigil-schema6.db"), path);
        await using var store = await SqliteVigilStore.OpenAsync(path);

        var banks = await store.ListBanksAsync();
        Assert.Equal(["OFF", "OLD_BANK"], banks.Select(b => b.Bank.Name));
        Assert.Equal([49L, 2L], banks.Select(b => b.ContentCount));
        var off = banks[0].Bank;
        Assert.False(off.Enabled);
        Assert.Equal(0.25, off.EnabledRatio);
        Assert.True(off.IsNegative);
        Assert.Equal(["old", "kept"], banks[1].Bank.Labels);

        var first = (await store.GetContentAsync(1))!;
        Assert.Equal(("ncmec", "A-1", "first", "{\"k\":1}", "CSAM"), (first.Source, first.SourceId, first.Note, first.Metadata, first.Classification));
        Assert.Equal([Signals.Pdq(1), Signals.Md5(1)], first.Signals);
        Assert.Equal(new DateTimeOffset(2100, 1, 2, 3, 4, 5, 678, TimeSpan.Zero), (await store.GetContentAsync(2))!.DisabledUntil);
        Assert.Single(await store.LookupSignalAsync(Signals.Md5(1)));

        var changes = await store.ReadChangesAsync(0, 1_000);
        Assert.Equal(2 + 1 + 50 + 1, changes.Count);
        Assert.Equal(ChangeOperation.Remove, changes[^1].Operation);
        long read = 0;
        Assert.Equal(changes[^1].Seq, await store.ReadPdqSignalsAsync(_ => read++));
        Assert.Equal(2 + 49, read);

        var keys = await store.ListApiKeysAsync();
        Assert.Equal(["old-admin", "old-expiring"], keys.Select(k => k.Name));
        Assert.NotNull(keys[0].RevokedAt);
        Assert.Equal(new DateTimeOffset(2099, 1, 1, 0, 0, 0, TimeSpan.Zero), keys[1].ExpiresAt);
        Assert.Equal("old-expiring", (await store.FindApiKeyAsync("hash-old-expiring"))!.Name);

        var audit = new List<AuditEntry>();
        await foreach (var entry in store.ReadAuditAsync())
            audit.Add(entry);
        Assert.Equal(3, audit.Count);
        var appended = await store.AppendAuditAsync("cli:test@host", "bank.create", "NEW", null);
        Assert.Equal(audit[^1].Hash, appended.PreviousHash);
        audit.Add(appended);
        Assert.Null(AuditChain.Verify(audit));

        var account = (await store.GetPsiAccountAsync("acct"))!;
        Assert.Equal((2L, 1L, PsiAccountStatus.Revealed, 1L), (account.Vouchers, account.Opened, account.Status, account.Cases));
        Assert.Equal([(byte)9, 9], Assert.Single(await store.ReadOpenedPsiVouchersAsync("acct")).InnerKey);
        // Step 7 moved the private-matching review case into the case model: the account's open case, one item, its match.
        var reviewCase = Assert.Single(await store.Cases.ListCasesAsync(null, 0, 10));
        Assert.Equal(("acct", CaseStatus.Open, 1), (reviewCase.Subject, reviewCase.Status, reviewCase.ItemCount));
        var item = Assert.Single((await store.Cases.GetCaseAsync(reviewCase.Id))!.Items);
        Assert.Equal(("photo.jpg", "psi", "acct"), (item.Details.Context.FileName, item.Details.Source, item.Details.Account));
        Assert.Equal(4, Assert.Single(item.Details.Matches).Distance);
        // Step 14's columns are there, empty for the old item: the platform never said where it was shared.
        Assert.Equal(((IncidentKind?)null, (bool?)null), (item.Details.Context.IncidentKind, item.Details.Context.PubliclyAvailable));
        Assert.Equal([(byte)7, 7, 7], await store.Cases.GetItemThumbnailAsync(reviewCase.Id, item.Id));
        // New items join the migrated case, and new ids follow the moved ones.
        var joined = await store.Cases.AddCaseItemAsync(item.Details with { Subject = "acct", VoucherId = null, Account = null, Source = "api" }, DateTimeOffset.UtcNow);
        Assert.Equal((reviewCase.Id, false), (joined.CaseId, joined.NewCase));
        Assert.True(joined.ItemId > item.Id);

        // And it takes new writes after the upgrade.
        var added = await store.AddContentAsync("OLD_BANK", new NewContent([Signals.Pdq(99)]));
        Assert.True(added.Id > 50);
        Assert.Equal(new ImportSummary(0, 49, 0, 0), await store.ImportAsync("OFF", Enumerable.Range(11, 49).Select(i => ImportItem.Add(Signals.Pdq(i)))));
    }
}
