using System.Text.Json.Serialization;

namespace Vigil.Server;

/// <summary>One signal type's part of <c>GET /m/index/status</c>, in HMA's shape.</summary>
/// <param name="Present">Whether lookups of the type are matched now.</param>
/// <param name="BuiltTo">The change sequence number matched against (-1 when not present).</param>
/// <param name="Size">How many hashes (pdq), videos (vpdq) or signals (exact types) are matched against.</param>
internal sealed record IndexStatusEntry(
    [property: JsonPropertyName("present")] bool Present,
    [property: JsonPropertyName("built_to")] long BuiltTo,
    [property: JsonPropertyName("size")] long Size);
