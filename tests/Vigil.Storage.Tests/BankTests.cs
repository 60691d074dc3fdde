namespace Vigil.Storage.Tests;

public abstract class BankTests(IStoreBackend backend) : StoreContractTests(backend)
{
    [Fact]
    public async Task ACreatedBankHasTheGivenSettingsAndDefaults()
    {
        await using var test = await CreateStoreAsync();
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);

        var plain = await test.Store.CreateBankAsync(new NewBank("PLAIN"));
        var custom = await test.Store.CreateBankAsync(new NewBank("FALSE_POSITIVES_2")
        {
            Enabled = false,
            EnabledRatio = 0.25,
            IsNegative = true,
            Labels = ["fp", "review \"team\""],
        });

        Assert.True(plain.Enabled);
        Assert.Equal(1.0, plain.EnabledRatio);
        Assert.False(plain.IsNegative);
        Assert.Empty(plain.Labels);
        Assert.Equal(TimeSpan.Zero, plain.CreatedAt.Offset);
        Assert.InRange(plain.CreatedAt, before, DateTimeOffset.UtcNow.AddSeconds(1));

        var read = await test.Store.GetBankAsync("FALSE_POSITIVES_2");
        Assert.NotNull(read);
        Assert.Equal(custom.Id, read.Id);
        Assert.False(read.Enabled);
        Assert.Equal(0.25, read.EnabledRatio);
        Assert.True(read.IsNegative);
        Assert.Equal(["fp", "review \"team\""], read.Labels);
        Assert.Equal(custom.CreatedAt, read.CreatedAt);
    }

    [Fact]
    public async Task ADuplicateNameIsAClearError()
    {
        await using var test = await CreateStoreAsync();
        await test.Store.CreateBankAsync(new NewBank("TWICE"));

        var error = await Assert.ThrowsAsync<BankAlreadyExistsException>(() => test.Store.CreateBankAsync(new NewBank("TWICE")));
        Assert.Contains("TWICE", error.Message);
        Assert.IsAssignableFrom<StoreException>(error);
    }

    [Theory]
    [InlineData("")]
    [InlineData("lower")]
    [InlineData("Mixed_Case")]
    [InlineData("1_STARTS_WITH_DIGIT")]
    [InlineData("_UNDERSCORE_FIRST")]
    [InlineData("HAS SPACE")]
    [InlineData("HAS-DASH")]
    [InlineData("ÄCCENT")]
    public async Task InvalidNamesAreRefusedWithTheReason(string name)
    {
        await using var test = await CreateStoreAsync();

        var error = await Assert.ThrowsAsync<InvalidBankNameException>(() => test.Store.CreateBankAsync(new NewBank(name)));
        Assert.IsAssignableFrom<ArgumentException>(error);
        Assert.Contains("bank name", error.Message);
        Assert.Empty(await test.Store.ListBanksAsync());
    }

    [Fact]
    public void NamesFollowHmasRuleUpTo100Characters()
    {
        Assert.True(BankName.IsValid("A"));
        Assert.True(BankName.IsValid("NCMEC_HASHES_2024"));
        Assert.True(BankName.IsValid("A" + new string('_', 99)));
        Assert.False(BankName.IsValid("A" + new string('_', 100)));
        Assert.False(BankName.IsValid(null));
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public async Task AnEnabledRatioOutside0To1IsRefused(double ratio)
    {
        await using var test = await CreateStoreAsync();
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => test.Store.CreateBankAsync(new NewBank("RATIO") { EnabledRatio = ratio }));
        await test.Store.CreateBankAsync(new NewBank("RATIO"));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => test.Store.UpdateBankAsync("RATIO", new BankUpdate { EnabledRatio = ratio }));
    }

    [Fact]
    public async Task ListingIsOrderedByNameWithContentCounts()
    {
        await using var test = await CreateStoreAsync();
        await test.Store.CreateBankAsync(new NewBank("ZULU"));
        await test.Store.CreateBankAsync(new NewBank("ALPHA"));
        await test.Store.ImportAsync("ZULU", [ImportItem.Add(Signals.Pdq(1)), ImportItem.Add(Signals.Pdq(2)), ImportItem.Add(Signals.Md5(3))]);

        var banks = await test.Store.ListBanksAsync();

        Assert.Equal(["ALPHA", "ZULU"], banks.Select(b => b.Bank.Name));
        Assert.Equal([0L, 3L], banks.Select(b => b.ContentCount));
        // The count-free listing a replica polls holds the same banks in the same order.
        Assert.Equal(banks.Select(b => (b.Bank.Id, b.Bank.Name, b.Bank.Enabled, b.Bank.CreatedAt)),
            (await test.Store.ListBankSettingsAsync()).Select(b => (b.Id, b.Name, b.Enabled, b.CreatedAt)));
    }

    [Fact]
    public async Task UpdateChangesOnlyWhatIsGiven()
    {
        await using var test = await CreateStoreAsync();
        var created = await test.Store.CreateBankAsync(new NewBank("UPDATED") { Labels = ["a"] });

        var disabled = await test.Store.UpdateBankAsync("UPDATED", new BankUpdate { Enabled = false });
        Assert.False(disabled.Enabled);
        Assert.Equal(["a"], disabled.Labels);
        Assert.Equal(1.0, disabled.EnabledRatio);

        var changed = await test.Store.UpdateBankAsync("UPDATED", new BankUpdate { EnabledRatio = 0.5, Labels = ["b", "c"], IsNegative = true });
        Assert.False(changed.Enabled);
        Assert.Equal(0.5, changed.EnabledRatio);
        Assert.Equal(["b", "c"], changed.Labels);
        Assert.True(changed.IsNegative);
        Assert.Equal(created.Id, changed.Id);
        Assert.Equal(created.CreatedAt, changed.CreatedAt);

        var cleared = await test.Store.UpdateBankAsync("UPDATED", new BankUpdate { Labels = [] });
        Assert.Empty(cleared.Labels);
        Assert.Equal(changed with { Labels = cleared.Labels }, cleared);
    }

    [Fact]
    public async Task UnknownBanksAreReportedByName()
    {
        await using var test = await CreateStoreAsync();

        Assert.Null(await test.Store.GetBankAsync("NOPE"));
        Assert.False(await test.Store.DeleteBankAsync("NOPE"));
        var update = await Assert.ThrowsAsync<BankNotFoundException>(() => test.Store.UpdateBankAsync("NOPE", new BankUpdate { Enabled = true }));
        Assert.Contains("NOPE", update.Message);
        Assert.Equal("NOPE", update.BankName);
        await Assert.ThrowsAsync<BankNotFoundException>(() => test.Store.CountContentAsync("NOPE"));
        await Assert.ThrowsAsync<BankNotFoundException>(() => test.Store.AddContentAsync("NOPE", new NewContent([Signals.Pdq(1)])));
        await Assert.ThrowsAsync<BankNotFoundException>(() => test.Store.ImportAsync("NOPE", [ImportItem.Add(Signals.Pdq(1))]));
        await Assert.ThrowsAsync<BankNotFoundException>(async () =>
        {
            await foreach (var _ in test.Store.StreamContentAsync("NOPE"))
            {
            }
        });
    }

    [Fact]
    public async Task DeletingABankRemovesItsContentAndSignalsOnly()
    {
        await using var test = await CreateStoreAsync();
        await test.Store.CreateBankAsync(new NewBank("DOOMED"));
        await test.Store.CreateBankAsync(new NewBank("KEPT"));
        var doomed = await test.Store.AddContentAsync("DOOMED", new NewContent([Signals.Pdq(1), Signals.Md5(1)]));
        var kept = await test.Store.AddContentAsync("KEPT", new NewContent([Signals.Pdq(1)]));

        Assert.True(await test.Store.DeleteBankAsync("DOOMED"));

        Assert.Null(await test.Store.GetBankAsync("DOOMED"));
        Assert.Null(await test.Store.GetContentAsync(doomed.Id));
        Assert.NotNull(await test.Store.GetContentAsync(kept.Id));
        Assert.Empty(await test.Store.LookupSignalAsync(Signals.Md5(1)));
        Assert.Equal([kept.Id], (await test.Store.LookupSignalAsync(Signals.Pdq(1))).Select(m => m.ContentId));
        Assert.False(await test.Store.DeleteBankAsync("DOOMED"));
    }
}

public sealed class SqliteBankTests() : BankTests(SqliteBackend.Instance);

public sealed class PostgresBankTests(PostgresDatabase database) : BankTests(database), IClassFixture<PostgresDatabase>;
