using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Vigil.Hashing.Signals;

namespace Vigil.Storage;

/// <summary>
/// Review's rows for either engine: column lists and readers agree by position; times are read by
/// the caller's <c>readTime</c>.
/// </summary>
internal static class CaseRows
{
    /// <summary>A case's columns (alias <c>c</c>), its item count included.</summary>
    public const string CaseColumns = """
        c.id, c.subject, c.status, c.priority, c.escalated, (SELECT COUNT(*) FROM case_items n WHERE n.case_id = c.id),
        c.opened_at, c.updated_at, c.lease_holder, c.lease_expires_at, c.verdict, c.decided_by, c.decided_at,
        c.first_report_by, c.report_id, c.reported_at, c.legal_hold, c.media_purged_at
        """;

    /// <summary>An item's columns (alias <c>i</c>, its media row <c>m</c> left-joined).</summary>
    public const string ItemColumns = """
        i.id, i.case_id, i.source, i.reason, i.priority, i.signals, i.screen_name, i.email, i.file_name, i.uploaded_at,
        i.ip, i.port, i.url, i.account, i.voucher_id, i.recheck, i.thumbnail IS NOT NULL, i.verdict, i.classification,
        i.decided_by, i.decided_at, i.viewed_clear, i.created_at, m.content_type, i.scores, i.messages, i.incident_kind, i.publicly_available
        """;

    public static ReviewCase ReadCase(DbDataReader reader, Func<DbDataReader, int, DateTimeOffset> readTime) => new()
    {
        Id = reader.GetInt64(0),
        Subject = reader.GetString(1),
        Status = CaseNames.ParseStatus(reader.GetString(2)),
        Priority = reader.GetInt32(3),
        Escalated = reader.GetBoolean(4),
        ItemCount = (int)reader.GetInt64(5),
        OpenedAt = readTime(reader, 6),
        UpdatedAt = readTime(reader, 7),
        LeaseHolder = StringOrNull(reader, 8),
        LeaseExpiresAt = TimeOrNull(reader, 9, readTime),
        Verdict = reader.IsDBNull(10) ? null : CaseNames.ParseCaseVerdict(reader.GetString(10)),
        DecidedBy = StringOrNull(reader, 11),
        DecidedAt = TimeOrNull(reader, 12, readTime),
        FirstReportBy = StringOrNull(reader, 13),
        ReportId = StringOrNull(reader, 14),
        ReportedAt = TimeOrNull(reader, 15, readTime),
        LegalHold = reader.GetBoolean(16),
        MediaPurgedAt = TimeOrNull(reader, 17, readTime),
    };

    public static CaseItem ReadItem(DbDataReader reader, Func<DbDataReader, int, DateTimeOffset> readTime, IReadOnlyList<CaseMatch> matches) => new()
    {
        Id = reader.GetInt64(0),
        CaseId = reader.GetInt64(1),
        Details = new NewCaseItem
        {
            Source = reader.GetString(2),
            Reason = StringOrNull(reader, 3),
            Priority = reader.GetInt32(4),
            Signals = ParseSignals(reader.GetString(5)),
            Subject = "",
            Context = new ItemContext
            {
                ScreenName = StringOrNull(reader, 6),
                Email = StringOrNull(reader, 7),
                FileName = StringOrNull(reader, 8),
                UploadedAt = TimeOrNull(reader, 9, readTime),
                Ip = StringOrNull(reader, 10),
                Port = reader.IsDBNull(11) ? null : reader.GetInt32(11),
                Url = StringOrNull(reader, 12),
                IncidentKind = reader.IsDBNull(26) ? null : CaseNames.ParseIncidentKind(reader.GetString(26)),
                PubliclyAvailable = reader.IsDBNull(27) ? null : reader.GetBoolean(27),
            },
            Account = StringOrNull(reader, 13),
            VoucherId = StringOrNull(reader, 14),
            Recheck = StringOrNull(reader, 15),
            Matches = matches,
            Scores = reader.IsDBNull(24) ? [] : ParseScores(reader.GetString(24)),
            Messages = reader.IsDBNull(25) ? [] : ParseMessages(reader.GetString(25)),
        },
        HasThumbnail = reader.GetBoolean(16),
        Verdict = reader.IsDBNull(17) ? null : CaseNames.ParseItemVerdict(reader.GetString(17)),
        Classification = reader.IsDBNull(18) ? null : Enum.Parse<IndustryClassification>(reader.GetString(18)),
        DecidedBy = StringOrNull(reader, 19),
        DecidedAt = TimeOrNull(reader, 20, readTime),
        ViewedClear = reader.GetBoolean(21),
        CreatedAt = readTime(reader, 22),
        HasMedia = !reader.IsDBNull(23),
        MediaType = StringOrNull(reader, 23),
    };

