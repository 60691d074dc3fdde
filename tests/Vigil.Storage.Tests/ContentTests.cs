using Vigil.Hashing.Signals;

namespace Vigil.Storage.Tests;

public abstract class ContentTests(IStoreBackend backend) : StoreContractTests(backend)
{
    [Fact]
    public async Task SignalsAreCountedByTypeOverEveryBank()
    {
        await using var test = await CreateStoreAsync();
        await test.Store.CreateBankAsync(new NewBank("ONE"));
        await test.Store.CreateBankAsync(new NewBank("TWO") { Enabled = false });
        var first = await test.Store.AddContentAsync("ONE", new NewContent([Signals.Pdq(1), Signals.Md5(1)]));
        await test.Store.AddContentAsync("TWO", new NewContent([Signals.Md5(2), Signals.Sha256(2)]));
        await test.Store.AddContentAsync("TWO", new NewContent([Signals.Md5(3)]));

        Assert.Equal(3, await test.Store.CountSignalsAsync(SignalType.Md5));
        Assert.Equal(1, await test.Store.CountSignalsAsync(SignalType.Pdq));
        Assert.Equal(1, await test.Store.CountSignalsAsync(SignalType.Sha256));
        Assert.Equal(0, await test.Store.CountSignalsAsync(SignalType.Sha1));
        await test.Store.RemoveContentAsync(first.Id);
        Assert.Equal(2, await test.Store.CountSignalsAsync(SignalType.Md5));
        await test.Store.DeleteBankAsync("TWO");
        Assert.Equal(0, await test.Store.CountSignalsAsync(SignalType.Md5));
    }

    [Fact]
    public async Task EveryFieldRoundTripsWithTimesInUtc()
    {
        await using var test = await CreateStoreAsync();
        var bank = await test.Store.CreateBankAsync(new NewBank("FULL"));
        var disabledUntil = new DateTimeOffset(2031, 2, 3, 4, 5, 6, TimeSpan.FromHours(2)).AddTicks(1234560);
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);

        var added = await test.Store.AddContentAsync("FULL", new NewContent([Signals.Pdq(7), Signals.Md5(7), Signals.Sha256(7)])
        {
            Metadata = """{"source_url":"https://example.org/x","tags":["t1",2]}""",
            Note = "a note with ünïcode and 'quotes'",
            Source = "NCMEC",
            SourceId = "ncmec-123",
            Classification = Classifications.A2,
            DisabledUntil = disabledUntil,
        });
        var read = await test.Store.GetContentAsync(added.Id);

