using System.Text.Json.Serialization;
using Vigil.Storage;

namespace Vigil.Server;

/// <summary>A case as <c>/v1/cases</c> answers it (never media).</summary>
internal sealed record CaseJson(long Id, string Subject, string Status, int Priority, string PriorityName, bool Escalated, int ItemCount,
    DateTimeOffset OpenedAt, DateTimeOffset UpdatedAt, string? LeaseHolder, DateTimeOffset? LeaseExpiresAt, string? Verdict, string? DecidedBy,
    DateTimeOffset? DecidedAt, bool AwaitingSecondReviewer, string? ReportId, DateTimeOffset? ReportedAt, bool LegalHold, DateTimeOffset? MediaPurgedAt)
{
    public static CaseJson From(ReviewCase c) => new(c.Id, c.Subject, CaseNames.Name(c.Status), c.Priority, CasePriority.Name(c.Priority), c.Escalated,
        c.ItemCount, c.OpenedAt, c.UpdatedAt, c.LeaseHolder, c.LeaseExpiresAt, c.Verdict is { } v ? CaseNames.Name(v) : null, c.DecidedBy, c.DecidedAt,
        c.Status == CaseStatus.Open && c.FirstReportBy is not null, c.ReportId, c.ReportedAt, c.LegalHold, c.MediaPurgedAt);
}

/// <summary>One match of an item.</summary>
internal sealed record CaseMatchJson(string Bank, long ContentId, string SignalType, int Distance, string? Classification, IReadOnlyList<string> Labels,
    string? EntrySource, string? EntrySourceId)
{
    public static CaseMatchJson From(CaseMatch m) => new(m.Bank, m.ContentId, m.SignalType, m.Distance, m.Classification, m.Labels, m.EntrySource, m.EntrySourceId);

    public static List<CaseMatchJson> From(IReadOnlyList<CaseMatch> matches)
    {
        var list = new List<CaseMatchJson>(matches.Count);
        foreach (var match in matches)
            list.Add(From(match));
        return list;
    }
}

/// <summary>What the platform said about an item.</summary>
internal sealed record ItemContextJson(string? ScreenName, string? Email, string? FileName, DateTimeOffset? UploadedAt, string? Ip, int? Port, string? Url,
    string? IncidentKind, bool? PubliclyAvailable)
{
    public static ItemContextJson From(ItemContext c) => new(c.ScreenName, c.Email, c.FileName, c.UploadedAt, c.Ip, c.Port, c.Url,
        c.IncidentKind is { } kind ? CaseNames.Name(kind) : null, c.PubliclyAvailable);
}

/// <summary>An item of a case.</summary>
internal sealed record CaseItemJson(long Id, string Source, string? Reason, int Priority, Dictionary<string, string> Signals, List<CaseMatchJson> Matches,
    ItemContextJson Context, string? Account, string? VoucherId, string? Recheck, bool HasMedia, string? MediaType, bool HasThumbnail, string? Verdict,
    string? Classification, string? DecidedBy, DateTimeOffset? DecidedAt, bool ViewedClear, DateTimeOffset CreatedAt, List<ItemScoreJson> Scores,
    List<ItemMessageJson> Messages)
{
    public static CaseItemJson From(CaseItem i)
    {
        var signals = new Dictionary<string, string>(i.Details.Signals.Count, StringComparer.Ordinal);
        // Derived signals (pdq_variant, on items submitted before crops were made at confirmation) say nothing to a reader.
        foreach (var signal in i.Details.Signals)
        {
            if (!signal.Type.IsDerived)
                signals[signal.Type.Name] = signal.Value;
        }
        var c = i.Details.Context;
        return new(i.Id, i.Details.Source, i.Details.Reason, i.Details.Priority, signals, CaseMatchJson.From(i.Details.Matches),
            ItemContextJson.From(c), i.Details.Account, i.Details.VoucherId,
            i.Details.Recheck, i.HasMedia, i.MediaType, i.HasThumbnail, i.Verdict is { } v ? CaseNames.Name(v) : null, i.Classification?.ToString(),
            i.DecidedBy, i.DecidedAt, i.ViewedClear, i.CreatedAt, ItemScoreJson.From(i.Details.Scores), ItemMessageJson.From(i.Details.Messages));
    }
}

