using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vigil.Server;

/// <summary>The body of <c>PUT /c/bank/NAME/content/ID</c>: HMA's <c>disable_until_ts</c>.</summary>
internal sealed record ContentUpdateBody
{
    /// <summary>1 enables, 0 disables, a Unix time disables until then; HMA takes it as a number or a string of digits.</summary>
    [JsonPropertyName("disable_until_ts")]
    public JsonElement? DisableUntilTs { get; init; }
}
