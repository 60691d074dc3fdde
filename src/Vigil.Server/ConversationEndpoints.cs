using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Vigil.Conversations;
using Vigil.Review.Evidence;
using Vigil.Review;
using Vigil.Review.Cases;
using Vigil.Storage;

namespace Vigil.Server;

/// <summary>
/// <c>POST /v1/conversations/ID/messages</c> (role submitter): a platform sends a conversation's messages as they come;
/// they are kept in order and the conversation's risk is recomputed from all of them by the server's rules
/// (<c>--conversation-rules</c>, the built-in ones by default). Past the threshold the conversation opens one review
/// item of source <c>conversation</c>, below every hash match in the queue, showing the messages that raised the score.
/// </summary>
internal static class ConversationEndpoints
{
    public const int MaxMessagesPerRequest = 100;
    public const int MaxTextLength = 10_000;
    public const int MaxIdLength = 200;

    private static readonly RequiresRole Submitters = new(ApiKeyRole.Submitter);

    public static void Map(WebApplication app)
    {
        app.MapPost("/v1/conversations/{id}/messages", AddAsync).WithMetadata(Submitters);
    }

    private static async Task<IResult> AddAsync(HttpContext context, string id, IVigilStore store, ReviewService review, ServerSettings settings, TimeProvider clock,
        CancellationToken ct)
    {
        if (!ValidId(id))
            return Problems.Result(400, "invalid conversation id", $"a conversation id is 1 to {MaxIdLength} printable characters");
        var (body, error) = await JsonBody.ReadAsync(context, ConversationRequestJson.Default.ConversationMessagesBody, null, ct);
        if (error is not null)
            return error;
        var (messages, problem) = Check(body!);
        if (problem is not null)
            return Problems.Result(400, "invalid messages", problem);
        var now = clock.GetUtcNow();
        // With the evidence vault, the messages are kept sealed (never in clear) and opened in memory to score.
        IConversationStore conversations = settings.EvidenceVault is { } vault ? new SealedConversationStore(store.Conversations, vault) : store.Conversations;
        try
        {
            await conversations.AppendMessagesAsync(id, messages!, now, ct);
        }
        catch (StoreException e)
        {
            return Problems.Result(409, "conversation too long", e.Message);
        }

        IReadOnlyList<StoredMessage> all;
        try
        {
            all = await conversations.ReadMessagesAsync(id, ct);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return Problems.Result(503, "sealed conversation",
                "this conversation's messages were sealed under another evidence vault key: start the server with the key that sealed them");
        }
        if (settings.EvidenceVault is null && HasSealed(all))
        {
            return Problems.Result(503, "sealed conversation",
                "this conversation's messages are sealed by the evidence vault: start the server with its --vault-key to score them");
        }
        var rules = settings.ConversationRules ?? RiskRules.Default;
        var (risk, counted) = Score(rules, settings.ConversationTextModel, all);
        var opened = await ConversationCases.OpenAsync(conversations, review, id, risk, counted, now, ct);
        // new_case: this request opened the item's case (an item opened before reports no new case).
        var (caseId, itemId, newCase) = (opened?.CaseId, opened?.ItemId, opened?.NewCase ?? false);
        context.Items[AuditTrail.OutcomeItem] = new Dictionary<string, object?>
        {
            ["conversation"] = id, ["messages"] = risk.Messages, ["score"] = Math.Round(risk.Score, 4), ["case"] = caseId,
        };
        return Results.Json(Answer(id, risk, caseId, itemId, newCase), ConversationResponseJson.Default.ConversationRiskJson);
    }

    private static bool HasSealed(IReadOnlyList<StoredMessage> messages)
    {
        foreach (var m in messages)
        {
            if (m.SealedText is not null)
                return true;
        }
        return false;
    }

    /// <summary>The whole conversation replayed through the rules: the same answer on any replica, after any restart.</summary>
    private static (ConversationRisk Risk, List<ConversationMessage> Messages) Score(RiskRules rules, MessageModelSignal? model, IReadOnlyList<StoredMessage> messages)
    {
        var scorer = new ConversationRiskScorer(rules, model);
        const string only = "conversation";
        ConversationRisk? risk = null;
        var counted = new List<ConversationMessage>(messages.Count);
        foreach (var m in messages)
        {
            var message = new ConversationMessage(m.Sender, m.Recipient, m.SentAt, m.Text);
            counted.Add(message);
            risk = scorer.Add(only, message, new PartyFacts(m.SenderIsMinor, m.SenderAge), new PartyFacts(m.RecipientIsMinor, m.RecipientAge));
        }
        return (risk!, counted);
    }

    private static ConversationRiskJson Answer(string id, ConversationRisk risk, long? caseId, long? itemId, bool newCase)
    {
        var signals = new List<ConversationSignalJson>(risk.Signals.Count);
        foreach (var s in risk.Signals)
            signals.Add(new ConversationSignalJson(s.Id, s.Weight, s.Count, Math.Round(s.Contribution, 6), s.FirstMessage));
        var raised = new List<RaisingMessageJson>(risk.RaisedBy.Count);
        foreach (var r in risk.RaisedBy)
            raised.Add(new RaisingMessageJson(r.Index, r.Time, r.Signals, Math.Round(r.ScoreAfter, 6)));
        return new ConversationRiskJson(id, risk.Messages, Math.Round(risk.Score, 6), risk.Threshold, risk.PastThreshold, risk.RulesVersion, signals, raised,
            caseId, itemId, newCase);
    }

    private static (List<StoredMessage>? Messages, string? Problem) Check(ConversationMessagesBody body)
    {
        if (body.Messages is not { Count: > 0 } given || given.Count > MaxMessagesPerRequest)
            return (null, $"send {{\"messages\": [...]}} with 1 to {MaxMessagesPerRequest} messages, in the order they were sent");
        var messages = new List<StoredMessage>(given.Count);
        for (int i = 0; i < given.Count; i++)
        {
            var m = given[i];
            if (m is null)
                return (null, $"messages[{i}] is null");
            if (!ValidId(m.Sender) || !ValidId(m.Recipient))
                return (null, $"messages[{i}]: sender and recipient are 1 to {MaxIdLength} printable characters");
            if (m.Time is not { } time)
                return (null, $"messages[{i}]: time is required (ISO 8601)");
            if (m.Text is null || m.Text.Length > MaxTextLength)
                return (null, $"messages[{i}]: text is required, at most {MaxTextLength} characters");
            if (m.SenderAge is < 0 or > 130 || m.RecipientAge is < 0 or > 130)
                return (null, $"messages[{i}]: an age is 0 to 130");
            messages.Add(new StoredMessage(m.Sender!, m.Recipient!, time, m.Text, m.SenderIsMinor, m.RecipientIsMinor, m.SenderAge, m.RecipientAge));
        }
        return (messages, null);
    }

    private static bool ValidId(string? id) => !string.IsNullOrWhiteSpace(id) && id.Length <= MaxIdLength && !id.Any(char.IsControl);
}
