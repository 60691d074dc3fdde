using System.Text;
using System.Text.Json;
using Vigil.Hashing.Pdq;
using Vigil.Hashing.Signals;
using Vigil.Review.Cases;
using Vigil.Review.Actions;
using Vigil.Review.Evidence;
using Vigil.Review.Exchanges;
using Vigil.Review.Wellness;
using Vigil.Storage;

namespace Vigil.Review;

/// <summary>
/// Review as one service, for the HTTP API, the web UI and the command line alike: opening case
/// items (media sealed into the vault), the leased queue, decisions and their effects on the banks,
/// media views under the wellness rules, and the audit entries and action events of each.
/// </summary>
public sealed class ReviewService
{
    /// <summary>The source and provenance banks record for content added by review.</summary>
    public const string ProvenanceSource = "vigil-review";

    private readonly ICaseStore _cases;
    private readonly IBankStore _banks;
    private readonly IContentStore _content;
    private readonly IReviewAudit _audit;
    private readonly IActionSink _actions;
    private readonly TimeProvider _clock;
    private readonly IMediaVault? _vault;
    private readonly IReviewDerivatives? _derivatives;
    private readonly IExchangeFeedbackSink _exchangeFeedback;
    private readonly IBankVariantSignals? _bankVariants;

    /// <summary>
    /// Creates the service; <paramref name="exchangeFeedback"/> is where decisions on matches of exchange entries are queued to be
    /// sent back (default: nowhere); <paramref name="bankVariants"/> makes a confirmed photo's crops from its media in the vault
    /// for the confirmed bank (default: none, only the item's own hashes go in).
    /// </summary>
    /// <exception cref="ArgumentException">The options are not valid (see <see cref="ReviewOptions.Problem"/>).</exception>
    public ReviewService(ICaseStore cases, IBankStore banks, IContentStore content, IReviewAudit audit, IActionSink actions, ReviewOptions options,
        TimeProvider clock, IMediaVault? vault = null, IReviewDerivatives? derivatives = null, IExchangeFeedbackSink? exchangeFeedback = null,
        IBankVariantSignals? bankVariants = null)
    {
        _exchangeFeedback = exchangeFeedback ?? NoExchangeFeedback.Instance;
        _bankVariants = bankVariants;
        ArgumentNullException.ThrowIfNull(options);
        if (options.Problem() is { } problem)
            throw new ArgumentException(problem, nameof(options));
        (_cases, _banks, _content, _audit, _actions, Options, _clock, _vault, _derivatives) =
            (cases, banks, content, audit, actions, options, clock, vault, derivatives);
    }

    /// <summary>The options it runs with.</summary>
    public ReviewOptions Options { get; }

    /// <summary>True when media can be stored and opened (a vault key was given).</summary>
    public bool HasVault => _vault is not null;

    /// <summary>The store's cases, for reads (lists, a case's details).</summary>
    public ICaseStore Cases => _cases;

    /// <summary>
    /// Adds an item to its subject's open case, sealing its media into the vault first (the
    /// plaintext is never stored). Raises a <see cref="ActionTrigger.Match"/> event when it matched.
    /// </summary>
    /// <exception cref="InvalidOperationException">Media was given but there is no vault.</exception>
    public async Task<OpenedItem> OpenAsync(NewCaseItem item, ReadOnlyMemory<byte> media, string? contentType, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (!media.IsEmpty)
        {
            if (_vault is null)
                throw new InvalidOperationException("this server keeps no media: start it with --vault-key FILE (made by 'vigil review init-key')");
            item = item with { Media = _vault.Seal(media.Span, string.IsNullOrEmpty(contentType) ? "application/octet-stream" : contentType) };
        }
        var opened = await _cases.AddCaseItemAsync(item, _clock.GetUtcNow(), cancellationToken);
        if (opened.NewItem && item.Matches.Count > 0)
            await _actions.RaiseAsync(Event(ActionTrigger.Match, item, opened.CaseId, opened.ItemId), cancellationToken);
        return opened;
    }

