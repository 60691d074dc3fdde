namespace Vigil.Classifiers.Manifests;

/// <summary>Reads and checks a classifier manifest: every error names the file and the field.</summary>
public static class ClassifierManifestReader
{
    /// <summary>Reads the manifest at <paramref name="path"/>; relative model paths resolve against its directory.</summary>
    /// <exception cref="ClassifierManifestException">The file is missing, not JSON, or invalid.</exception>
    public static ClassifierManifest Read(string path)
    {
        var (json, directory) = ManifestFiles.Read(path);
        return Parse(json, path, directory);
    }

    /// <summary>Parses manifest JSON; <paramref name="name"/> names it in errors, <paramref name="directory"/> is where relative paths start.</summary>
    /// <exception cref="ClassifierManifestException">Not JSON, or invalid.</exception>
    public static ClassifierManifest Parse(ReadOnlySpan<byte> json, string name, string directory)
    {
        var manifest = ManifestFiles.Deserialize(json, ManifestJson.Default.ClassifierManifest, name, "manifest") with { Directory = directory };
        Check(manifest, name);
        return manifest;
    }

    private static void Check(ClassifierManifest m, string name)
    {
        void Fail(string field, string problem) => throw new ClassifierManifestException($"{name}: {field}: {problem}");

        if (string.IsNullOrWhiteSpace(m.Name))
            Fail("name", "required");
        if (string.IsNullOrWhiteSpace(m.Version))
            Fail("version", "required (it is stored with every score)");
        if (m.Labels.Count == 0)
            Fail("labels", "at least one label is required");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var label in m.Labels)
        {
            if (string.IsNullOrWhiteSpace(label))
                Fail("labels", "a label is empty");
            if (!seen.Add(label))
                Fail("labels", $"'{label}' is given twice");
        }
        if (m.ScoreLabel is null && m.Labels.Count > 1)
            Fail("score_label", $"required with more than one label (one of {string.Join(", ", m.Labels)})");
        if (m.ScoreLabel is not null && m.ScoreIndex < 0)
            Fail("score_label", $"'{m.ScoreLabel}' is not one of the labels ({string.Join(", ", m.Labels)})");
        if (!(m.Threshold >= 0 && m.Threshold <= 1))
            Fail("threshold", "required, between 0 and 1");
        if ((m.Onnx is null) == (m.Http is null))
            Fail("onnx/http", "give exactly one of them");
        if (m.Onnx is { } onnx)
            CheckOnnx(onnx, m.Labels.Count, Fail);
        if (m.Http is { } http)
            CheckHttp(http, Fail);
    }

    private static void CheckOnnx(OnnxModelSpec o, int labels, Action<string, string> fail)
    {
        if (string.IsNullOrWhiteSpace(o.Model))
            fail("onnx.model", "required (the .onnx file)");
        if (o.Width is < 1 or > 4096)
            fail("onnx.width", "required, 1 to 4096 pixels");
        if (o.Height is < 1 or > 4096)
            fail("onnx.height", "required, 1 to 4096 pixels");
        if (o.Layout is not ("nchw" or "nhwc"))
            fail("onnx.layout", $"'{o.Layout}': nchw or nhwc");
        if (o.Channels is not ("rgb" or "bgr"))
            fail("onnx.channels", $"'{o.Channels}': rgb or bgr");
        if (!(double.IsFinite(o.Scale) && o.Scale != 0))
            fail("onnx.scale", "a finite, non-zero number");
        if (o.Mean.Count != 3)
            fail("onnx.mean", "three numbers, one per channel");
        if (o.Std.Count != 3)
            fail("onnx.std", "three numbers, one per channel");
        for (int c = 0; c < 3; c++)
        {
            if (!double.IsFinite(o.Mean[c]))
                fail("onnx.mean", "finite numbers");
            if (!(double.IsFinite(o.Std[c]) && o.Std[c] != 0))
                fail("onnx.std", "finite, non-zero numbers");
        }
        if (o.Activation is not ("none" or "sigmoid" or "softmax"))
            fail("onnx.activation", $"'{o.Activation}': none, sigmoid or softmax");
        if (o.Activation == "softmax" && labels < 2)
            fail("onnx.activation", "softmax needs at least two labels");
        if (o.MaxBatch is < 1 or > 1024)
            fail("onnx.max_batch", "1 to 1024");
    }

    private static void CheckHttp(HttpServiceSpec h, Action<string, string> fail)
    {
        if (!Uri.TryCreate(h.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && !(url.Scheme == Uri.UriSchemeHttp && url.IsLoopback)))
            fail("http.url", $"'{h.Url}': an https address (http only on this machine)");
        if (h.KeyEnvironmentVariable is { Length: 0 })
            fail("http.key_env", "the name of an environment variable, or leave it out");
        if (!(h.TimeoutSeconds > 0 && h.TimeoutSeconds <= 600))
            fail("http.timeout_seconds", "more than 0, at most 600");
        if (h.Retries is < 0 or > 10)
            fail("http.retries", "0 to 10");
        if (h.BreakAfterFailures is < 2 or > 1000)
            fail("http.break_after_failures", "2 to 1000");
        if (!(h.BreakSeconds > 0 && h.BreakSeconds <= 3600))
            fail("http.break_seconds", "more than 0, at most 3600");
        if (h.MaxSide is < 32 or > 8192)
            fail("http.max_side", "32 to 8192 pixels");
        if (h.MaxBatch is < 1 or > 256)
            fail("http.max_batch", "1 to 256");
    }
}
