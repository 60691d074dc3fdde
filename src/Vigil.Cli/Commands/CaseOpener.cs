using Vigil.Banks;
using Vigil.Conversations;
using Vigil.Hashing.Signals;
using Vigil.Review;
using Vigil.Review.Actions;
using Vigil.Review.Cases;
using Vigil.Storage;

namespace Vigil.Cli.Commands;

/// <summary>
/// <c>--open-cases</c> of <c>vigil scan</c>, <c>vigil watch</c> and <c>vigil text score</c>: what matched (or a
/// classifier or the conversation rules put past their threshold) becomes an item of its subject's open case (the
/// scanned folder, the watched stream, the conversation), through the review service, with the matched entries'
/// classification and provenance read from the store.
/// </summary>
internal sealed class CaseOpener(IVigilStore store, Vigil.Review.Evidence.IMediaVault? vault = null, IActionSink? actions = null)
{
    private readonly ReviewService _review = CliReviewService.For(store, new ReviewOptions(), actions, vault);
    private readonly Dictionary<string, Bank?> _banks = new(StringComparer.Ordinal);

    /// <summary>Items opened so far.</summary>
    public int Opened { get; private set; }

    /// <summary>The cases they went into.</summary>
    public SortedSet<long> Cases { get; } = [];

    /// <summary>Conversations past the threshold whose item an earlier run (or the server) opened: not opened again.</summary>
    public int OpenedBefore { get; private set; }

    /// <summary>Opens an item for one query's matches (nothing when it has none outside negative banks); its media is sealed into the vault, with its MD5 among the signals, when both are given.</summary>
    public async Task OpenAsync(string subject, string source, IReadOnlyList<Signal> signals, IEnumerable<(string Bank, long ContentId, string SignalType, int Distance)> matches,
        ItemContext context, CancellationToken cancellationToken, byte[]? media = null, string? contentType = null)
    {
        var recorded = new List<CaseMatch>();
        foreach (var (bankName, contentId, signalType, distance) in matches)
        {
            if (!_banks.TryGetValue(bankName, out var bank))
                _banks[bankName] = bank = await store.GetBankAsync(bankName, cancellationToken);
            if (bank is null || bank.IsNegative)
                continue;
            var content = await store.GetContentAsync(contentId, cancellationToken);
            recorded.Add(new CaseMatch(bankName, contentId, signalType, distance, content?.Classification, bank.Labels,
                string.IsNullOrEmpty(content?.Source) ? null : content.Source, content?.SourceId));
        }
        if (recorded.Count == 0)
            return;
        await OpenItemAsync(new NewCaseItem
        {
            Subject = subject,
            Source = source,
            Priority = CasePriority.Of(recorded, null),
            Signals = signals,
            Matches = recorded,
            Context = context,
        }, media, contentType, cancellationToken);
    }

    /// <summary>Opens an item (source <c>classifier</c>) for media nothing matched but a classifier scored past its threshold; it queues below every match.</summary>
    public Task OpenClassifiedAsync(string subject, IReadOnlyList<Signal> signals, ItemScore score, ItemContext context, CancellationToken cancellationToken,
        byte[]? media = null, string? contentType = null) =>
        OpenItemAsync(new NewCaseItem
        {
            Subject = subject,
            Source = Classified,
            Reason = Classified,
            Priority = CasePriority.Of([], Classified),
            Signals = signals,
            Scores = [score],
            Context = context,
        }, media, contentType, cancellationToken);

    /// <summary>
    /// Opens the conversation's item (source <c>conversation</c>) when its risk is past the threshold, once per conversation
    /// id as the server does (<see cref="ConversationCases"/>); returns it, or null when there is none.
    /// </summary>
    public async Task<OpenedItem?> OpenConversationAsync(string conversation, ConversationRisk risk,
        IReadOnlyList<ConversationMessage> messages, CancellationToken cancellationToken)
    {
        var opened = await ConversationCases.OpenAsync(store.Conversations, _review, conversation, risk, messages,
            TimeProvider.System.GetUtcNow(), cancellationToken);
        if (opened is { NewItem: true })
        {
            Opened++;
            Cases.Add(opened.CaseId);
        }
        else if (opened is not null)
            OpenedBefore++;
        return opened;
    }

    /// <summary>The source and reason of an item a classifier opened.</summary>
    public const string Classified = "classifier";

    private async Task OpenItemAsync(NewCaseItem item, byte[]? media, string? contentType, CancellationToken cancellationToken)
    {
        bool sealing = vault is not null && media is not null;
        if (sealing && !item.Signals.Any(s => s.Type == SignalType.Md5))
        {
            // The kept file's MD5 goes with it: a report names each file by it, and NCMEC's copy is checked against it.
            item = item with { Signals = [.. item.Signals, new Signal(SignalType.Md5, Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(media!)))] };
        }
        var opened = await _review.OpenAsync(item, sealing ? media : default, contentType, cancellationToken);
        Opened++;
        Cases.Add(opened.CaseId);
    }

    /// <summary>One line saying what was opened and where to look; <paramref name="nothing"/> says why nothing was.</summary>
    public string Summary(string nothing = "nothing matched")
    {
        if (Opened == 0 && OpenedBefore == 0)
            return $"open-cases: {nothing}, no case opened";
        string opened = Opened == 0 ? "no new item" : $"{Opened:N0} item(s) in case(s) {string.Join(", ", Cases)}";
        string before = OpenedBefore == 0 ? "" : $", {OpenedBefore:N0} opened before (not again)";
        return $"open-cases: {opened}{before}; see 'vigil review list --status open' or the reviewer UI (/review)";
    }
}
