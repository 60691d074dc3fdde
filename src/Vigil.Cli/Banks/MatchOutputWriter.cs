using System.Text.Json;
using Vigil.Hashing.Pdq;
using Vigil.Hashing.Signals;

using Vigil.Banks;
using Vigil.Cli.Hashing;

namespace Vigil.Cli.Banks;

/// <summary>How one query (a file or a hash given on the command line) came out.</summary>
internal enum QueryStatus { Matched, NoMatch, LowQuality, Suppressed, Failed }

/// <summary>One query's result, as printed and reported.</summary>
internal sealed record QueryResult(string Query, PdqHash? Pdq, int? Quality, QueryStatus Status, QueryOutcome Outcome, string? Error = null)
{
    /// <summary>The decoder's warnings about damage in the file (empty when clean or for a hash query).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>For a robust query: the name of each hash it was matched by (a match's <see cref="BankMatch.QueryIndex"/> indexes it); else null.</summary>
    public IReadOnlyList<string>? VariantNames { get; init; }

    /// <summary>How the hash that found <paramref name="match"/> was made (<c>pdq</c>, <c>rotate90</c>, <c>trimmed</c>, ...), or null when only plain hashes were matched.</summary>
    public string? VariantOf(BankMatch match, bool dihedral) =>
        VariantNames is { } names ? Vigil.ImageHashing.QueryHashes.HowFound(names[match.QueryIndex], match.Signal == SignalType.PdqVariant)
        : dihedral ? PdqDihedralHashes.Names[match.QueryIndex] : null;

    public static string StatusName(QueryStatus status) => status switch
    {
        QueryStatus.Matched => "matched",
        QueryStatus.NoMatch => "no_match",
        QueryStatus.LowQuality => "low_quality",
        QueryStatus.Suppressed => "suppressed",
        _ => "failed",
    };
}

/// <summary>Writes query results as text (for people), csv (one row per match) or json (one object per query per line).</summary>
internal sealed class MatchOutputWriter(TextWriter output, string format, bool dihedral, int minQuality)
{
    public const string CsvHeader = "query,pdq,bank,content_id,distance,label";

    public void WriteHeader()
    {
        if (format == "csv")
            output.WriteLine(CsvHeader);
    }

    public void Write(QueryResult result)
    {
        switch (format)
        {
            case "csv":
                foreach (var m in result.Outcome.Matches)
                    output.WriteLine(string.Join(',', HashOutputWriter.CsvField(result.Query), result.Pdq?.ToString(), m.Bank.Name, m.ContentId, m.Distance, HashOutputWriter.CsvField(m.Content!.Classification ?? "")));
                break;
            case "json":
                output.WriteLine(JsonSerializer.Serialize(ToJson(result, dihedral)));
                break;
            default:
                WriteText(result);
                break;
        }
    }

    private void WriteText(QueryResult result)
    {
        switch (result.Status)
        {
            case QueryStatus.Failed:
                output.WriteLine($"{result.Query}: error: {result.Error}");
                break;
            case QueryStatus.LowQuality:
                output.WriteLine($"{result.Query}: PDQ quality {result.Quality} is below {minQuality}: not matched (--min-quality lowers the bar)");
                break;
            case QueryStatus.NoMatch:
                output.WriteLine($"{result.Query}: no match");
                break;
            case QueryStatus.Suppressed:
                var n = result.Outcome.SuppressedBy[0];
                output.WriteLine($"{result.Query}: no match (suppressed: matches negative bank {n.Bank.Name}, content {n.ContentId}, distance {n.Distance})");
                break;
            default:
                foreach (var m in result.Outcome.Matches)
                {
                    string label = m.Content!.Classification is { Length: > 0 } c ? $"  label {c}" : "";
                    string variant = (m.QueryIndex != 0 || m.Signal == SignalType.PdqVariant) && result.VariantOf(m, dihedral) is { } name ? $"  ({name})" : "";
                    string how = Describe(m);
                    output.WriteLine($"{result.Query}: MATCH {m.Bank.Name} content {m.ContentId} {how}{label}{FileName(m)}{variant}");
                }
                break;
        }
    }

    /// <summary>What in the bank entry matched, and how closely (an image can match a frame of a bank video).</summary>
    internal static string Describe(BankMatch m) =>
        m.Signal == SignalType.Pdq ? $"at distance {m.Distance}"
        : m.Signal == SignalType.Vpdq ? $"(a frame of its video, vpdq) at distance {m.Distance}"
        : m.Signal == SignalType.PdqVariant ? $"(a crop or masked copy the bank stored, pdq_variant) at distance {m.Distance}"
        : $"by exact {m.Signal.Name} (distance 0)";

    private static string FileName(BankMatch m)
    {
        if (m.Content!.Metadata is null)
            return "";
        try
        {
            using var doc = JsonDocument.Parse(m.Content!.Metadata);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("file_name", out var name)
                ? $"  ({name})" : "";
        }
        catch (JsonException)
        {
            return "";
        }
    }

    public static Dictionary<string, object?> ToJson(QueryResult result, bool dihedral)
    {
        var json = new Dictionary<string, object?>
        {
            ["query"] = result.Query,
            ["status"] = QueryResult.StatusName(result.Status),
            ["pdq"] = result.Pdq?.ToString(),
            ["quality"] = result.Quality,
            ["matches"] = result.Outcome.Matches.Select(m => MatchJson(m, result.VariantOf(m, dihedral))).ToList(),
        };
        if (result.Outcome.SuppressedBy.Count > 0)
            json["suppressed_by"] = result.Outcome.SuppressedBy.Select(m => MatchJson(m, result.VariantOf(m, dihedral))).ToList();
        if (result.Error is not null)
            json["error"] = result.Error;
        if (result.Warnings.Count > 0)
            json["warnings"] = result.Warnings;
        return json;
    }

    private static Dictionary<string, object?> MatchJson(BankMatch m, string? variant)
    {
        var json = new Dictionary<string, object?>
        {
            ["bank"] = m.Bank.Name,
            ["content_id"] = m.ContentId,
            ["signal"] = m.Signal.Name,
            ["distance"] = m.Distance,
            ["label"] = m.Content!.Classification,
        };
        if (variant is not null)
            json["variant"] = variant;
        return json;
    }
}
