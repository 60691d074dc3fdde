using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vigil.Server;

/// <summary>
/// The body of <c>POST /c/exchanges</c>: HMA's <c>bank</c> (which names the exchange too), <c>api</c>
/// and <c>api_json</c>; Vigil's <c>interval_seconds</c>. <c>credential_json</c> is read only to be
/// refused: Vigil takes credentials from a file or the environment, never from a request.
/// </summary>
internal sealed record ExchangeCreateBody
{
    /// <summary>The bank it fills and the exchange's name (HMA names an exchange after its bank).</summary>
    [JsonPropertyName("bank")]
    public string? Bank { get; init; }

    /// <summary>The exchange API: HMA's name (<c>fb_threatexchange</c>, <c>ncmec</c>, <c>stop_ncii</c>) or Vigil's type.</summary>
    [JsonPropertyName("api")]
    public string? Api { get; init; }

    /// <summary>The API's settings.</summary>
    [JsonPropertyName("api_json")]
    public ExchangeApiJson? ApiJson { get; init; }

    /// <summary>How often the server fetches it (Vigil; default 60).</summary>
    [JsonPropertyName("interval_seconds")]
    public long? IntervalSeconds { get; init; }

    /// <summary>Refused unless empty: see the type's summary.</summary>
    [JsonPropertyName("credential_json")]
    public JsonElement? CredentialJson { get; init; }
}

/// <summary>
/// HMA's <c>api_json</c>, the collaboration config's fields: every type's, checked against the
/// exchange's type by the endpoint. <c>base_url</c> and <c>credentials_file</c> are read only to be
/// refused with a reason (they are set on the server's host, with <c>vigil exchange add</c>).
/// </summary>
internal sealed record ExchangeApiJson
{
    /// <summary>HMA fills this in from <c>bank</c>; when sent it must agree.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    /// <summary>HMA fills this in from <c>api</c>; when sent it must agree.</summary>
    [JsonPropertyName("api")]
    public string? Api { get; init; }

    /// <summary>Whether the server fetches it (default true).</summary>
    [JsonPropertyName("enabled")]
    public bool? Enabled { get; init; }

    /// <summary>threatexchange: the privacy group's id (a number, as HMA's, or a string of digits).</summary>
    [JsonPropertyName("privacy_group")]
    public JsonElement? PrivacyGroup { get; init; }

    /// <summary>ncmec: the environment (industry, ngo, exploitative, or a test- one).</summary>
    [JsonPropertyName("environment")]
    public string? Environment { get; init; }

    /// <summary>ncmec: HMA's ESP filter; only an empty list is taken (Vigil keeps every member's entries).</summary>
    [JsonPropertyName("only_esp_ids")]
    public JsonElement? OnlyEspIds { get; init; }

    /// <summary>url: the list's URL (under the server's exchange URL allow-list).</summary>
    [JsonPropertyName("url")]
    public string? Url { get; init; }

    /// <summary>url: the list's format (te, csv, ncmec-xml, stopncii-json; default detected).</summary>
    [JsonPropertyName("format")]
    public string? Format { get; init; }

    /// <summary>Refused: see the type's summary.</summary>
    [JsonPropertyName("base_url")]
    public JsonElement? BaseUrl { get; init; }

    /// <summary>Refused: see the type's summary.</summary>
    [JsonPropertyName("credentials_file")]
    public JsonElement? CredentialsFile { get; init; }
}

/// <summary>The body of <c>PUT /c/exchange/NAME</c>: HMA's <c>enabled</c>, Vigil's <c>interval_seconds</c>.</summary>
internal sealed record ExchangeUpdateBody
{
    /// <summary>Whether the server fetches it.</summary>
    [JsonPropertyName("enabled")]
    public bool? Enabled { get; init; }

    /// <summary>How often the server fetches it.</summary>
    [JsonPropertyName("interval_seconds")]
    public long? IntervalSeconds { get; init; }
}

/// <summary>The body of <c>POST /c/exchanges/api/NAME</c>: HMA's <c>credential_json</c>, refused unless empty.</summary>
internal sealed record ExchangeApiCredentialsBody
{
    /// <summary>Credentials HMA would store in its database; Vigil does not.</summary>
    [JsonPropertyName("credential_json")]
    public JsonElement? CredentialJson { get; init; }
}

/// <summary>The exchange bodies' source-generated JSON, with the request bodies' rules (<see cref="ServerJsonContext"/>).</summary>
[JsonSourceGenerationOptions(UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow, PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(ExchangeCreateBody))]
[JsonSerializable(typeof(ExchangeUpdateBody))]
[JsonSerializable(typeof(ExchangeApiCredentialsBody))]
internal sealed partial class ExchangeJsonContext : JsonSerializerContext;
