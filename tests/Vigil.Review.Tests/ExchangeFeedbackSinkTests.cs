using Vigil.Hashing.Signals;
using Vigil.Review.Actions;
using Vigil.Review.Exchanges;
using Vigil.Storage;
using Vigil.Storage.Sqlite;
using Vigil.Testing;

namespace Vigil.Review.Tests;

/// <summary>
/// Review decisions on matches of exchange entries queue feedback for those exchanges, and confirmed content is shared to the
/// exchanges an admin shares its bank to; nothing else queues anything.
/// </summary>
public sealed class ExchangeFeedbackSinkTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 5, 1, 9, 0, 0, TimeSpan.Zero));
    private SqliteVigilStore _store = null!;
    private ReviewService _review = null!;
    private readonly Reviewer _reviewer = new("reviewer-1", Senior: true);
    private static readonly DateTimeOffset Now = new(2026, 5, 1, 8, 0, 0, TimeSpan.Zero);

    public async Task InitializeAsync()
    {
        _store = await SqliteVigilStore.OpenAsync(_dir.File("vigil.db"));
        _review = new ReviewService(_store.Cases, _store, _store, new StoreReviewAudit(_store), NoActions.Instance, new ReviewOptions(), _clock,
            exchangeFeedback: new StoreExchangeFeedbackSink(_store, _store.Exchanges, _store.ExchangeFeedback));
        await _store.CreateBankAsync(new NewBank("EXCHANGED"));
        await _store.CreateBankAsync(new NewBank("LOCAL"));
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    private static Signal Md5(int n) => new(SignalType.Md5, n.ToString("x32"));

    private async Task<BankContent> EntryAsync(string bank, int n, string? source, string? sourceId) =>
        await _store.AddContentAsync(bank, new NewContent([Md5(n)]) { Source = source, SourceId = sourceId });

    private static CaseMatch Match(BankContent entry, string type = "md5") =>
        new(entry.BankName, entry.Id, type, 0, null, [], entry.Source, entry.SourceId);

    /// <summary>Opens an item for a new subject with these matches, claims its case and decides the item.</summary>
    private Task DecideAsync(ItemVerdict verdict, params CaseMatch[] matches) => DecideAsync(_review, verdict, 'a', matches);

    private async Task DecideAsync(ReviewService review, ItemVerdict verdict, char pdq, params CaseMatch[] matches)
    {
        var opened = await review.OpenAsync(new NewCaseItem
        {
            Subject = "user-" + Guid.NewGuid().ToString("N")[..8],
            Source = "api",
            Priority = 1,
            Signals = [new Signal(SignalType.Pdq, new string(pdq, 64))],
            Matches = matches,
        }, ReadOnlyMemory<byte>.Empty, null);
        Assert.Equal(CaseChange.Done, await review.ClaimAsync(opened.CaseId, _reviewer));
        Assert.Equal(CaseChange.Done, await review.DecideItemAsync(opened.CaseId, opened.ItemId, _reviewer, verdict,
            verdict == ItemVerdict.Confirmed ? IndustryClassification.A1 : null));
    }

    /// <summary>A review service whose confirmed items go into bank CONFIRMED.</summary>
    private async Task<ReviewService> ConfirmingReviewAsync()
    {
        await _store.CreateBankAsync(new NewBank("CONFIRMED"));
        return new ReviewService(_store.Cases, _store, _store, new StoreReviewAudit(_store), NoActions.Instance,
            new ReviewOptions { ConfirmedBank = "CONFIRMED" }, _clock, exchangeFeedback: new StoreExchangeFeedbackSink(_store, _store.Exchanges, _store.ExchangeFeedback));
    }

    [Fact]
    public async Task ConfirmedContentIsSharedOnceToEachExchangeItsBankIsSharedToAndOnlyWhileItIs()
    {
        var review = await ConfirmingReviewAsync();
        await _store.Exchanges.AddExchangeAsync(new NewExchange("snc-shared", "stopncii", "EXCHANGED"), Now);
        await _store.Exchanges.AddExchangeAsync(new NewExchange("snc-not-shared", "stopncii", "EXCHANGED"), Now);
        Assert.True(await _store.Exchanges.SetSharingAsync("snc-shared", "CONFIRMED", true, "admin", Now));

        await DecideAsync(review, ItemVerdict.Confirmed, 'b');
        var content = Assert.Single(await _store.LookupSignalAsync(new Signal(SignalType.Pdq, new string('b', 64))));
        Assert.Equal(1, await _store.CountContentAsync("CONFIRMED"));
        var share = Assert.Single(await _store.ExchangeFeedback.ListAsync(null, 0, 10));
        Assert.Equal(("snc-shared", content.ContentId, $"content:{content.ContentId}", ExchangeFeedbackOpinion.Share, ExchangeFeedbackStatus.Pending),
            (share.Exchange, share.ContentId, share.EntryId, share.Opinion, share.Status));
        Assert.Equal([new Signal(SignalType.Pdq, new string('b', 64))], share.Signals);

        // The same hash confirmed in another case is the same content: shared once. A false positive shares nothing.
        await DecideAsync(review, ItemVerdict.Confirmed, 'b');
        await DecideAsync(review, ItemVerdict.NotAbuse, 'c');
        Assert.Single(await _store.ExchangeFeedback.ListAsync(null, 0, 10));

        // Turned off: new confirmed content stays at home.
        Assert.True(await _store.Exchanges.SetSharingAsync("snc-shared", "CONFIRMED", false, "admin", Now));
        await DecideAsync(review, ItemVerdict.Confirmed, 'd');
        Assert.Equal(2, await _store.CountContentAsync("CONFIRMED"));
        Assert.Single(await _store.ExchangeFeedback.ListAsync(null, 0, 10));
    }

    [Fact]
    public async Task ABankNoOneSharesSharesNothingAndFeedbackOnMatchesIsUnchanged()
    {
        var review = await ConfirmingReviewAsync();
        await _store.Exchanges.AddExchangeAsync(new NewExchange("snc", "stopncii", "EXCHANGED"), Now);
        var entry = await EntryAsync("EXCHANGED", 1, "exchange:snc", "SNC-1");
        await DecideAsync(review, ItemVerdict.Confirmed, 'e', Match(entry));
        Assert.Equal(1, await _store.CountContentAsync("CONFIRMED"));
        var queued = Assert.Single(await _store.ExchangeFeedback.ListAsync(null, 0, 10));
        Assert.Equal(("snc", "SNC-1", ExchangeFeedbackOpinion.Confirmed), (queued.Exchange, queued.EntryId, queued.Opinion));
    }

    [Fact]
    public async Task NotAbuseOnAnExchangeEntryQueuesOneFalsePositiveWithTheEntrysIdAndSignals()
    {
        var entry = await EntryAsync("EXCHANGED", 1, "exchange:stopncii-test", "SNC-1");
        // Matched by two signals: one entry, one piece of feedback.
        await DecideAsync(ItemVerdict.NotAbuse, Match(entry), Match(entry, "pdq"));

        var queued = Assert.Single(await _store.ExchangeFeedback.ListAsync(null, 0, 10));
        Assert.Equal(("stopncii-test", entry.Id, "SNC-1", ExchangeFeedbackOpinion.FalsePositive, ExchangeFeedbackStatus.Pending, _clock.GetUtcNow()),
            (queued.Exchange, queued.ContentId, queued.EntryId, queued.Opinion, queued.Status, queued.CreatedAt));
        Assert.Equal([Md5(1)], queued.Signals);

        // Another item matching the same entry, decided the same way: still one.
        await DecideAsync(ItemVerdict.NotAbuse, Match(entry));
        Assert.Single(await _store.ExchangeFeedback.ListForEntryAsync("stopncii-test", "SNC-1"));
    }

    [Fact]
    public async Task ConfirmedQueuesAConfirmationAndOnlyExchangeEntriesAreSentAnything()
    {
        var fromExchange = await EntryAsync("EXCHANGED", 1, "exchange:ncmec-test", "N-1");
        var local = await EntryAsync("LOCAL", 2, "partner-file", "row-2");
        var noId = await EntryAsync("EXCHANGED", 3, "exchange:ncmec-test", null);
        await DecideAsync(ItemVerdict.Confirmed, Match(fromExchange), Match(local), Match(noId));

        var queued = Assert.Single(await _store.ExchangeFeedback.ListAsync(null, 0, 10));
        Assert.Equal(("ncmec-test", "N-1", ExchangeFeedbackOpinion.Confirmed), (queued.Exchange, queued.EntryId, queued.Opinion));
    }

    [Fact]
    public async Task EscalatedSkippedAndRemovedEntriesQueueNothing()
    {
        var entry = await EntryAsync("EXCHANGED", 1, "exchange:stopncii-test", "SNC-1");
        await DecideAsync(ItemVerdict.Escalate, Match(entry));
        await DecideAsync(ItemVerdict.Skip, Match(entry));
        var removed = await EntryAsync("EXCHANGED", 2, "exchange:stopncii-test", "SNC-2");
        Assert.True(await _store.RemoveContentAsync(removed.Id));
        await DecideAsync(ItemVerdict.NotAbuse, Match(removed));
        Assert.Empty(await _store.ExchangeFeedback.ListAsync(null, 0, 10));
    }
}
