using Vigil.Hashing.Signals;
using Vigil.Storage.Postgres;
using Vigil.Storage.Sqlite;

namespace Vigil.Storage.Tests;

/// <summary>Private matching's accounts, vouchers and review cases through <see cref="IVigilStore"/>, on both backends.</summary>
public abstract class PrivateMatchingTests(IStoreBackend backend) : StoreContractTests(backend)
{
    private static string Id(int n) => n.ToString("x32");

    private static NewPsiVoucher Voucher(int n, PsiVoucherOutcome outcome = PsiVoucherOutcome.Closed, ulong listVersion = 7) =>
        new(Id(n), listVersion, [(byte)n, 1, 2, 3], outcome, outcome == PsiVoucherOutcome.Opened ? [(byte)n, 9, 9] : null);

    private static NewCaseItem Case(string account, int voucher, string recheck = ReviewRecheck.Matched)
    {
        List<CaseMatch> matches = recheck == ReviewRecheck.Matched ? [new CaseMatch("SAMPLES", 40 + voucher, "pdq", voucher % 4, null, [], null, null)] : [];
        return new()
        {
            Subject = account,
            Source = PsiNames.CaseSource,
            Priority = CasePriority.Of(matches, null),
            Account = account,
            VoucherId = Id(voucher),
            Context = new ItemContext { FileName = $"photo-{voucher}.jpg" },
            Signals = [new Signal(SignalType.Pdq, voucher.ToString("x64"))],
            Thumbnail = Enumerable.Repeat((byte)voucher, 4096).ToArray(),
            Recheck = recheck,
            Matches = matches,
        };
    }

    [Fact]
    public async Task VouchersAreStoredOncePerIdAndTheAccountCountsThem()
    {
        await using var test = await CreateStoreAsync();
        Assert.Null(await test.Store.GetPsiAccountAsync("acct-1"));

        var first = await test.Store.AddPsiVouchersAsync("acct-1",
            [Voucher(1), Voucher(2, PsiVoucherOutcome.Opened), Voucher(3, PsiVoucherOutcome.Rejected), Voucher(1)]);
        Assert.Equal((3, 1), (first.Accepted, first.Duplicates));
        Assert.Equal(("acct-1", 3L, 1L, 1L, PsiAccountStatus.BelowThreshold, 0L, 0L),
            (first.Account.Account, first.Account.Vouchers, first.Account.Opened, first.Account.Rejected, first.Account.Status,
             first.Account.RevealedThrough, first.Account.Cases));

        var second = await test.Store.AddPsiVouchersAsync("acct-1", [Voucher(2, PsiVoucherOutcome.Opened), Voucher(4, PsiVoucherOutcome.Opened)]);
        Assert.Equal((1, 1, 4L, 2L), (second.Accepted, second.Duplicates, second.Account.Vouchers, second.Account.Opened));
        Assert.Equal(second.Account, await test.Store.GetPsiAccountAsync("acct-1"));

        // Another account may hold the same ids.
        var other = await test.Store.AddPsiVouchersAsync("acct-2", [Voucher(1), Voucher(2, PsiVoucherOutcome.Opened)]);
        Assert.Equal((2, 0), (other.Accepted, other.Duplicates));

        Assert.Equal([Id(1), Id(2)], (await test.Store.FindPsiVoucherIdsAsync("acct-1", [Id(1), Id(9), Id(2)])).Order());
        Assert.Empty(await test.Store.FindPsiVoucherIdsAsync("acct-3", [Id(1)]));
        Assert.Empty(await test.Store.FindPsiVoucherIdsAsync("acct-1", []));

        var opened = await test.Store.ReadOpenedPsiVouchersAsync("acct-1");
        Assert.Equal([Id(2), Id(4)], opened.Select(o => o.VoucherId));
        Assert.Equal(7UL, opened[0].ListVersion);
        Assert.Equal([2, 1, 2, 3], opened[0].Bytes);
        Assert.Equal([2, 9, 9], opened[0].InnerKey);
    }

    [Fact]
    public async Task InvalidAccountsIdsAndOutcomesAreRefused()
    {
        await using var test = await CreateStoreAsync();
        foreach (string account in new[] { "", new string('a', 129), "has space", "slash/", "ünï" })
            await Assert.ThrowsAsync<ArgumentException>(() => test.Store.AddPsiVouchersAsync(account, [Voucher(1)]));
        await Assert.ThrowsAsync<ArgumentException>(() => test.Store.AddPsiVouchersAsync("a", [Voucher(1) with { VoucherId = "XYZ" }]));
        await Assert.ThrowsAsync<ArgumentException>(() => test.Store.AddPsiVouchersAsync("a", [Voucher(1) with { InnerKey = [1] }]));
        await Assert.ThrowsAsync<ArgumentException>(() => test.Store.AddPsiVouchersAsync("a", [Voucher(1, PsiVoucherOutcome.Opened) with { InnerKey = null }]));
        Assert.True(PsiNames.IsValidAccount("user:42.device-7_x"));
        Assert.True(PsiNames.IsValidAccount(new string('Z', 128)));
        Assert.Null(await test.Store.GetPsiAccountAsync("a"));
    }