    /// <summary>Scores as stored: a JSON array of <see cref="ItemScore"/>s, or null for none.</summary>
    public static string? SerializeScores(IReadOnlyList<ItemScore> scores)
    {
        if (scores.Count == 0)
            return null;
        var list = new List<StoredScore>(scores.Count);
        foreach (var s in scores)
        {
            var labels = new Dictionary<string, double>(s.Labels.Count, StringComparer.Ordinal);
            foreach (var l in s.Labels)
                labels[l.Label] = l.Score;
            list.Add(new StoredScore(s.Model, s.Version, s.Score, s.Threshold, s.Priority, labels));
        }
        return System.Text.Json.JsonSerializer.Serialize(list, CaseRowJson.Default.ListStoredScore);
    }

    /// <summary>The scores <see cref="SerializeScores"/> wrote.</summary>
    public static IReadOnlyList<ItemScore> ParseScores(string json)
    {
        var stored = System.Text.Json.JsonSerializer.Deserialize(json, CaseRowJson.Default.ListStoredScore) ?? [];
        var scores = new List<ItemScore>(stored.Count);
        foreach (var s in stored)
        {
            var labels = new List<ItemLabelScore>(s.Labels?.Count ?? 0);
            if (s.Labels is not null)
            {
                foreach (var (label, score) in s.Labels)
                    labels.Add(new ItemLabelScore(label, score));
            }
            scores.Add(new ItemScore(s.Model, s.Version, s.Score, s.Threshold, s.Priority, labels));
        }
        return scores;
    }

    /// <summary>A conversation item's messages as stored: a JSON array, or null for none.</summary>
    public static string? SerializeMessages(IReadOnlyList<ItemMessage> messages) => messages.Count == 0
        ? null
        : System.Text.Json.JsonSerializer.Serialize(messages.ToList(), CaseRowJson.Default.ListItemMessage);

    /// <summary>The messages <see cref="SerializeMessages"/> wrote.</summary>
    public static IReadOnlyList<ItemMessage> ParseMessages(string json) =>
        System.Text.Json.JsonSerializer.Deserialize(json, CaseRowJson.Default.ListItemMessage) ?? [];

    /// <summary>Signals as stored: a JSON object of type name to value.</summary>
    public static string SerializeSignals(IReadOnlyList<Signal> signals)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var signal in signals)
                writer.WriteString(signal.Type.Name, signal.Value);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    public static IReadOnlyList<Signal> ParseSignals(string json)
    {
        var signals = new List<Signal>(2);
        using var document = JsonDocument.Parse(json);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            if (SignalType.TryFromName(property.Name, out var type) && property.Value.GetString() is { } value)
                signals.Add(new Signal(type, value));
        }
        return signals;
    }

    /// <summary>A UTC day as stored (<c>yyyy-MM-dd</c>).</summary>
    public static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string? StringOrNull(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static DateTimeOffset? TimeOrNull(DbDataReader reader, int ordinal, Func<DbDataReader, int, DateTimeOffset> readTime) =>
        reader.IsDBNull(ordinal) ? null : readTime(reader, ordinal);
}

/// <summary>An <see cref="ItemScore"/> as the <c>scores</c> column stores it.</summary>
internal sealed record StoredScore(
    [property: System.Text.Json.Serialization.JsonPropertyName("model")] string Model,
    [property: System.Text.Json.Serialization.JsonPropertyName("version")] string Version,
    [property: System.Text.Json.Serialization.JsonPropertyName("score")] double Score,
    [property: System.Text.Json.Serialization.JsonPropertyName("threshold")] double Threshold,
    [property: System.Text.Json.Serialization.JsonPropertyName("priority")] string? Priority,
    [property: System.Text.Json.Serialization.JsonPropertyName("labels")] Dictionary<string, double>? Labels);

[System.Text.Json.Serialization.JsonSerializable(typeof(List<StoredScore>))]
[System.Text.Json.Serialization.JsonSerializable(typeof(List<ItemMessage>))]
internal sealed partial class CaseRowJson : System.Text.Json.Serialization.JsonSerializerContext;
