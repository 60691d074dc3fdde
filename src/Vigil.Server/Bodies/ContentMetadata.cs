using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vigil.Server;

/// <summary>
/// HMA's metadata of added content (the <c>metadata</c> form field of <c>POST /c/bank/NAME/content</c>,
/// or <c>{"metadata": ...}</c> with <c>?url=</c>): optional <c>content_id</c>, <c>content_uri</c>
/// and a free-form <c>json</c> object; other keys are refused, as HMA's schema does.
/// </summary>
internal sealed record ContentMetadata
{
    /// <summary>The platform's own id for the content.</summary>
    [JsonPropertyName("content_id")]
    public string? ContentId { get; init; }

    /// <summary>Where the content was found.</summary>
    [JsonPropertyName("content_uri")]
    public string? ContentUri { get; init; }

    /// <summary>Anything else the platform keeps with it (an object).</summary>
    [JsonPropertyName("json")]
    public JsonElement? Json { get; init; }
}
