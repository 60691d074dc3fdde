using System.Collections.Concurrent;
using Vigil.Hashing.Signals;

namespace Vigil.Storage.Tests;

/// <summary>Review cases through <see cref="ICaseStore"/> on both engines: the queue, leases, decisions, retention, exposure.</summary>
public abstract class CaseStoreTests(IStoreBackend backend) : StoreContractTests(backend)
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    private static NewCaseItem Item(string subject, string? classification = null, bool matched = true, string? reason = null, string pdq = "ab")
    {
        List<CaseMatch> matches = matched ? [new CaseMatch("KNOWN", 7, "pdq", 3, classification, ["csam"], "ncmec", "N-7")] : [];
        return new NewCaseItem
        {
            Subject = subject,
            Source = "api",
            Reason = reason,
            Priority = CasePriority.Of(matches, reason),
            Signals = [new Signal(SignalType.Pdq, pdq.PadLeft(64, '0')), new Signal(SignalType.Md5, "0123456789abcdef0123456789abcdef")],
            Matches = matches,
            Context = new ItemContext
            {
                ScreenName = "synthetic", Ip = "198.51.100.4", Port = 5000, UploadedAt = T0, Url = "https://example.org/u/1",
                IncidentKind = IncidentKind.Chat, PubliclyAvailable = false,
            },
        };
    }

    [Fact]
    public async Task The_queue_orders_by_priority_then_age_and_pages_by_keyset()
    {
        await using var test = await CreateStoreAsync();
        var cases = test.Store.Cases;
        long report = (await cases.AddCaseItemAsync(Item("u-report", matched: false, reason: "user_report"), T0)).CaseId;
        long unlabelled = (await cases.AddCaseItemAsync(Item("u-known"), T0.AddMinutes(1))).CaseId;
        long b2 = (await cases.AddCaseItemAsync(Item("u-b2", "B2"), T0.AddMinutes(2))).CaseId;
        long a1 = (await cases.AddCaseItemAsync(Item("u-a1", "A1"), T0.AddMinutes(3))).CaseId;
        long classifier = (await cases.AddCaseItemAsync(Item("u-model", matched: false, reason: "classifier"), T0.AddMinutes(4))).CaseId;
        // An A1 item joining the unlabelled case lifts it.
        var joined = await cases.AddCaseItemAsync(Item("u-known", "A1", pdq: "cd"), T0.AddMinutes(5));
        Assert.Equal((unlabelled, false, true), (joined.CaseId, joined.NewCase, joined.NewItem));

        var queue = await cases.ListQueueAsync(null, 100);
        Assert.Equal([unlabelled, a1, b2, classifier, report], queue.Select(c => c.Id));
        Assert.Equal([1, 1, 4, 6, 7], queue.Select(c => c.Priority));
        var page = await cases.ListQueueAsync(null, 2);
        var rest = await cases.ListQueueAsync(new QueueCursor(page[^1].Priority, page[^1].OpenedAt, page[^1].Id), 100);
        Assert.Equal(queue.Select(c => c.Id), page.Concat(rest).Select(c => c.Id));

        var details = (await cases.GetCaseAsync(unlabelled))!;
        Assert.Equal(2, details.Items.Count);
        var item = details.Items[0];
        Assert.Equal(Item("u-known").Context, item.Details.Context);
        Assert.Equal(Item("u-known").Signals, item.Details.Signals);
        var match = Assert.Single(item.Details.Matches);
        Assert.Equal(("KNOWN", 7L, "pdq", 3, (string?)null, "ncmec", "N-7"), (match.Bank, match.ContentId, match.SignalType, match.Distance, match.Classification,
            match.EntrySource, match.EntrySourceId));
        Assert.Equal(["csam"], match.Labels);
        Assert.Equal(("u-known", false, false), (item.Details.Subject, item.HasMedia, item.HasThumbnail));
    }

    [Fact]
    public async Task A_classified_items_scores_are_kept_with_it_and_it_queues_below_matches()
    {
        await using var test = await CreateStoreAsync();
        var cases = test.Store.Cases;
        long matched = (await cases.AddCaseItemAsync(Item("u-known"), T0.AddMinutes(1))).CaseId;
        var scores = new List<ItemScore>
        {
            new("vendor-model", "2026.11", 0.91, 0.8, null, [new ItemLabelScore("benign", 0.09), new ItemLabelScore("flagged", 0.91)]),
            new("vendor-api", "v2", 0.75, 0.5, "HIGH", [new ItemLabelScore("flagged", 0.75)]),
        };
        var classified = Item("u-model", matched: false, reason: "classifier") with { Source = "classifier", Scores = scores };
        long model = (await cases.AddCaseItemAsync(classified, T0)).CaseId;
        Assert.Equal([matched, model], (await cases.ListQueueAsync(null, 10)).Select(c => c.Id));
        var item = Assert.Single((await cases.GetCaseAsync(model))!.Items);
        Assert.Equal("classifier", item.Details.Source);
        Assert.Equal(CasePriority.Classifier, item.Details.Priority);
        Assert.Equal(2, item.Details.Scores.Count);
        for (int i = 0; i < 2; i++)
        {
            var (want, got) = (scores[i], item.Details.Scores[i]);
            Assert.Equal((want.Model, want.Version, want.Score, want.Threshold, want.Priority), (got.Model, got.Version, got.Score, got.Threshold, got.Priority));
            Assert.Equal(want.Labels, got.Labels);
        }
        // A conversation item keeps the messages that raised its risk.
        var talk = Item("u-talk", matched: false, reason: "conversation") with
        {
            Source = "conversation",
            Messages = [new ItemMessage(3, "adult-1", "kid-1", T0, "don't tell your parents \"ok\"", ["secrecy", "age_gap"])],
        };
        var talkItem = Assert.Single((await cases.GetCaseAsync((await cases.AddCaseItemAsync(talk, T0)).CaseId))!.Items);
        var kept = Assert.Single(talkItem.Details.Messages);
        Assert.Equal((3, "adult-1", "kid-1", T0, "don't tell your parents \"ok\""), (kept.Index, kept.Sender, kept.Recipient, kept.SentAt, kept.Text));
        Assert.Equal(["secrecy", "age_gap"], kept.Signals);
        Assert.Empty(item.Details.Messages);
        // A matched item carries none; a score out of range is refused before it is stored.
        Assert.Empty((await cases.GetCaseAsync(matched))!.Items[0].Details.Scores);
        var bad = classified with { Scores = [new ItemScore("m", "1", 1.5, 0.5, null, [])] };
        Assert.Contains("0 to 1", CaseValidation.Problem(bad), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_lease_is_exclusive_until_it_ends_and_only_its_holder_decides()
    {
        await using var test = await CreateStoreAsync();
        var cases = test.Store.Cases;
        var opened = await cases.AddCaseItemAsync(Item("u1", "A2"), T0);
        var leaseEnds = T0.AddMinutes(15);
        Assert.Equal(opened.CaseId, (await cases.ClaimNextCaseAsync("alice", false, T0, leaseEnds))!.Id);
        Assert.Null(await cases.ClaimNextCaseAsync("bob", false, T0.AddMinutes(1), T0.AddMinutes(16)));
        Assert.Equal(CaseChange.NotLeased, await cases.DecideItemAsync(opened.CaseId, opened.ItemId, "bob", ItemVerdict.Skip, null, T0.AddMinutes(1)));
        Assert.Equal(CaseChange.NotLeased, await cases.ClaimCaseAsync(opened.CaseId, "bob", T0.AddMinutes(1), T0.AddMinutes(16)));
        // After the lease ends, the case goes to the next claimer; the first holder's decision is refused.
        Assert.Equal(opened.CaseId, (await cases.ClaimNextCaseAsync("bob", false, leaseEnds, leaseEnds.AddMinutes(15)))!.Id);
        Assert.Equal(CaseChange.NotLeased, await cases.DecideItemAsync(opened.CaseId, opened.ItemId, "alice", ItemVerdict.Skip, null, leaseEnds));
        Assert.Equal(CaseChange.Done, await cases.DecideItemAsync(opened.CaseId, opened.ItemId, "bob", ItemVerdict.Confirmed, IndustryClassification.A2, leaseEnds));
        Assert.Equal(CaseChange.NotFound, await cases.DecideItemAsync(opened.CaseId, opened.ItemId + 99, "bob", ItemVerdict.Skip, null, leaseEnds));
        Assert.Equal(CaseChange.NotFound, await cases.DecideCaseAsync(opened.CaseId + 99, "bob", CaseVerdict.Report, false, leaseEnds));
        await Assert.ThrowsAsync<ArgumentException>(() => cases.DecideItemAsync(opened.CaseId, opened.ItemId, "bob", ItemVerdict.Confirmed, null, leaseEnds));
        Assert.Equal(CaseChange.Done, await cases.ReleaseCaseAsync(opened.CaseId, "bob", leaseEnds));
        Assert.Equal(CaseChange.NotLeased, await cases.ReleaseCaseAsync(opened.CaseId, "bob", leaseEnds));
    }

    [Fact]
    public async Task Four_eyes_needs_a_second_reviewer_and_escalated_cases_go_to_seniors()
    {
        await using var test = await CreateStoreAsync();
        var cases = test.Store.Cases;
        var opened = await cases.AddCaseItemAsync(Item("u1", "A1"), T0);
        await cases.ClaimNextCaseAsync("alice", false, T0, T0.AddHours(1));
        Assert.Equal(CaseChange.NothingConfirmed, await cases.DecideCaseAsync(opened.CaseId, "alice", CaseVerdict.Report, true, T0));
        await cases.DecideItemAsync(opened.CaseId, opened.ItemId, "alice", ItemVerdict.Confirmed, IndustryClassification.A1, T0);
        Assert.Equal(CaseChange.AwaitingSecondReviewer, await cases.DecideCaseAsync(opened.CaseId, "alice", CaseVerdict.Report, true, T0));
        // Alice is not offered it again; Bob is, and his report decides it.
        Assert.Null(await cases.ClaimNextCaseAsync("alice", false, T0, T0.AddHours(1)));
        Assert.Equal(opened.CaseId, (await cases.ClaimNextCaseAsync("bob", false, T0, T0.AddHours(1)))!.Id);
        Assert.Equal(CaseChange.Done, await cases.DecideCaseAsync(opened.CaseId, "bob", CaseVerdict.Report, true, T0));
        var decided = (await cases.GetCaseAsync(opened.CaseId))!;
        Assert.Equal((CaseStatus.Decided, CaseVerdict.Report, "bob", "alice"), (decided.Case.Status, decided.Case.Verdict, decided.Case.DecidedBy, decided.Case.FirstReportBy));
        Assert.Equal(["confirmed", "report", "report"], decided.Decisions.Select(d => d.Verdict));
        Assert.Equal(CaseChange.Done, await cases.MarkReportedAsync(opened.CaseId, "NCMEC-1", T0.AddHours(1)));
        Assert.Equal(CaseChange.NotOpen, await cases.MarkReportedAsync(opened.CaseId, "NCMEC-2", T0.AddHours(1)));

        var other = await cases.AddCaseItemAsync(Item("u2"), T0);
        await cases.ClaimNextCaseAsync("carol", false, T0, T0.AddHours(1));
        Assert.Equal(CaseChange.Done, await cases.DecideCaseAsync(other.CaseId, "carol", CaseVerdict.Escalate, false, T0));
        Assert.Null(await cases.ClaimNextCaseAsync("carol", false, T0, T0.AddHours(1)));
        var senior = (await cases.ClaimNextCaseAsync("lead", true, T0, T0.AddHours(1)))!;
        Assert.Equal((other.CaseId, true), (senior.Id, senior.Escalated));
    }

    [Fact]
    public async Task Retention_purges_media_of_old_dismissed_and_reported_cases_but_never_a_held_one()
    {
        await using var test = await CreateStoreAsync();
        var cases = test.Store.Cases;
        var media = new SealedMedia("image/jpeg", 3, "key-1", [1, 2], [3, 4], [5, 6, 7]);
        var dismissed = await cases.AddCaseItemAsync(Item("dismissed") with { Media = media }, T0);
        var held = await cases.AddCaseItemAsync(Item("held") with { Media = media }, T0);
        var reported = await cases.AddCaseItemAsync(Item("reported", "A1") with { Media = media }, T0);
        Assert.Equal(media.Ciphertext, (await cases.GetItemMediaAsync(dismissed.CaseId, dismissed.ItemId))!.Ciphertext);
        Assert.Null(await cases.GetItemMediaAsync(held.CaseId, dismissed.ItemId));
        foreach (var (opened, verdict) in new[] { (dismissed, CaseVerdict.NoReport), (held, CaseVerdict.NoReport) })
        {
            await cases.ClaimCaseAsync(opened.CaseId, "r", T0, T0.AddHours(1));
            await cases.DecideCaseAsync(opened.CaseId, "r", verdict, false, T0);
        }
        await cases.ClaimCaseAsync(reported.CaseId, "r", T0, T0.AddHours(1));
        await cases.DecideItemAsync(reported.CaseId, reported.ItemId, "r", ItemVerdict.Confirmed, IndustryClassification.A1, T0);
        await cases.DecideCaseAsync(reported.CaseId, "r", CaseVerdict.Report, false, T0);
        await cases.MarkReportedAsync(reported.CaseId, "R-1", T0);
        Assert.True(await cases.SetLegalHoldAsync(held.CaseId, true, T0));
        Assert.False(await cases.SetLegalHoldAsync(999_999, true, T0));

        // 29 days on: nothing is due. 31 days: the dismissed case (not the held one). A year and a day: the reported one.
        Assert.Empty(await PurgedAsync(cases, T0.AddDays(29)));
        var now = T0.AddDays(31);
        Assert.Equal([dismissed.CaseId], await PurgedAsync(cases, now));
        Assert.Null(await cases.GetItemMediaAsync(dismissed.CaseId, dismissed.ItemId));
        var purged = (await cases.GetCaseAsync(dismissed.CaseId))!;
        // Of a dismissed case the user's details go too; the upload time and where it was shared (nothing about the user) stay.
        Assert.Equal((now, new ItemContext { UploadedAt = T0, IncidentKind = IncidentKind.Chat, PubliclyAvailable = false }),
            (purged.Case.MediaPurgedAt, purged.Items[0].Details.Context));
        Assert.NotNull(await cases.GetItemMediaAsync(held.CaseId, held.ItemId));
        Assert.NotNull(await cases.GetItemMediaAsync(reported.CaseId, reported.ItemId));
        now = T0.AddDays(366);
        Assert.Equal([reported.CaseId], await PurgedAsync(cases, now));
        // The reported case's context stays (the report needs it); its media is gone.
        Assert.Equal("synthetic", (await cases.GetCaseAsync(reported.CaseId))!.Items[0].Details.Context.ScreenName);
        Assert.Null(await cases.GetItemMediaAsync(reported.CaseId, reported.ItemId));
        Assert.True(await cases.SetLegalHoldAsync(held.CaseId, false, now));
        Assert.Equal([held.CaseId], await PurgedAsync(cases, now));
    }

    /// <summary>The cases a purge with the default retentions (365 days, 30 days, 90 idle days) takes at <paramref name="now"/>.</summary>
    private static async Task<IReadOnlyList<long>> PurgedAsync(ICaseStore cases, DateTimeOffset now) =>
        (await cases.PurgePastRetentionAsync(now - TimeSpan.FromDays(365), now - TimeSpan.FromDays(30), now - TimeSpan.FromDays(90), now)).Cases;

    [Fact]
    public async Task Exposure_adds_up_per_reviewer_per_day_and_settings_are_kept()
    {
        await using var test = await CreateStoreAsync();
        var cases = test.Store.Cases;
        var day = new DateOnly(2026, 12, 1);
        Assert.Equal(0, (await cases.GetExposureAsync("alice", day)).Seconds);
        await cases.AddExposureAsync("alice", day, 5, 1);
        var total = await cases.AddExposureAsync("alice", day, 2.5, 0);
        Assert.Equal((7.5, 1L), (total.Seconds, total.ClearViews));
        await cases.AddExposureAsync("bob", day, 60, 12);
        await cases.AddExposureAsync("alice", day.AddDays(1), 1, 1);
        Assert.Equal(["bob", "alice"], (await cases.ListExposureAsync(day)).Select(e => e.Reviewer));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => cases.AddExposureAsync("alice", day, -1, 0));
        Assert.Equal(ReviewerSettings.Defaults, await cases.GetReviewerSettingsAsync("alice"));
        await cases.SetReviewerSettingsAsync("alice", new ReviewerSettings(20, false, null), T0);
        Assert.Equal(new ReviewerSettings(20, false, null), await cases.GetReviewerSettingsAsync("alice"));
    }

    [Fact]
    public async Task Sixteen_concurrent_claimers_over_a_thousand_cases_claim_each_exactly_once()
    {
        await using var test = await CreateStoreAsync();
        var cases = test.Store.Cases;
        for (int i = 0; i < 1_000; i++)
            await cases.AddCaseItemAsync(Item($"user-{i}", i % 3 == 0 ? "A1" : null, pdq: i.ToString("x")), T0.AddSeconds(i));
        var claims = new ConcurrentBag<(string Reviewer, long Case)>();
        await Task.WhenAll(Enumerable.Range(0, 16).Select(r => Task.Run(async () =>
        {
            string reviewer = $"reviewer-{r}";
            while (await cases.ClaimNextCaseAsync(reviewer, false, T0, T0.AddHours(1)) is { } claimed)
            {
                claims.Add((reviewer, claimed.Id));
                Assert.Equal(CaseChange.Done, await cases.DecideCaseAsync(claimed.Id, reviewer, CaseVerdict.NoReport, false, T0));
            }
        })));
        Assert.Equal(1_000, claims.Count);
        Assert.Equal(1_000, claims.Select(c => c.Case).Distinct().Count());
        // PostgreSQL claims in parallel (SKIP LOCKED); SQLite's single writer may well let one claimer run through them all.
        if (Backend is PostgresDatabase)
            Assert.True(claims.Select(c => c.Reviewer).Distinct().Count() > 1, "one claimer took every case");
        Assert.Empty(await cases.ListQueueAsync(null, 10));
    }
}

public sealed class SqliteCaseStoreTests() : CaseStoreTests(SqliteBackend.Instance);

public sealed class PostgresCaseStoreTests(PostgresDatabase database) : CaseStoreTests(database), IClassFixture<PostgresDatabase>;
