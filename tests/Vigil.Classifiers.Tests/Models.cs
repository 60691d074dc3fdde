using Vigil.Classifiers.Onnx;
using Vigil.Testing;

namespace Vigil.Classifiers.Tests;

/// <summary>Models and manifests the tests write into a temp directory (no model file is checked in).</summary>
internal sealed class Models : IDisposable
{
    private readonly TempDirectory _dir = new("vigil-classifier-");

    public string Directory => _dir.Path;

    /// <summary>Writes <paramref name="model"/> as NAME.onnx and a manifest NAME.json with <paramref name="manifestJson"/> (its <c>onnx.model</c> should be NAME.onnx).</summary>
    public string Write(string name, byte[] model, string manifestJson)
    {
        File.WriteAllBytes(_dir.File(name + ".onnx"), model);
        string manifest = _dir.File(name + ".json");
        File.WriteAllText(manifest, manifestJson);
        return manifest;
    }

    /// <summary>The brightness model (64x64, free batch or a batch of 1) and its manifest, threshold 0.5.</summary>
    public string Brightness(bool fixedBatch = false, int maxBatch = 4) => Write(fixedBatch ? "brightness1" : "brightness", SyntheticModels.Brightness(64, fixedBatch), $$"""
        {
          "name": "brightness", "version": "1", "labels": ["bright"], "threshold": 0.5,
          "onnx": { "model": "{{(fixedBatch ? "brightness1" : "brightness")}}.onnx", "width": 64, "height": 64, "max_batch": {{maxBatch}} }
        }
        """);

    /// <summary>The channel-means model (32x32) with the given channel order, layout and activation.</summary>
    public string ChannelMeans(string channels = "rgb", string activation = "none", string scoreLabel = "blue") => Write($"means-{channels}-{activation}", SyntheticModels.ChannelMeans(32), $$"""
        {
          "name": "means", "version": "2026.1", "labels": ["red", "green", "blue"], "score_label": "{{scoreLabel}}", "threshold": 0.6,
          "onnx": { "model": "means-{{channels}}-{{activation}}.onnx", "input": "pixels", "output": "means", "width": 32, "height": 32,
                    "channels": "{{channels}}", "activation": "{{activation}}" }
        }
        """);

    public void Dispose() => _dir.Dispose();
}
