using System.Text;
using Vigil.Classifiers.Manifests;

namespace Vigil.Classifiers.Tests;

/// <summary>The manifest reader: a good manifest reads as written; every bad field is an error that names it.</summary>
public sealed class ManifestTests
{
    private const string Good = """
        {
          // comments and trailing commas are allowed: operators edit these by hand
          "name": "vendor-model", "version": "3.1", "labels": ["benign", "flagged"], "score_label": "flagged", "threshold": 0.8,
          "onnx": { "model": "m.onnx", "width": 224, "height": 192, "layout": "nhwc", "channels": "bgr",
                    "scale": 1.0, "mean": [103.9, 116.8, 123.7], "std": [57.4, 57.1, 58.4], "activation": "softmax", "max_batch": 8, },
        }
        """;

    [Fact]
    public void A_good_manifest_reads_as_written()
    {
        var m = ClassifierManifestReader.Parse(Encoding.UTF8.GetBytes(Good), "good.json", "/models");
        Assert.Equal(("vendor-model", "3.1", 1, 0.8), (m.Name, m.Version, m.ScoreIndex, m.Threshold));
        Assert.Equal(["benign", "flagged"], m.Labels);
        var o = m.Onnx!;
        Assert.Equal(("m.onnx", 224, 192, "nhwc", "bgr", "softmax", 8), (o.Model, o.Width, o.Height, o.Layout, o.Channels, o.Activation, o.MaxBatch));
        Assert.Equal([103.9, 116.8, 123.7], o.Mean);
        Assert.Equal("/models", m.Directory);
        Assert.Null(m.Http);
    }

    [Theory]
    [InlineData("\"name\": \"vendor-model\"", "\"name\": \"\"", "name: required")]
    [InlineData("\"version\": \"3.1\"", "\"version\": \"\"", "version: required")]
    [InlineData("\"labels\": [\"benign\", \"flagged\"]", "\"labels\": []", "labels: at least one")]
    [InlineData("\"labels\": [\"benign\", \"flagged\"]", "\"labels\": [\"flagged\", \"flagged\"]", "labels: 'flagged' is given twice")]
    [InlineData("\"score_label\": \"flagged\"", "\"score_label\": \"other\"", "score_label: 'other' is not one of the labels")]
    [InlineData("\"score_label\": \"flagged\",", "", "score_label: required with more than one label")]
    [InlineData("\"threshold\": 0.8", "\"threshold\": 1.5", "threshold: required, between 0 and 1")]
    [InlineData("\"threshold\": 0.8,", "", "threshold: required")]
    [InlineData("\"width\": 224", "\"width\": 0", "onnx.width")]
    [InlineData("\"height\": 192", "\"height\": 99999", "onnx.height")]
    [InlineData("\"layout\": \"nhwc\"", "\"layout\": \"chw\"", "onnx.layout: 'chw'")]
    [InlineData("\"channels\": \"bgr\"", "\"channels\": \"rgba\"", "onnx.channels: 'rgba'")]
    [InlineData("\"scale\": 1.0", "\"scale\": 0", "onnx.scale")]
    [InlineData("[103.9, 116.8, 123.7]", "[103.9, 116.8]", "onnx.mean: three numbers")]
    [InlineData("[57.4, 57.1, 58.4]", "[57.4, 0, 58.4]", "onnx.std: finite, non-zero")]
    [InlineData("\"activation\": \"softmax\"", "\"activation\": \"relu\"", "onnx.activation: 'relu'")]
    [InlineData("\"max_batch\": 8", "\"max_batch\": 0", "onnx.max_batch")]
    [InlineData("\"model\": \"m.onnx\",", "", "onnx.model: required")]
    [InlineData("\"max_batch\": 8,", "\"max_batch\": 8, \"colour\": 1,", "not a valid manifest")]
    [InlineData("\"onnx\":", "\"http\": { \"url\": \"https://x.example\" }, \"onnx\":", "onnx/http: give exactly one")]
    public void Every_bad_field_is_named(string from, string to, string expected)
    {
        Assert.Contains(from, Good, StringComparison.Ordinal);
        string json = Good.Replace(from, to, StringComparison.Ordinal);
        var e = Assert.Throws<ClassifierManifestException>(() => ClassifierManifestReader.Parse(Encoding.UTF8.GetBytes(json), "bad.json", "/"));
        Assert.StartsWith("bad.json: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"url\": \"http://vendor.example/score\"", "http.url")]
    [InlineData("\"url\": \"not a url\"", "http.url")]
    [InlineData("\"url\": \"https://vendor.example/score\", \"timeout_seconds\": 0", "http.timeout_seconds")]
    [InlineData("\"url\": \"https://vendor.example/score\", \"retries\": 11", "http.retries")]
    [InlineData("\"url\": \"https://vendor.example/score\", \"break_after_failures\": 1", "http.break_after_failures")]
    [InlineData("\"url\": \"https://vendor.example/score\", \"key_env\": \"\"", "http.key_env")]
    [InlineData("\"url\": \"https://vendor.example/score\", \"max_side\": 8", "http.max_side")]
    public void Bad_http_sections_are_named(string http, string expected)
    {
        string json = $$"""{ "name": "v", "version": "1", "labels": ["x"], "threshold": 0.5, "http": { {{http}} } }""";
        var e = Assert.Throws<ClassifierManifestException>(() => ClassifierManifestReader.Parse(Encoding.UTF8.GetBytes(json), "v.json", "/"));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_http_manifest_on_this_machine_may_be_plain_http()
    {
        string json = """{ "name": "v", "version": "1", "labels": ["x"], "threshold": 0.5, "http": { "url": "http://127.0.0.1:8080/score" } }""";
        var m = ClassifierManifestReader.Parse(Encoding.UTF8.GetBytes(json), "v.json", "/");
        Assert.Equal((10.0, 2, 5, 512, 8), (m.Http!.TimeoutSeconds, m.Http.Retries, m.Http.BreakAfterFailures, m.Http.MaxSide, m.Http.MaxBatch));
    }

    [Fact]
    public void Missing_unreadable_and_garbage_files_are_clear_errors()
    {
        using var dir = new Vigil.Testing.TempDirectory();
        Assert.Contains("no such manifest", Assert.Throws<ClassifierManifestException>(() => ClassifierManifestReader.Read(dir.File("none.json"))).Message, StringComparison.Ordinal);
        string garbage = dir.File("garbage.json");
        File.WriteAllBytes(garbage, [0xff, 0xfe, 0x00, 0x7b]);
        Assert.Contains("not a valid manifest", Assert.Throws<ClassifierManifestException>(() => ClassifierManifestReader.Read(garbage)).Message, StringComparison.Ordinal);
        string nul = dir.File("null.json");
        File.WriteAllText(nul, "null");
        Assert.Contains("null", Assert.Throws<ClassifierManifestException>(() => ClassifierManifestReader.Read(nul)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Random_bytes_never_crash_the_reader()
    {
        var random = new Random(7);
        for (int i = 0; i < 2000; i++)
        {
            // Mutations of a good manifest: most are invalid JSON or fields, each must be a manifest error or a manifest.
            var bytes = Encoding.UTF8.GetBytes(Good);
            for (int m = random.Next(1, 6); m > 0; m--)
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            try
            {
                ClassifierManifestReader.Parse(bytes, "fuzz.json", "/");
            }
            catch (ClassifierManifestException)
            {
            }
        }
    }
}
