using System.Globalization;
using System.Text.Json;
using Vigil.Conversations;

namespace Vigil.Cli.Conversations;

/// <summary>Writes <c>vigil text score</c>'s result for one conversation, as text or as one line of JSON.</summary>
internal sealed class ConversationScoreWriter(TextWriter output, string format)
{
    public void Write(ScoredConversation conversation)
    {
        var risk = conversation.Risk!;
        if (format == "json")
            WriteJson(conversation, risk);
        else
            WriteText(conversation, risk);
    }

    private void WriteText(ScoredConversation conversation, ConversationRisk risk)
    {
        var inv = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(inv,
            $"{conversation.Id}  score {risk.Score:F3}  {(risk.PastThreshold ? "REVIEW" : "below")} threshold {risk.Threshold:F2}  ({risk.Messages} messages, rules {risk.RulesVersion})"));
        if (conversation.Item is { } item)
            output.WriteLine(string.Create(inv, $"  case {item.CaseId}, item {item.ItemId} ({(item.NewItem ? "opened now" : "opened before")})"));
        if (risk.Signals.Count == 0)
        {
            output.WriteLine("  no signals");
            return;
        }
        var signals = new List<string>(risk.Signals.Count);
        foreach (var s in risk.Signals)
            signals.Add(string.Create(inv, $"{s.Id} x{s.Count} ({s.Contribution:F2})"));
        output.WriteLine("  signals: " + string.Join(", ", signals));
        foreach (var raised in risk.RaisedBy)
        {
            var message = conversation.Messages[raised.Index];
            output.WriteLine(string.Create(inv,
                $"  #{raised.Index + 1} {raised.Time.UtcDateTime:yyyy-MM-dd HH:mm} {message.Sender} -> {message.Recipient} [{string.Join(", ", raised.Signals)}] -> {raised.ScoreAfter:F3}: {message.Text}"));
        }
    }

    private void WriteJson(ScoredConversation conversation, ConversationRisk risk)
    {
        var signals = new List<SignalJson>(risk.Signals.Count);
        foreach (var s in risk.Signals)
            signals.Add(new SignalJson(s.Id, Math.Round(s.Weight, 4), s.Count, Math.Round(s.Contribution, 4), s.FirstMessage));
        var raisedBy = new List<RaisingMessageJson>(risk.RaisedBy.Count);
        foreach (var r in risk.RaisedBy)
        {
            var m = conversation.Messages[r.Index];
            raisedBy.Add(new RaisingMessageJson(r.Index, r.Time, m.Sender, m.Recipient, m.Text, r.Signals, Math.Round(r.ScoreAfter, 4)));
        }
        var json = new ConversationScoreJson(conversation.Id, Math.Round(risk.Score, 4), risk.Threshold, risk.PastThreshold, risk.RulesVersion,
            risk.Messages, signals, raisedBy, conversation.Item?.CaseId, conversation.Item?.ItemId,
            conversation.Item?.NewCase);
        output.WriteLine(JsonSerializer.Serialize(json, TextScoreJsonContext.Default.ConversationScoreJson));
    }
}