    /// <summary>The next case for the reviewer, leased for <see cref="ReviewOptions.LeaseDuration"/>; null when the queue is empty.</summary>
    public async Task<ReviewCase?> ClaimNextAsync(Reviewer reviewer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reviewer);
        var now = _clock.GetUtcNow();
        var claimed = await _cases.ClaimNextCaseAsync(reviewer.Name, reviewer.Senior, now, now + Options.LeaseDuration, cancellationToken);
        if (claimed is not null)
            await AuditAsync(reviewer, "case.claim", CaseSubject(claimed.Id), Detail(w => w.WriteString("lease_expires_at", claimed.LeaseExpiresAt!.Value)), cancellationToken);
        return claimed;
    }

    /// <summary>Leases one case to the reviewer (see <see cref="ICaseStore.ClaimCaseAsync"/>).</summary>
    public async Task<CaseChange> ClaimAsync(long caseId, Reviewer reviewer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reviewer);
        var now = _clock.GetUtcNow();
        var change = await _cases.ClaimCaseAsync(caseId, reviewer.Name, now, now + Options.LeaseDuration, cancellationToken);
        if (change == CaseChange.Done)
            await AuditAsync(reviewer, "case.claim", CaseSubject(caseId), null, cancellationToken);
        return change;
    }

    /// <summary>Gives the case back to the queue.</summary>
    public async Task<CaseChange> ReleaseAsync(long caseId, Reviewer reviewer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reviewer);
        var change = await _cases.ReleaseCaseAsync(caseId, reviewer.Name, _clock.GetUtcNow(), cancellationToken);
        if (change == CaseChange.Done)
            await AuditAsync(reviewer, "case.release", CaseSubject(caseId), null, cancellationToken);
        return change;
    }

    /// <summary>
    /// Records an item verdict and applies its effects: a confirmed item's signals go into the
    /// confirmed bank (with the case and reviewer as provenance), a false positive's query signals
    /// into the false-positive bank (and each matched entry's false-positive count rises). Either verdict on a match
    /// whose entry came from an exchange is queued to be sent back to it, and confirmed content is shared to the exchanges an admin
    /// shares the confirmed bank to (see <see cref="IExchangeFeedbackSink"/>).
    /// </summary>
    public async Task<CaseChange> DecideItemAsync(long caseId, long itemId, Reviewer reviewer, ItemVerdict verdict, IndustryClassification? classification,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reviewer);
        var change = await _cases.DecideItemAsync(caseId, itemId, reviewer.Name, verdict, classification, _clock.GetUtcNow(), cancellationToken);
        if (change != CaseChange.Done)
            return change;
        var details = await _cases.GetCaseAsync(caseId, cancellationToken);
        var item = FindItem(details, itemId);
        string? fedBank = null;
        long? fedContent = null;
        if (item is not null)
            (fedBank, fedContent) = await FeedBanksAsync(details!.Case, item, reviewer, verdict, classification, cancellationToken);
        await AuditAsync(reviewer, "case.item.decide", ItemSubject(caseId, itemId), Detail(w =>
        {
            w.WriteString("verdict", CaseNames.Name(verdict));
            if (classification is { } c)
                w.WriteString("classification", c.ToString());
            if (fedBank is not null)
            {
                w.WriteString("bank", fedBank);
                w.WriteNumber("content_id", fedContent!.Value);
            }
        }), cancellationToken);
        if (item is not null)
        {
            await _actions.RaiseAsync(Event(ActionTrigger.Decision, item.Details with { Subject = details!.Case.Subject }, caseId, itemId) with
            {
                Verdict = CaseNames.Name(verdict),
                Classification = classification?.ToString(),
            }, cancellationToken);
            // Last: the decision, its bank effects and its audit entry stand whatever the queue does.
            var confirmedInto = verdict == ItemVerdict.Confirmed && fedBank is not null ? new ConfirmedContent(fedBank, fedContent!.Value) : null;
            if (verdict is ItemVerdict.Confirmed or ItemVerdict.NotAbuse && (item.Details.Matches.Count > 0 || confirmedInto is not null))
                await _exchangeFeedback.DecidedAsync(new ReviewedItem(verdict, item.Details.Matches, _clock.GetUtcNow(), confirmedInto), cancellationToken);
        }
        return change;
    }

    /// <summary>Records a case verdict (see <see cref="ICaseStore.DecideCaseAsync"/>), under four-eyes when the options say so.</summary>
    public async Task<CaseChange> DecideCaseAsync(long caseId, Reviewer reviewer, CaseVerdict verdict, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reviewer);
        var change = await _cases.DecideCaseAsync(caseId, reviewer.Name, verdict, Options.FourEyes, _clock.GetUtcNow(), cancellationToken);
        if (change is not (CaseChange.Done or CaseChange.AwaitingSecondReviewer))
            return change;
        await AuditAsync(reviewer, "case.decide", CaseSubject(caseId), Detail(w =>
        {
            w.WriteString("verdict", CaseNames.Name(verdict));
            if (change == CaseChange.AwaitingSecondReviewer)
                w.WriteBoolean("awaiting_second_reviewer", true);
        }), cancellationToken);
        if (change == CaseChange.Done)
            await RaiseCaseEventAsync(ActionTrigger.Decision, caseId, CaseNames.Name(verdict), null, cancellationToken);
        return change;
    }

    /// <summary>
    /// An item's media as the reviewer may see it: the blurred derivative, or (explicitly) the clear
    /// bytes, audited before they are returned and charged to the reviewer's exposure. Nothing is
    /// served once the reviewer's daily cap is reached.
    /// </summary>
    public async Task<MediaAnswer> GetMediaAsync(long caseId, long itemId, Reviewer reviewer, MediaView view, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reviewer);
        var wellness = await GetWellnessAsync(reviewer, cancellationToken);
        if (wellness.CapReached)
            return MediaAnswer.Refused(MediaRefusal.CapReached);

        byte[]? clear;
        string contentType;
        var sealedMedia = await _cases.GetItemMediaAsync(caseId, itemId, cancellationToken);
        if (sealedMedia is not null)
        {
            if (_vault is null)
                return MediaAnswer.Refused(MediaRefusal.VaultUnavailable);
            clear = _vault.Open(sealedMedia);
            contentType = sealedMedia.ContentType;
        }
        else if (await _cases.GetItemThumbnailAsync(caseId, itemId, cancellationToken) is { } thumbnail
                 && thumbnail.Length == PsiThumbnail.Side * PsiThumbnail.Side)
        {
            // A revealed voucher's only picture: its 64x64 greyscale visual derivative.
            clear = Vigil.Media.Encoders.GrayPngEncoder.Encode(thumbnail, PsiThumbnail.Side, PsiThumbnail.Side);
            contentType = "image/png";
        }
        else
        {
            var details = await _cases.GetCaseAsync(caseId, cancellationToken);
            return MediaAnswer.Refused(FindItem(details, itemId) is null ? MediaRefusal.NotFound : MediaRefusal.NoMedia);
        }

        await AuditAsync(reviewer, "case.media.view", ItemSubject(caseId, itemId),
            Detail(w => w.WriteString("view", view == MediaView.Clear ? "clear" : "blurred")), cancellationToken);
        if (view == MediaView.Clear)
        {
            await _cases.AddExposureAsync(reviewer.Name, Today(), Options.RevealWindow.TotalSeconds, 1, cancellationToken);
            await _cases.MarkViewedClearAsync(caseId, itemId, cancellationToken);
            return new MediaAnswer(MediaRefusal.None, clear, contentType);
        }
        if (_derivatives is null)
            return MediaAnswer.Refused(MediaRefusal.Undecodable);
        try
        {
            return new MediaAnswer(MediaRefusal.None, await _derivatives.DeriveAsync(clear, contentType, wellness.Settings, cancellationToken), "image/png");
        }
        catch (UndecodableMediaException)
        {
            return MediaAnswer.Refused(MediaRefusal.Undecodable);
        }
    }

    /// <summary>Adds seconds of clear media on screen that the reviewer's page measured beyond the charge per view (e.g. a video played).</summary>
    public Task<ReviewerExposure> RecordExposureAsync(Reviewer reviewer, double seconds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reviewer);
        return _cases.AddExposureAsync(reviewer.Name, Today(), seconds, 0, cancellationToken);
    }

    /// <summary>The reviewer's exposure today, the cap and their effective settings.</summary>
    public async Task<ReviewerWellness> GetWellnessAsync(Reviewer reviewer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reviewer);
        var exposure = await _cases.GetExposureAsync(reviewer.Name, Today(), cancellationToken);
        var settings = await _cases.GetReviewerSettingsAsync(reviewer.Name, cancellationToken);
        return new ReviewerWellness(exposure, Options.DailyExposureCap, Options.BreakInterval,
            new BlurOptions
            {
                Radius = Math.Clamp(settings.BlurRadius ?? Options.DefaultBlurRadius, Math.Max(Options.MinimumBlurRadius, BlurOptions.MinimumRadius), BlurOptions.MaximumRadius),
                Greyscale = settings.Greyscale ?? true || !Options.AllowColour,
            },
            settings.Mute ?? true || !Options.AllowSound);
    }

    /// <summary>Stores the reviewer's settings; the reason they are outside the org's limits, or null when stored.</summary>
    public async Task<string?> UpdateSettingsAsync(Reviewer reviewer, ReviewerSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reviewer);
        ArgumentNullException.ThrowIfNull(settings);
        int least = Math.Max(Options.MinimumBlurRadius, BlurOptions.MinimumRadius);
        if (settings.BlurRadius is { } radius && (radius < least || radius > BlurOptions.MaximumRadius))
            return $"blur must be {least} to {BlurOptions.MaximumRadius}";
        if (settings.Greyscale == false && !Options.AllowColour)
            return "this organisation keeps derivatives greyscale";
        if (settings.Mute == false && !Options.AllowSound)
            return "this organisation keeps video muted";
        await _cases.SetReviewerSettingsAsync(reviewer.Name, settings, _clock.GetUtcNow(), cancellationToken);
        await AuditAsync(reviewer, "reviewer.settings", $"reviewer/{reviewer.Name}", null, cancellationToken);
        return null;
    }

    /// <summary>
    /// Records that a report about a case decided <c>report</c> was filed (the reporting outbox's last
    /// step), audits it and raises <see cref="ActionTrigger.ReportFiled"/> (e.g. a "preserve account data" webhook).
    /// </summary>
    public async Task<CaseChange> MarkReportedAsync(long caseId, string reportId, string actor, DateTimeOffset? preserveUntil = null,
        CancellationToken cancellationToken = default)
    {
        var change = await _cases.MarkReportedAsync(caseId, reportId, _clock.GetUtcNow(), cancellationToken);
        if (change != CaseChange.Done)
            return change;
        await _audit.RecordAsync(actor, "case.reported", CaseSubject(caseId), Detail(w => w.WriteString("report_id", reportId)), cancellationToken);
        await RaiseCaseEventAsync(ActionTrigger.ReportFiled, caseId, null, reportId, cancellationToken, preserveUntil);
        return change;
    }

    /// <summary>
    /// Records that the report about a case stopped on a permanent failure: audits it and raises
    /// <see cref="ActionTrigger.ReportFailed"/> (an operator's alert); the case stays decided.
    /// </summary>
    public async Task ReportFailedAsync(long caseId, string? reportId, string error, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(error);
        await _audit.RecordAsync(actor, "case.report_failed", CaseSubject(caseId), Detail(w =>
        {
            if (reportId is not null)
                w.WriteString("report_id", reportId);
            w.WriteString("error", error);
        }), cancellationToken);
        await RaiseCaseEventAsync(ActionTrigger.ReportFailed, caseId, null, reportId, cancellationToken, error: error);
    }

    /// <summary>
    /// Deletes the evidence of cases past retention (never under legal hold) and the stored messages of conversations idle
    /// past <see cref="ReviewOptions.IdleConversationRetention"/> that never opened an item; says what went.
    /// </summary>
    public async Task<RetentionPurge> PurgeAsync(string actor, CancellationToken cancellationToken = default)
    {
        var now = _clock.GetUtcNow();
        var purged = await _cases.PurgePastRetentionAsync(now - Options.ReportedRetention, now - Options.DismissedRetention,
            now - Options.IdleConversationRetention, now, cancellationToken);
        if (!purged.IsEmpty)
            await _audit.RecordAsync(actor, "case.purge", "cases", Detail(w =>
            {
                w.WriteStartArray("cases");
                foreach (long id in purged.Cases)
                    w.WriteNumberValue(id);
                w.WriteEndArray();
                w.WriteNumber("idle_conversations", purged.IdleConversations);
            }), cancellationToken);
        return purged;
    }

    /// <summary>Sets or clears a legal hold; false when there is no such case.</summary>
    public async Task<bool> SetLegalHoldAsync(long caseId, bool hold, string actor, CancellationToken cancellationToken = default)
    {
        bool found = await _cases.SetLegalHoldAsync(caseId, hold, _clock.GetUtcNow(), cancellationToken);
        if (found)
            await _audit.RecordAsync(actor, hold ? "case.hold" : "case.release_hold", CaseSubject(caseId), null, cancellationToken);
        return found;
    }

    private async Task<(string? Bank, long? ContentId)> FeedBanksAsync(ReviewCase reviewCase, CaseItem item, Reviewer reviewer, ItemVerdict verdict,
        IndustryClassification? classification, CancellationToken cancellationToken)
    {
        string? bank = verdict switch
        {
            ItemVerdict.Confirmed => Options.ConfirmedBank,
            // Only a match can be a false positive; an unmatched item decided not_abuse teaches the banks nothing.
            ItemVerdict.NotAbuse when item.Details.Matches.Count > 0 => Options.FalsePositiveBank,
            _ => null,
        };
        if (bank is null || item.Details.Signals.Count == 0)
            return (null, null);
        await EnsureBankAsync(bank, negative: verdict == ItemVerdict.NotAbuse, cancellationToken);
        var signals = verdict == ItemVerdict.Confirmed ? await WithBankVariantsAsync(reviewCase.Id, item, cancellationToken) : item.Details.Signals;
        var content = new NewContent(signals)
        {
            Source = ProvenanceSource,
            SourceId = ItemSubject(reviewCase.Id, item.Id),
            Classification = classification?.ToString(),
            Note = $"{CaseNames.Name(verdict)} by {reviewer.Name} in case {reviewCase.Id}",
        };
        try
        {
            var added = await _content.AddContentAsync(bank, content, cancellationToken);
            return (bank, added.Id);
        }
        catch (DuplicateContentException e)
        {
            // Decided again, or the bank has the hash from another case: it is there, which is what matters.
            return (bank, e.ExistingContentId);
        }
    }

    /// <summary>The item's signals, and when its media is a photo in the vault, the bank variants of that photo (none twice).</summary>
    private async Task<IReadOnlyList<Signal>> WithBankVariantsAsync(long caseId, CaseItem item, CancellationToken cancellationToken)
    {
        var signals = item.Details.Signals;
        if (_bankVariants is null || _vault is null || !item.HasMedia)
            return signals;
        PdqHash? own = null;
        foreach (var signal in signals)
        {
            if (signal.Type == SignalType.PdqVariant)
                return signals; // Made already (items submitted before variants moved to decision time carry them).
            if (signal.Type == SignalType.Pdq && PdqHash.TryParse(signal.Value, out var parsed))
                own ??= parsed;
        }
        if (own is not { } hash || await _cases.GetItemMediaAsync(caseId, item.Id, cancellationToken) is not { } sealedMedia)
            return signals;
        byte[] clear = _vault.Open(sealedMedia);
        try
        {
            var variants = _bankVariants.Of(clear, sealedMedia.ContentType, hash);
            if (variants.Count == 0)
                return signals;
            var all = new List<Signal>(signals.Count + variants.Count);
            all.AddRange(signals);
            all.AddRange(variants);
            return all;
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(clear);
        }
    }

    private async Task EnsureBankAsync(string name, bool negative, CancellationToken cancellationToken)
    {
        if (await _banks.GetBankAsync(name, cancellationToken) is not null)
            return;
        try
        {
            await _banks.CreateBankAsync(new NewBank(name) { IsNegative = negative }, cancellationToken);
        }
        catch (BankAlreadyExistsException)
        {
            // Made by a decision at the same time.
        }
    }

    /// <summary>An event about a whole case (its verdict, its filed report): the subject and the first item's source.</summary>
    private async Task RaiseCaseEventAsync(ActionTrigger trigger, long caseId, string? verdict, string? reportId, CancellationToken cancellationToken,
        DateTimeOffset? preserveUntil = null, string? error = null)
    {
        var details = await _cases.GetCaseAsync(caseId, cancellationToken);
        await _actions.RaiseAsync(new ActionEvent
        {
            Trigger = trigger,
            OccurredAt = _clock.GetUtcNow(),
            Source = details?.Items.Count > 0 ? details.Items[0].Details.Source : "api",
            Subject = details?.Case.Subject,
            CaseId = caseId,
            Verdict = verdict,
            ReportId = reportId,
            PreserveUntil = preserveUntil,
            Error = error,
        }, cancellationToken);
    }

    private ActionEvent Event(ActionTrigger trigger, NewCaseItem item, long caseId, long itemId)
    {
        var matches = new List<ActionMatch>(item.Matches.Count);
        foreach (var match in item.Matches)
            matches.Add(new ActionMatch(match.Bank, match.ContentId, match.Distance, match.Labels, match.Classification));
        var signals = new Dictionary<string, string>(item.Signals.Count);
        foreach (var signal in item.Signals)
        {
            if (!signal.Type.IsDerived)
                signals[signal.Type.Name] = signal.Value;
        }
        return new ActionEvent
        {
            Trigger = trigger,
            OccurredAt = _clock.GetUtcNow(),
            Source = item.Source,
            Subject = item.Subject,
            CaseId = caseId,
            ItemId = itemId,
            Matches = matches,
            Signals = signals,
        };
    }

    private Task AuditAsync(Reviewer reviewer, string action, string subject, string? detail, CancellationToken cancellationToken) =>
        _audit.RecordAsync(reviewer.Name, action, subject, detail, cancellationToken);

    private DateOnly Today() => DateOnly.FromDateTime(_clock.GetUtcNow().UtcDateTime);

    private static CaseItem? FindItem(CaseDetails? details, long itemId)
    {
        if (details is null)
            return null;
        foreach (var item in details.Items)
        {
            if (item.Id == itemId)
                return item;
        }
        return null;
    }

    /// <summary>The audit subject of a case.</summary>
    public static string CaseSubject(long caseId) => $"case/{caseId}";

    /// <summary>The audit subject (and bank provenance id) of an item.</summary>
    public static string ItemSubject(long caseId, long itemId) => $"case/{caseId}/item/{itemId}";

    private static string Detail(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}

/// <summary>The size of a private-matching voucher's visual derivative.</summary>
internal static class PsiThumbnail
{
    public const int Side = 64;
}
