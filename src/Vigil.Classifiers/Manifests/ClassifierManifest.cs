using System.Text.Json.Serialization;

namespace Vigil.Classifiers.Manifests;

/// <summary>
/// What a classifier is and how to run it, as an operator writes it in a JSON file next to the model: its name and
/// version, its labels, which label's score routes media to review and past which threshold, and exactly one of
/// <see cref="Onnx"/> (a local model) or <see cref="Http"/> (a vendor's service). Read with <see cref="ClassifierManifestReader"/>.
/// </summary>
/// <remarks>Settable rather than init-only properties: System.Text.Json's source generator sets every init-only property
/// it knows, to its type's default when the JSON leaves it out, which would lose the defaults below.</remarks>
public sealed record ClassifierManifest
{
    /// <summary>A short name, shown in cases and output (e.g. <c>vendor-csam-2026</c>).</summary>
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    /// <summary>The model's version, stored with every score so a score can be traced to the model that gave it.</summary>
    [JsonPropertyName("version")]
    public string Version { get; set; } = "";

    /// <summary>The labels the model scores, in the order of its output.</summary>
    [JsonPropertyName("labels")]
    public IReadOnlyList<string> Labels { get; set; } = [];

    /// <summary>The label whose score is the media's score (the one that opens a case); the only label when there is one.</summary>
    [JsonPropertyName("score_label")]
    public string? ScoreLabel { get; set; }

    /// <summary>A score at or above this opens a case for review (0..1).</summary>
    [JsonPropertyName("threshold")]
    public double Threshold { get; set; } = double.NaN;

    /// <summary>A local ONNX model.</summary>
    [JsonPropertyName("onnx")]
    public OnnxModelSpec? Onnx { get; set; }

    /// <summary>A vendor's HTTP service.</summary>
    [JsonPropertyName("http")]
    public HttpServiceSpec? Http { get; set; }

    /// <summary>Whether <paramref name="score"/> reaches the threshold: a reason to have a person look.</summary>
    public bool IsPastThreshold(double score) => score >= Threshold;

    /// <summary>The directory the manifest was read from: relative model paths are resolved against it.</summary>
    [JsonIgnore]
    public string Directory { get; set; } = "";

    /// <summary>The index in <see cref="Labels"/> of the score label.</summary>
    [JsonIgnore]
    public int ScoreIndex
    {
        get
        {
            for (int i = 0; i < Labels.Count; i++)
            {
                if (Labels[i] == ScoreLabel)
                    return i;
            }
            return ScoreLabel is null ? 0 : -1;
        }
    }
}

/// <summary>How a local ONNX model takes its input and gives its output.</summary>
public sealed record OnnxModelSpec
{
    /// <summary>The model file (<c>.onnx</c>), relative to the manifest's directory or absolute.</summary>
    [JsonPropertyName("model")]
    public string Model { get; set; } = "";

    /// <summary>The input tensor's name; the model's only input when not given.</summary>
    [JsonPropertyName("input")]
    public string? Input { get; set; }

    /// <summary>The output tensor's name; the model's first output when not given.</summary>
    [JsonPropertyName("output")]
    public string? Output { get; set; }

    /// <summary>The width the model takes; every image is resized to it (its shape is not kept: models are trained so).</summary>
    [JsonPropertyName("width")]
    public int Width { get; set; }

    /// <summary>The height the model takes.</summary>
    [JsonPropertyName("height")]
    public int Height { get; set; }

    /// <summary><c>nchw</c> (channels first, PyTorch's) or <c>nhwc</c> (channels last, TensorFlow's).</summary>
    [JsonPropertyName("layout")]
    public string Layout { get; set; } = "nchw";

    /// <summary><c>rgb</c> or <c>bgr</c> (OpenCV-trained models).</summary>
    [JsonPropertyName("channels")]
    public string Channels { get; set; } = "rgb";

    /// <summary>Each 0-255 pixel value is multiplied by this first (1/255 gives 0..1).</summary>
    [JsonPropertyName("scale")]
    public double Scale { get; set; } = 1.0 / 255;

    /// <summary>Then the channel's mean is taken off (in the order of <see cref="Channels"/>)...</summary>
    [JsonPropertyName("mean")]
    public IReadOnlyList<double> Mean { get; set; } = [0, 0, 0];

    /// <summary>...and it is divided by the channel's standard deviation.</summary>
    [JsonPropertyName("std")]
    public IReadOnlyList<double> Std { get; set; } = [1, 1, 1];

    /// <summary>What turns the output into 0..1 scores: <c>none</c> (it already is), <c>sigmoid</c> or <c>softmax</c>.</summary>
    [JsonPropertyName("activation")]
    public string Activation { get; set; } = "none";

    /// <summary>The most images run together (when the model's batch size is free; a fixed batch of 1 runs one at a time).</summary>
    [JsonPropertyName("max_batch")]
    public int MaxBatch { get; set; } = 16;
}

/// <summary>A vendor's classification service (the request and answer are in docs/classifiers.md).</summary>
public sealed record HttpServiceSpec
{
    /// <summary>The address images are posted to (https, or http on this machine).</summary>
    [JsonPropertyName("url")]
    public string Url { get; set; } = "";

    /// <summary>The environment variable holding the service's key, sent as a bearer token; never in the manifest itself.</summary>
    [JsonPropertyName("key_env")]
    public string? KeyEnvironmentVariable { get; set; }

    /// <summary>How long one attempt may take, in seconds.</summary>
    [JsonPropertyName("timeout_seconds")]
    public double TimeoutSeconds { get; set; } = 10;

    /// <summary>Retries after the first attempt, for network errors, timeouts, 5xx and 429.</summary>
    [JsonPropertyName("retries")]
    public int Retries { get; set; } = 2;

    /// <summary>After this many failed calls in a row the service is not called for <see cref="BreakSeconds"/>.</summary>
    [JsonPropertyName("break_after_failures")]
    public int BreakAfterFailures { get; set; } = 5;

    /// <summary>How long the circuit stays open, in seconds.</summary>
    [JsonPropertyName("break_seconds")]
    public double BreakSeconds { get; set; } = 30;

    /// <summary>Images are sent as PNG at most this large on their long side.</summary>
    [JsonPropertyName("max_side")]
    public int MaxSide { get; set; } = 512;

    /// <summary>The most images sent in one request.</summary>
    [JsonPropertyName("max_batch")]
    public int MaxBatch { get; set; } = 8;
}

[JsonSourceGenerationOptions(ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(ClassifierManifest))]
internal sealed partial class ManifestJson : JsonSerializerContext;
