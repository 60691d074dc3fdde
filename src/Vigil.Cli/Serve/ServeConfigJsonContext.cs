using System.Text.Json.Serialization;

namespace Vigil.Cli.Serve;

/// <summary>The config file's source-generated JSON: unknown keys are errors, // comments are allowed (as 'vigil report init-config' writes them), and what is printed is indented, unset values shown as null.</summary>
[JsonSourceGenerationOptions(UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow, WriteIndented = true,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip)]
[JsonSerializable(typeof(ServeConfig))]
internal sealed partial class ServeConfigJsonContext : JsonSerializerContext;
