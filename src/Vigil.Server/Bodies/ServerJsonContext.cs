using System.Text.Json.Serialization;

namespace Vigil.Server;

/// <summary>
/// The request bodies' source-generated JSON: unknown keys are an error (<see cref="JsonBody"/>
/// names them first), and keys match whatever their case, as signal type names always have.
/// </summary>
[JsonSourceGenerationOptions(UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow, PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(BankBody))]
[JsonSerializable(typeof(SignalsBody))]
[JsonSerializable(typeof(CompareBody))]
[JsonSerializable(typeof(ContentUpdateBody))]
[JsonSerializable(typeof(ContentMetadata))]
[JsonSerializable(typeof(UrlContentBody))]
[JsonSerializable(typeof(CaseContextBody))]
[JsonSerializable(typeof(ItemDecisionBody))]
[JsonSerializable(typeof(CaseDecisionBody))]
internal sealed partial class ServerJsonContext : JsonSerializerContext;
