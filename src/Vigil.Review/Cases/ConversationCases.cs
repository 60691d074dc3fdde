using Vigil.Conversations;
using Vigil.Storage;

namespace Vigil.Review.Cases;

/// <summary>
/// How a conversation's risk goes into review, for every way one arrives (<c>POST /v1/conversations/ID/messages</c>,
/// <c>vigil text score --open-cases</c>): past the threshold it opens <b>one</b> item per conversation id, of source
/// <c>conversation</c>, queued like a classifier's score, keeping the score and the messages that raised it.
/// </summary>
public static class ConversationCases
{
    /// <summary>The source and reason of a conversation's item.</summary>
    public const string Source = "conversation";

    /// <summary>The model name its score is kept under (the version is the rules').</summary>
    public const string ScoreModel = "conversation-rules";

    /// <summary>The case subject (and item location) of a conversation.</summary>
    public static string Subject(string conversation) => "conversation:" + conversation;

    /// <summary>
    /// Opens the conversation's item when its risk is past the threshold and none was opened before, claimed in the
    /// store so that one item opens however many callers (replicas, repeated runs) see it past the threshold.
    /// </summary>
    /// <param name="store">Where conversations record the item they opened.</param>
    /// <param name="review">Opens the item.</param>
    /// <param name="conversation">The platform's conversation id.</param>
    /// <param name="risk">The conversation's risk over <paramref name="messages"/>.</param>
    /// <param name="messages">Every message the risk counted, in order (the raising ones are shown by index).</param>
    /// <param name="now">When.</param>
    /// <param name="cancellationToken">Cancels the store's calls.</param>
    /// <returns>The item (<see cref="OpenedItem.NewItem"/> false when it was opened before); null when there is none: below the threshold, or claimed by another caller that has not recorded it yet.</returns>
    public static async Task<OpenedItem?> OpenAsync(IConversationStore store, ReviewService review, string conversation, ConversationRisk risk,
        IReadOnlyList<ConversationMessage> messages, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(review);
        ArgumentNullException.ThrowIfNull(risk);
        if (await store.GetItemAsync(conversation, cancellationToken) is { } existing)
            return new OpenedItem(existing.CaseId, existing.ItemId, NewCase: false, NewItem: false);
        if (!risk.PastThreshold || !await store.TryClaimItemAsync(conversation, now, cancellationToken))
            return null;
        var opened = await review.OpenAsync(Item(conversation, risk, messages), default, null, cancellationToken);
        await store.SetItemAsync(conversation, opened.CaseId, opened.ItemId, now, cancellationToken);
        return opened;
    }

    /// <summary>The item a conversation past the threshold opens: its score (each signal's contribution a label) and the messages that raised it.</summary>
    public static NewCaseItem Item(string conversation, ConversationRisk risk, IReadOnlyList<ConversationMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(risk);
        ArgumentNullException.ThrowIfNull(messages);
        var labels = new List<ItemLabelScore>(risk.Signals.Count);
        foreach (var signal in risk.Signals)
            labels.Add(new ItemLabelScore(signal.Id, signal.Contribution));
        var shown = new List<ItemMessage>(risk.RaisedBy.Count);
        foreach (var raised in risk.RaisedBy)
        {
            var m = messages[raised.Index];
            shown.Add(new ItemMessage(raised.Index, m.Sender, m.Recipient, m.Time, m.Text, raised.Signals));
        }
        return new NewCaseItem
        {
            Subject = Subject(conversation),
            Source = Source,
            Reason = Source,
            // A score, like a classifier's: below every hash match, above user reports.
            Priority = CasePriority.Classifier,
            Signals = [],
            Scores = [new ItemScore(ScoreModel, risk.RulesVersion, risk.Score, risk.Threshold, null, labels)],
            Messages = shown,
            Context = new ItemContext { Url = Subject(conversation) },
        };
    }
}
