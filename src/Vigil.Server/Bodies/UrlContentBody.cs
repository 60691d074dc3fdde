using System.Text.Json.Serialization;

namespace Vigil.Server;

/// <summary>The optional JSON body of <c>POST /c/bank/NAME/content?url=</c>: <c>{"metadata": {...}}</c>.</summary>
internal sealed record UrlContentBody
{
    /// <summary>The content's metadata.</summary>
    [JsonPropertyName("metadata")]
    public ContentMetadata? Metadata { get; init; }
}