    [Fact]
    public async Task CasesAreCreatedOncePerVoucherAndTheRevealSetsTheStatus()
    {
        await using var test = await CreateStoreAsync();
        await test.Store.AddPsiVouchersAsync("acct", [Voucher(1, PsiVoucherOutcome.Opened), Voucher(2, PsiVoucherOutcome.Opened), Voucher(3, PsiVoucherOutcome.Opened)]);
        await Assert.ThrowsAsync<StoreException>(() => test.Store.RecordPsiRevealAsync(new PsiReveal("nobody", 1, true, null, [])));

        // Not past the threshold: only the count seen is noted.
        var below = await test.Store.RecordPsiRevealAsync(new PsiReveal("acct", 2, false, null, []));
        Assert.Equal((0, PsiAccountStatus.BelowThreshold, 2L), (below.CasesCreated, below.Account.Status, below.Account.RevealedThrough));
        Assert.Equal(["acct"], await test.Store.ListPsiAccountsAwaitingRevealAsync(2));
        Assert.Empty(await test.Store.ListPsiAccountsAwaitingRevealAsync(3));

        var revealed = await test.Store.RecordPsiRevealAsync(new PsiReveal("acct", 3, true, null, [Case("acct", 1), Case("acct", 2, ReviewRecheck.Failed)]));
        Assert.Equal((2, PsiAccountStatus.Revealed, 3L, 2L), (revealed.CasesCreated, revealed.Account.Status, revealed.Account.RevealedThrough, revealed.Account.Cases));
        Assert.Empty(await test.Store.ListPsiAccountsAwaitingRevealAsync(2));

        // Again, and concurrently: each voucher's case exists once.
        var again = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
            test.Store.RecordPsiRevealAsync(new PsiReveal("acct", 3, true, null, [Case("acct", 1), Case("acct", 2, ReviewRecheck.Failed), Case("acct", 3)])))));
        Assert.Equal(1, again.Sum(r => r.CasesCreated));
        // An older reveal (it saw fewer) does not undo the newer one's status.
        var stale = await test.Store.RecordPsiRevealAsync(new PsiReveal("acct", 1, false, null, []));
        Assert.Equal((PsiAccountStatus.Revealed, 3L, 3L), (stale.Account.Status, stale.Account.RevealedThrough, stale.Account.Cases));

        // The account's items share its one open case.
        var cases = await test.Store.Cases.ListCasesAsync(CaseStatus.Open, 0, 100);
        var only = Assert.Single(cases);
        Assert.Equal(("acct", 3, CasePriority.UnlabelledMatch), (only.Subject, only.ItemCount, only.Priority));
        var details = (await test.Store.Cases.GetCaseAsync(only.Id))!;
        var items = details.Items;
        Assert.Equal([Id(1), Id(2), Id(3)], items.Select(c => c.Details.VoucherId));
        AssertSameItem(Case("acct", 1), items[0]);
        AssertSameItem(Case("acct", 2, ReviewRecheck.Failed), items[1]);
        Assert.All(items, c => Assert.Equal((null, null, true), (c.Verdict, c.DecidedBy, c.HasThumbnail)));
        Assert.Equal(Case("acct", 2).Thumbnail, await test.Store.Cases.GetItemThumbnailAsync(only.Id, items[1].Id));
        Assert.Null(await test.Store.Cases.GetItemThumbnailAsync(only.Id, items[^1].Id + 100));
        Assert.Null(await test.Store.Cases.GetCaseAsync(only.Id + 100));
        Assert.Empty(await test.Store.Cases.ListCasesAsync(CaseStatus.Decided, 0, 10));
    }

    private static void AssertSameItem(NewCaseItem expected, CaseItem actual)
    {
        var got = actual.Details;
        Assert.Equal((expected.Source, expected.Account, expected.VoucherId, expected.Recheck, expected.Priority, expected.Context),
            (got.Source, got.Account, got.VoucherId, got.Recheck, got.Priority, got.Context));
        Assert.Equal(expected.Signals, got.Signals);
        Assert.Equal(expected.Matches.Select(m => (m.Bank, m.ContentId, m.Distance)), got.Matches.Select(m => (m.Bank, m.ContentId, m.Distance)));
    }

    [Fact]
    public async Task AFlagStaysAndCarriesItsReason()
    {
        await using var test = await CreateStoreAsync();
        await test.Store.AddPsiVouchersAsync("acct", [Voucher(1, PsiVoucherOutcome.Opened)]);
        var flagged = await test.Store.RecordPsiRevealAsync(new PsiReveal("acct", 1, false, "too many synthetic vouchers", []));
        Assert.Equal((PsiAccountStatus.Flagged, "too many synthetic vouchers"), (flagged.Account.Status, flagged.Account.FlagReason));
        var later = await test.Store.RecordPsiRevealAsync(new PsiReveal("acct", 2, true, null, [Case("acct", 1)]));
        Assert.Equal((1, PsiAccountStatus.Flagged, "too many synthetic vouchers", 1L),
            (later.CasesCreated, later.Account.Status, later.Account.FlagReason, later.Account.Cases));
    }

    [Fact]
    public async Task ConcurrentUploadsToOneAccountLoseNothingAndCountEveryVoucherOnce()
    {
        await using var test = await CreateStoreAsync();
        await using var second = await OpenSecondAsync(test);
        const int writers = 4, perWriter = 30;
        // Every writer sends its own vouchers and, overlapping, the next writer's: each id is stored once.
        var results = await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var store = w % 2 == 0 ? test.Store : second;
            var sent = new List<PsiVoucherBatchResult>();
            for (int i = 0; i < perWriter; i += 5)
            {
                var batch = new List<NewPsiVoucher>();
                for (int j = i; j < i + 5; j++)
                {
                    batch.Add(Voucher(w * perWriter + j, j % 3 == 0 ? PsiVoucherOutcome.Opened : PsiVoucherOutcome.Closed));
                    batch.Add(Voucher(((w + 1) % writers) * perWriter + j, j % 3 == 0 ? PsiVoucherOutcome.Opened : PsiVoucherOutcome.Closed));
                }
                sent.Add(await store.AddPsiVouchersAsync("busy", batch));
            }
            return sent;
        })));
        var all = results.SelectMany(r => r).ToList();
        Assert.Equal(writers * perWriter, all.Sum(r => r.Accepted));
        Assert.Equal(writers * perWriter, all.Sum(r => r.Duplicates));
        var account = (await test.Store.GetPsiAccountAsync("busy"))!;
        Assert.Equal((writers * perWriter, writers * perWriter / 3), (account.Vouchers, account.Opened));
        Assert.Equal(writers * perWriter / 3, (await second.ReadOpenedPsiVouchersAsync("busy")).Count);
    }

    [Fact]
    public async Task TheDeviceRoleIsStored()
    {
        await using var test = await CreateStoreAsync();
        var key = await test.Store.CreateApiKeyAsync("platform", ApiKeyRole.Device, ApiKeySecrets.Hash("secret"));
        Assert.Equal(ApiKeyRole.Device, key.Role);
        Assert.Equal(key, await test.Store.FindApiKeyAsync(ApiKeySecrets.Hash("secret")));
        Assert.True(ApiKeySecrets.TryParseRole("device", out var role));
        Assert.Equal(ApiKeyRole.Device, role);
    }

    private static async Task<IVigilStore> OpenSecondAsync(TestStore test) => test.ConnectionString is { } connectionString
        ? await PostgresVigilStore.OpenAsync(connectionString)
        : await SqliteVigilStore.OpenAsync(test.Path!);
}

