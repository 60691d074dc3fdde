using System.Text.Json.Serialization;

namespace Vigil.Classifiers.Http;

/// <summary>What Vigil posts to a vendor's classification service: the model's name and the images, each a PNG in base64.</summary>
internal sealed record VendorRequest(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("items")] IReadOnlyList<VendorRequestItem> Items);

/// <summary>One image of a request; <see cref="Id"/> is its position, echoed in the answer.</summary>
internal sealed record VendorRequestItem(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("media_type")] string MediaType,
    [property: JsonPropertyName("data")] string Data);

/// <summary>The vendor's answer: one item per image sent, in any order.</summary>
internal sealed record VendorResponse(
    [property: JsonPropertyName("items")] IReadOnlyList<VendorResponseItem>? Items);

/// <summary>One image's answer: scores per label, or a priority level (<c>VERY_LOW</c>..<c>VERY_HIGH</c>).</summary>
internal sealed record VendorResponseItem(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("scores")] IReadOnlyDictionary<string, double>? Scores,
    [property: JsonPropertyName("priority")] string? Priority);

[JsonSerializable(typeof(VendorRequest))]
[JsonSerializable(typeof(VendorResponse))]
internal sealed partial class VendorJson : JsonSerializerContext;