        Assert.NotNull(read);
        foreach (var content in new[] { added, read })
        {
            Assert.Equal(bank.Id, content.BankId);
            Assert.Equal("FULL", content.BankName);
            Assert.Equal([Signals.Pdq(7), Signals.Md5(7), Signals.Sha256(7)], content.Signals);
            Assert.Equal("""{"source_url":"https://example.org/x","tags":["t1",2]}""", content.Metadata);
            Assert.Equal("a note with ünïcode and 'quotes'", content.Note);
            Assert.Equal("NCMEC", content.Source);
            Assert.Equal("ncmec-123", content.SourceId);
            Assert.Equal("A2", content.Classification);
            Assert.Equal(disabledUntil, content.DisabledUntil);
            Assert.Equal(TimeSpan.Zero, content.DisabledUntil!.Value.Offset);
            Assert.Equal(TimeSpan.Zero, content.AddedAt.Offset);
            Assert.InRange(content.AddedAt, before, DateTimeOffset.UtcNow.AddSeconds(1));
            Assert.True(content.IsDisabledAt(DateTimeOffset.UtcNow));
        }
        Assert.Equal(added.AddedAt, read.AddedAt);
    }

    [Fact]
    public async Task OptionalFieldsMayBeAbsentAndRepeatedSignalsAreStoredOnce()
    {
        await using var test = await CreateStoreAsync();
        await test.Store.CreateBankAsync(new NewBank("BARE"));

        var added = await test.Store.AddContentAsync("BARE", new NewContent([Signals.Md5(1), Signals.Md5(1)]));

        var read = await test.Store.GetContentAsync(added.Id);
        Assert.NotNull(read);
        Assert.Equal([Signals.Md5(1)], read.Signals);
        Assert.Null(read.Metadata);
        Assert.Null(read.Note);
        Assert.Null(read.Source);
        Assert.Null(read.SourceId);
        Assert.Null(read.Classification);
        Assert.Null(read.DisabledUntil);
        Assert.False(read.IsDisabledAt(DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task TimesKeepMicrosecondsAndDropFinerTicks()
    {
        await using var test = await CreateStoreAsync();
        await test.Store.CreateBankAsync(new NewBank("TIMES"));
        var precise = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(1_234_567);

        var added = await test.Store.AddContentAsync("TIMES", new NewContent([Signals.Md5(1)]) { DisabledUntil = precise });

        Assert.Equal(precise.AddTicks(-7), added.DisabledUntil);
    }

    [Fact]
    public async Task AddingContentTheBankHoldsIsADuplicateError()
    {
        await using var test = await CreateStoreAsync();
        await test.Store.CreateBankAsync(new NewBank("DUPES"));
        await test.Store.CreateBankAsync(new NewBank("OTHER"));
        var first = await test.Store.AddContentAsync("DUPES", new NewContent([Signals.Pdq(1), Signals.Md5(1)]) { Source = "S", SourceId = "1" });

        var bySignal = await Assert.ThrowsAsync<DuplicateContentException>(() =>
            test.Store.AddContentAsync("DUPES", new NewContent([Signals.Sha256(9), Signals.Md5(1)])));
        var bySourceId = await Assert.ThrowsAsync<DuplicateContentException>(() =>
            test.Store.AddContentAsync("DUPES", new NewContent([Signals.Sha256(9)]) { Source = "S", SourceId = "1" }));

        Assert.Equal(first.Id, bySignal.ExistingContentId);
        Assert.Equal(first.Id, bySourceId.ExistingContentId);
        Assert.Contains("DUPES", bySignal.Message);
        Assert.Equal(1, await test.Store.CountContentAsync("DUPES"));
        // The same signal in another bank, and the same source id from another source, are not duplicates.
        await test.Store.AddContentAsync("OTHER", new NewContent([Signals.Md5(1)]));
        await test.Store.AddContentAsync("DUPES", new NewContent([Signals.Sha256(9)]) { Source = "T", SourceId = "1" });
    }

    [Fact]
    public async Task InvalidContentIsRefusedBeforeAnythingIsWritten()
    {
        await using var test = await CreateStoreAsync();
        await test.Store.CreateBankAsync(new NewBank("STRICT"));

        await Assert.ThrowsAsync<ArgumentException>(() => test.Store.AddContentAsync("STRICT", new NewContent([])));
        await Assert.ThrowsAsync<ArgumentException>(() =>
            test.Store.AddContentAsync("STRICT", new NewContent([new Signal(SignalType.Md5, "ABCDEF0123456789ABCDEF0123456789")])));
        await Assert.ThrowsAsync<ArgumentException>(() =>
            test.Store.AddContentAsync("STRICT", new NewContent([new Signal(SignalType.Pdq, "abc")])));
        await Assert.ThrowsAsync<ArgumentException>(() => test.Store.AddContentAsync("STRICT", new NewContent([default(Signal)])));
        await Assert.ThrowsAsync<ArgumentException>(() =>
            test.Store.AddContentAsync("STRICT", new NewContent([Signals.Md5(1)]) { Metadata = "{not json" }));
        await Assert.ThrowsAsync<ArgumentException>(() =>
            test.Store.AddContentAsync("STRICT", new NewContent([Signals.Md5(1)]) { Metadata = "{} trailing" }));

        Assert.Equal(0, await test.Store.CountContentAsync("STRICT"));
    }

    [Fact]
    public async Task UpdateChangesTheGivenFieldsAndCanClearThem()
    {
        await using var test = await CreateStoreAsync();
        await test.Store.CreateBankAsync(new NewBank("EDITS"));
        var added = await test.Store.AddContentAsync("EDITS", new NewContent([Signals.Pdq(3)])
        {
            Note = "old note",
            Metadata = "{}",
            Classification = "B1",
            Source = "SRC",
            SourceId = "id-3",
        });
        var until = new DateTimeOffset(2040, 5, 6, 7, 8, 9, TimeSpan.Zero);

        var noteOnly = await test.Store.UpdateContentAsync(added.Id, new ContentUpdate { Note = "new note" });
        Assert.Equal(added with { Note = "new note", Signals = noteOnly.Signals }, noteOnly);

        var several = await test.Store.UpdateContentAsync(added.Id, new ContentUpdate
        {
            Metadata = """{"reviewed":true}""",
            Classification = "custom-label",
            DisabledUntil = until,
        });
        Assert.Equal("new note", several.Note);
        Assert.Equal("""{"reviewed":true}""", several.Metadata);
        Assert.Equal("custom-label", several.Classification);
        Assert.Equal(until, several.DisabledUntil);

        var cleared = await test.Store.UpdateContentAsync(added.Id, new ContentUpdate
        {
            Note = null,
            Metadata = null,
            Classification = null,
            DisabledUntil = null,
        });
        Assert.Null(cleared.Note);
        Assert.Null(cleared.Metadata);
        Assert.Null(cleared.Classification);
        Assert.Null(cleared.DisabledUntil);
        Assert.Equal([Signals.Pdq(3)], cleared.Signals);
        Assert.Equal("SRC", cleared.Source);
        Assert.Equal(added.AddedAt, cleared.AddedAt);

        await Assert.ThrowsAsync<ArgumentException>(() => test.Store.UpdateContentAsync(added.Id, new ContentUpdate { Metadata = "nope" }));
        var missing = await Assert.ThrowsAsync<ContentNotFoundException>(() =>
            test.Store.UpdateContentAsync(added.Id + 1000, new ContentUpdate { Note = "x" }));
        Assert.Equal(added.Id + 1000, missing.ContentId);
    }

    [Fact]
    public async Task RemovedContentIsGoneWithItsSignals()
    {
        await using var test = await CreateStoreAsync();
        await test.Store.CreateBankAsync(new NewBank("REMOVALS"));
        var a = await test.Store.AddContentAsync("REMOVALS", new NewContent([Signals.Pdq(1), Signals.Md5(1)]));
        var b = await test.Store.AddContentAsync("REMOVALS", new NewContent([Signals.Pdq(2)]));

        Assert.True(await test.Store.RemoveContentAsync(a.Id));
        Assert.False(await test.Store.RemoveContentAsync(a.Id));

        Assert.Null(await test.Store.GetContentAsync(a.Id));
        Assert.Empty(await test.Store.LookupSignalAsync(Signals.Md5(1)));
        Assert.Equal(1, await test.Store.CountContentAsync("REMOVALS"));
        Assert.NotNull(await test.Store.GetContentAsync(b.Id));
        // The signal is free again: adding it now is not a duplicate.
        await test.Store.AddContentAsync("REMOVALS", new NewContent([Signals.Md5(1)]));
    }

    [Fact]
    public async Task ContentIdsAreNeverReusedAfterARemoval()
    {
        await using var test = await CreateStoreAsync();
        await test.Store.CreateBankAsync(new NewBank("IDS"));
        var last = await test.Store.AddContentAsync("IDS", new NewContent([Signals.Md5(1)]));
        await test.Store.RemoveContentAsync(last.Id);

        var next = await test.Store.AddContentAsync("IDS", new NewContent([Signals.Md5(2)]));

        Assert.True(next.Id > last.Id);
    }

    [Fact]
    public async Task StreamingABankYieldsAllItsContentInIdOrder()
    {
        await using var test = await CreateStoreAsync();
        await test.Store.CreateBankAsync(new NewBank("EXPORT"));
        await test.Store.CreateBankAsync(new NewBank("NOISE"));
        var expected = new List<BankContent>();
        for (int i = 0; i < 50; i++)
        {
            if (i % 3 == 0)
                await test.Store.AddContentAsync("NOISE", new NewContent([Signals.Pdq(1000 + i)]));
            var signals = i % 2 == 0 ? new[] { Signals.Pdq(i) } : [Signals.Pdq(i), Signals.Md5(i), Signals.Sha256(i)];
            expected.Add(await test.Store.AddContentAsync("EXPORT", new NewContent(signals) { Note = $"item {i}", SourceId = $"{i}" }));
        }

        var streamed = new List<BankContent>();
        await foreach (var content in test.Store.StreamContentAsync("EXPORT"))
            streamed.Add(content);

        Assert.Equal(expected.Count, streamed.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Signals, streamed[i].Signals);
            Assert.Equal(expected[i] with { Signals = streamed[i].Signals }, streamed[i]);
        }
        Assert.Equal(50, await test.Store.CountContentAsync("EXPORT"));
    }

    [Fact]
    public async Task AnEmptyBankStreamsNothing()
    {
        await using var test = await CreateStoreAsync();
        await test.Store.CreateBankAsync(new NewBank("EMPTY"));

        await foreach (var _ in test.Store.StreamContentAsync("EMPTY"))
            Assert.Fail("nothing expected");
        Assert.Equal(0, await test.Store.CountContentAsync("EMPTY"));
    }
}

public sealed class SqliteContentTests() : ContentTests(SqliteBackend.Instance);

public sealed class PostgresContentTests(PostgresDatabase database) : ContentTests(database), IClassFixture<PostgresDatabase>;