public sealed class SqlitePrivateMatchingTests() : PrivateMatchingTests(SqliteBackend.Instance)
{
    [Fact]
    public async Task KeysMadeBeforeStepFiveSurviveTheRoleTableRebuild()
    {
        using var directory = new Vigil.Testing.TempDirectory();
        string path = directory.File("vigil.db");
        await using (var old = await SqliteVigilStore.OpenAsync(path, SqliteMigrations.All.Take(4).ToList(), CancellationToken.None))
        {
            // The rows as Vigil wrote them then (today's store writes columns that schema lacks).
            using var connection = await old.OpenConnectionAsync(CancellationToken.None);
            SchemaTests.Scalar(connection, """
                INSERT INTO api_keys (name, role, key_hash, created_at, revoked_at)
                VALUES ('first', 'matcher', 'h1', 1000000, NULL), ('second', 'reviewer', 'h2', 2000000, 3000000)
                """);
        }
        await using var store = await SqliteVigilStore.OpenAsync(path);
        var keys = await store.ListApiKeysAsync();
        Assert.Equal([("first", ApiKeyRole.Matcher, true), ("second", ApiKeyRole.Reviewer, false)], keys.Select(k => (k.Name, k.Role, k.IsActive)));
        var device = await store.CreateApiKeyAsync("third", ApiKeyRole.Device, "h3");
        Assert.True(device.Id > keys.Max(k => k.Id));
        await Assert.ThrowsAsync<StoreException>(() => store.CreateApiKeyAsync("first", ApiKeyRole.Device, "h4"));
    }
}

public sealed class PostgresPrivateMatchingTests(PostgresDatabase database) : PrivateMatchingTests(database), IClassFixture<PostgresDatabase>;
