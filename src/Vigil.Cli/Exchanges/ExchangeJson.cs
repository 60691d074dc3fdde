using System.Text.Json.Serialization;
using Vigil.Storage;

namespace Vigil.Cli.Exchanges;

/// <summary>An exchange as <c>vigil exchange list|show|status|set --format json</c> prints it (never a credential: at most the file's path).</summary>
internal sealed record ExchangeJson(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("bank")] string Bank,
    [property: JsonPropertyName("base_url")] string? BaseUrl,
    [property: JsonPropertyName("options")] System.Text.Json.JsonElement Options,
    [property: JsonPropertyName("credentials_file")] string? CredentialsFile,
    [property: JsonPropertyName("interval_seconds")] long IntervalSeconds,
    [property: JsonPropertyName("enabled")] bool Enabled,
    [property: JsonPropertyName("checkpoint_at")] DateTimeOffset? CheckpointAt,
    [property: JsonPropertyName("last_status")] string LastStatus,
    [property: JsonPropertyName("last_error")] string? LastError,
    [property: JsonPropertyName("last_started_at")] DateTimeOffset? LastStartedAt,
    [property: JsonPropertyName("last_finished_at")] DateTimeOffset? LastFinishedAt,
    [property: JsonPropertyName("last")] CountsJson Last,
    [property: JsonPropertyName("total")] CountsJson Total,
    [property: JsonPropertyName("shared_banks")] IReadOnlyList<string> SharedBanks)
{
    /// <summary>The exchange, with the banks whose confirmed content is shared to it among <paramref name="shares"/>.</summary>
    public static ExchangeJson From(Exchange e, IReadOnlyList<ExchangeShare> shares)
    {
        using var options = System.Text.Json.JsonDocument.Parse(e.OptionsJson);
        return new(e.Name, e.Type, e.Bank, e.BaseUrl, options.RootElement.Clone(), e.CredentialsFile, (long)e.Interval.TotalSeconds, e.Enabled,
            e.CheckpointAt, ExchangeNames.Name(e.LastStatus), e.LastError, e.LastStartedAt, e.LastFinishedAt, CountsJson.From(e.Last), CountsJson.From(e.Total),
            [.. shares.Where(s => s.Exchange == e.Name).Select(s => s.Bank)]);
    }
}

/// <summary>Added, removed, skipped.</summary>
internal sealed record CountsJson(
    [property: JsonPropertyName("added")] long Added,
    [property: JsonPropertyName("removed")] long Removed,
    [property: JsonPropertyName("skipped")] long Skipped)
{
    public static CountsJson From(ExchangeCounts c) => new(c.Added, c.Removed, c.Skipped);
}

/// <summary>What <c>vigil exchange fetch --format json</c> prints.</summary>
internal sealed record FetchJson(
    [property: JsonPropertyName("exchange")] string Exchange,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("added")] long Added,
    [property: JsonPropertyName("removed")] long Removed,
    [property: JsonPropertyName("skipped")] long Skipped,
    [property: JsonPropertyName("complete")] bool Complete,
    [property: JsonPropertyName("error")] string? Error);

/// <summary>What <c>vigil exchange remove --format json</c> prints: the exchange that is gone and the bank that keeps its entries.</summary>
internal sealed record ExchangeRemovedJson(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("bank")] string Bank,
    [property: JsonPropertyName("removed")] bool Removed);

[JsonSourceGenerationOptions(WriteIndented = false)]
[JsonSerializable(typeof(ExchangeJson))]
[JsonSerializable(typeof(ExchangeRemovedJson))]
[JsonSerializable(typeof(List<ExchangeJson>))]
[JsonSerializable(typeof(FetchJson))]
internal sealed partial class ExchangeJsonContext : JsonSerializerContext;