/// <summary>A message that raised a conversation item's risk, as its reviewer reads it.</summary>
internal sealed record ItemMessageJson(int Index, string Sender, string Recipient, DateTimeOffset SentAt, string Text, IReadOnlyList<string> Signals)
{
    public static List<ItemMessageJson> From(IReadOnlyList<ItemMessage> messages)
    {
        var list = new List<ItemMessageJson>(messages.Count);
        foreach (var m in messages)
            list.Add(new ItemMessageJson(m.Index, m.Sender, m.Recipient, m.SentAt, m.Text, m.Signals));
        return list;
    }
}

/// <summary>A classifier's score of an item: which model said it, against which threshold, and every label's score.</summary>
internal sealed record ItemScoreJson(string Model, string Version, double Score, double Threshold, string? Priority, Dictionary<string, double> Labels)
{
    public static List<ItemScoreJson> From(IReadOnlyList<ItemScore> scores)
    {
        var list = new List<ItemScoreJson>(scores.Count);
        foreach (var s in scores)
        {
            var labels = new Dictionary<string, double>(s.Labels.Count, StringComparer.Ordinal);
            foreach (var l in s.Labels)
                labels[l.Label] = l.Score;
            list.Add(new ItemScoreJson(s.Model, s.Version, s.Score, s.Threshold, s.Priority, labels));
        }
        return list;
    }
}

/// <summary>One decision of a case's history.</summary>
internal sealed record CaseDecisionJson(long Id, long? ItemId, string Reviewer, string Verdict, string? Classification, DateTimeOffset DecidedAt);

/// <summary><c>GET /v1/cases/ID</c>: the case, its items with their matches, its decisions.</summary>
internal sealed record CaseDetailsJson([property: JsonPropertyName("case")] CaseJson Case, List<CaseItemJson> Items, List<CaseDecisionJson> Decisions)
{
    public static CaseDetailsJson From(CaseDetails d)
    {
        var items = new List<CaseItemJson>(d.Items.Count);
        foreach (var item in d.Items)
            items.Add(CaseItemJson.From(item));
        var decisions = new List<CaseDecisionJson>(d.Decisions.Count);
        foreach (var x in d.Decisions)
            decisions.Add(new CaseDecisionJson(x.Id, x.ItemId, x.Reviewer, x.Verdict, x.Classification?.ToString(), x.DecidedAt));
        return new(CaseJson.From(d.Case), items, decisions);
    }
}

/// <summary><c>POST /v1/cases</c>'s answer: the case and item (null when nothing matched and no reason was given), what matched, and with <c>classify=true</c> the classifier's score.</summary>
internal sealed record OpenedCaseJson(long? CaseId, long? ItemId, bool NewCase, List<CaseMatchJson> Matches, List<ItemScoreJson> Scores);

/// <summary>A decision's answer: the case after it.</summary>
internal sealed record DecisionJson(string Outcome, CaseJson Case);

/// <summary><c>vigil review purge --format json</c>: the cases whose media was purged.</summary>
internal sealed record PurgeJson(List<long> Purged, int IdleConversations);

/// <summary>The answers' source-generated JSON (snake_case, as every Vigil endpoint).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(CaseJson))]
[JsonSerializable(typeof(List<CaseJson>))]
[JsonSerializable(typeof(CaseDetailsJson))]
[JsonSerializable(typeof(OpenedCaseJson))]
[JsonSerializable(typeof(DecisionJson))]
[JsonSerializable(typeof(PurgeJson))]
internal sealed partial class CaseJsonContext : JsonSerializerContext;
