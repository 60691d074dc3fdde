using System.Text.Json;
using System.Text.Json.Serialization;
using Vigil.Classifiers.Manifests;

namespace Vigil.Classifiers.Text;

/// <summary>
/// A licensed ONNX text model that scores one message (0..1), described beside its files: the model, its WordPiece
/// vocabulary (BERT's <c>vocab.txt</c>), the input and output names, how many tokens it takes, and what turns its
/// output into a score. Read with <see cref="Read"/>; errors name the file and the field.
/// </summary>
/// <remarks>Settable properties: the source-generated reader would otherwise drop the defaults (see <see cref="ClassifierManifest"/>).</remarks>
public sealed record TextModelManifest
{
    /// <summary>A short name, stored with the signal.</summary>
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    /// <summary>The model's version.</summary>
    [JsonPropertyName("version")]
    public string Version { get; set; } = "";

    /// <summary>The <c>.onnx</c> file, relative to the manifest or absolute.</summary>
    [JsonPropertyName("model")]
    public string Model { get; set; } = "";

    /// <summary>The WordPiece vocabulary, one token per line (with <c>[CLS]</c>, <c>[SEP]</c>, <c>[UNK]</c>, <c>[PAD]</c>, <c>[MASK]</c>).</summary>
    [JsonPropertyName("vocab")]
    public string Vocab { get; set; } = "";

    /// <summary>Lower-case the text first (uncased BERT models).</summary>
    [JsonPropertyName("lowercase")]
    public bool Lowercase { get; set; } = true;

    /// <summary>The token ids' input (int64 [1, T]).</summary>
    [JsonPropertyName("input")]
    public string Input { get; set; } = "input_ids";

    /// <summary>The attention mask's input (int64 [1, T], all ones), when the model has one.</summary>
    [JsonPropertyName("mask_input")]
    public string? MaskInput { get; set; }

    /// <summary>The score's output (one float).</summary>
    [JsonPropertyName("output")]
    public string? Output { get; set; }

    /// <summary>Longest input in tokens, [CLS] and [SEP] included; longer text is cut.</summary>
    [JsonPropertyName("max_tokens")]
    public int MaxTokens { get; set; } = 128;

    /// <summary><c>none</c> (already 0..1) or <c>sigmoid</c>.</summary>
    [JsonPropertyName("activation")]
    public string Activation { get; set; } = "none";

    /// <summary>As a conversation signal: its weight beside the rules' (more than 0, less than 1).</summary>
    [JsonPropertyName("signal_weight")]
    public double SignalWeight { get; set; } = 0.3;

    /// <summary>As a conversation signal: a message scoring at least this fires it (0..1).</summary>
    [JsonPropertyName("fires_at")]
    public double FiresAt { get; set; } = 0.8;

    /// <summary>The directory the manifest was read from.</summary>
    [JsonIgnore]
    public string Directory { get; set; } = "";

    /// <summary>Reads and checks the manifest at <paramref name="path"/>.</summary>
    /// <exception cref="ClassifierManifestException">Missing, not JSON, or a field missing or out of range.</exception>
    public static TextModelManifest Read(string path)
    {
        var (json, directory) = ManifestFiles.Read(path);
        var m = ManifestFiles.Deserialize(json, TextManifestJson.Default.TextModelManifest, path, "text model manifest");
        void Fail(string field, string problem) => throw new ClassifierManifestException($"{path}: {field}: {problem}");
        if (string.IsNullOrWhiteSpace(m.Name))
            Fail("name", "required");
        if (string.IsNullOrWhiteSpace(m.Version))
            Fail("version", "required (it is stored with every signal)");
        if (string.IsNullOrWhiteSpace(m.Model))
            Fail("model", "required (the .onnx file)");
        if (string.IsNullOrWhiteSpace(m.Vocab))
            Fail("vocab", "required (the WordPiece vocab.txt)");
        if (m.MaxTokens is < 3 or > 4096)
            Fail("max_tokens", "3 to 4096");
        if (m.Activation is not ("none" or "sigmoid"))
            Fail("activation", $"'{m.Activation}': none or sigmoid");
        if (!(m.SignalWeight > 0 && m.SignalWeight < 1))
            Fail("signal_weight", "more than 0, less than 1");
        if (!(m.FiresAt >= 0 && m.FiresAt <= 1))
            Fail("fires_at", "0 to 1");
        m.Directory = directory;
        return m;
    }
}

[JsonSourceGenerationOptions(ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(TextModelManifest))]
internal sealed partial class TextManifestJson : JsonSerializerContext;
