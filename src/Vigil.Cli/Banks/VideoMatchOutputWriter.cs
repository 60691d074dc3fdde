using System.Globalization;
using System.Text.Json;
using Vigil.Cli.Hashing;
using Vigil.Hashing.Signals;
using Vigil.Video;

namespace Vigil.Cli.Banks;

/// <summary>How one query video came out: the rule's outcome, or why it could not be read.</summary>
/// <param name="Query">The path given.</param>
/// <param name="Outcome">The rule's outcome, or null when the video failed.</param>
/// <param name="Error">Why it failed, or null.</param>
/// <param name="Variant">With <c>--robust</c>: <c>trimmed</c> when the frames with their borders trimmed found the outcome; null for the plain frames.</param>
internal sealed record VideoQueryResult(string Query, VideoMatchOutcome? Outcome, string? Error, string? Variant = null)
{
    /// <summary>The status, in the words of <see cref="QueryResult.StatusName"/>.</summary>
    public QueryStatus Status =>
        Outcome is null ? QueryStatus.Failed
        : Outcome.SuppressedBy.Count > 0 ? QueryStatus.Suppressed
        : Outcome.IsMatch ? QueryStatus.Matched
        : Outcome.QueryFrames == 0 ? QueryStatus.LowQuality
        : QueryStatus.NoMatch;
}

/// <summary>
/// Writes video match results in the styles of <see cref="MatchOutputWriter"/>: text (one line per
/// bank video compared), csv (the image columns, then <c>query_percent,compared_percent,match</c>)
/// or json (one object per video per line).
/// </summary>
internal sealed class VideoMatchOutputWriter(TextWriter output, string format, VideoMatchRule rule)
{
    /// <summary>The csv header when videos are among the queries: the image header plus three columns.</summary>
    public const string CsvHeader = MatchOutputWriter.CsvHeader + ",query_percent,compared_percent,match";

    public void Write(VideoQueryResult result)
    {
        switch (format)
        {
            case "csv":
                if (result.Outcome is null)
                    break;
                foreach (var m in result.Outcome.Candidates)
                {
                    output.WriteLine(string.Join(',', HashOutputWriter.CsvField(result.Query), "", m.Bank.Name,
                        m.ContentId.ToString(CultureInfo.InvariantCulture), "", HashOutputWriter.CsvField(m.Content?.Classification ?? ""),
                        Percent(m.QueryPercent), Percent(m.ComparedPercent), m.IsMatch && result.Outcome.SuppressedBy.Count == 0 ? "yes" : "no"));
                }
                break;
            case "json":
                output.WriteLine(JsonSerializer.Serialize(ToJson(result)));
                break;
            default:
                WriteText(result);
                break;
        }
    }

    private void WriteText(VideoQueryResult result)
    {
        var outcome = result.Outcome;
        if (outcome is null)
        {
            output.WriteLine($"{result.Query}: error: {result.Error}");
            return;
        }
        if (outcome.QueryFrames == 0)
        {
            output.WriteLine($"{result.Query}: no frame has PDQ quality {rule.Options.MinQuality} or more: not matched");
            return;
        }
        if (outcome.SuppressedBy.Count > 0)
        {
            var n = outcome.SuppressedBy[0];
            output.WriteLine($"{result.Query}: no match (suppressed: matches negative bank {n.Bank.Name}, content {n.ContentId}, query {Percent(n.QueryPercent)}%, compared {Percent(n.ComparedPercent)}%){VariantSuffix(result)}");
            return;
        }
        if (outcome.Candidates.Count == 0)
        {
            output.WriteLine($"{result.Query}: no match ({outcome.QueryFrames} frames)");
            return;
        }
        foreach (var m in outcome.Candidates)
        {
            string label = m.Content?.Classification is { Length: > 0 } c ? $"  label {c}" : "";
            string how = m.Signal == SignalType.VideoMd5 ? "by exact video_md5" : "by vpdq";
            string verdict = m.IsMatch ? "MATCH" : "no match:";
            output.WriteLine($"{result.Query}: {verdict} {m.Bank.Name} content {m.ContentId} {how}, query {Percent(m.QueryPercent)}%, compared {Percent(m.ComparedPercent)}%  match {(m.IsMatch ? "yes" : "no")}{label}{FileName(m)}{VariantSuffix(result)}");
        }
    }

    public Dictionary<string, object?> ToJson(VideoQueryResult result)
    {
        var json = new Dictionary<string, object?>
        {
            ["query"] = result.Query,
            ["status"] = QueryResult.StatusName(result.Status),
            ["type"] = "video",
            ["frames"] = result.Outcome?.QueryFrames,
            ["matches"] = result.Outcome is null ? new List<Dictionary<string, object?>>() : ToJson(result.Outcome.Candidates, result.Variant),
        };
        if (result.Outcome is { SuppressedBy.Count: > 0 } suppressed)
            json["suppressed_by"] = ToJson(suppressed.SuppressedBy, result.Variant);
        if (result.Error is not null)
            json["error"] = result.Error;
        return json;
    }

    /// <summary>The matches as json; each says <c>"variant"</c> when the trimmed frames found them (as robust image matches say theirs).</summary>
    private static List<Dictionary<string, object?>> ToJson(IReadOnlyList<VideoMatch> matches, string? variant)
    {
        var list = new List<Dictionary<string, object?>>(matches.Count);
        foreach (var m in matches)
        {
            var item = new Dictionary<string, object?>
            {
                ["bank"] = m.Bank.Name,
                ["content_id"] = m.ContentId,
                ["signal"] = m.Signal.Name,
                ["query_percent"] = Math.Round(m.QueryPercent, 1),
                ["compared_percent"] = Math.Round(m.ComparedPercent, 1),
                ["match"] = m.IsMatch,
                ["label"] = m.Content?.Classification,
            };
            if (variant is not null)
                item["variant"] = variant;
            list.Add(item);
        }
        return list;
    }

    /// <summary>The text line's ending when the trimmed frames found the outcome, <c>  (trimmed)</c>, as robust image matches end theirs.</summary>
    private static string VariantSuffix(VideoQueryResult result) => result.Variant is { } variant ? $"  ({variant})" : "";

    private static string Percent(double value) => value.ToString("F1", CultureInfo.InvariantCulture);

    private static string FileName(VideoMatch m)
    {
        if (m.Content?.Metadata is null)
            return "";
        try
        {
            using var doc = JsonDocument.Parse(m.Content.Metadata);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("file_name", out var name)
                ? $"  ({name})" : "";
        }
        catch (JsonException)
        {
            return "";
        }
    }
}
