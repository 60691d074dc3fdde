using System.Globalization;
using System.Text.Json;
using Vigil.Classifiers.Onnx;

namespace Vigil.Cli.Tests;

/// <summary>
/// <c>vigil scan --classify --classifier MANIFEST</c>: the files nothing matched are scored (a brightness model the test
/// writes), those past the threshold listed and, with <c>--open-cases</c>, opened for review as source <c>classifier</c>
/// below the matched item, their scores kept on the item.
/// </summary>
public sealed class ScanClassifyTests
{
    [Fact]
    public void Unmatched_images_past_the_threshold_are_listed_and_opened_below_the_match_with_their_scores()
    {
        using var db = new TestDb();
        db.Ok("bank", "create", "KNOWN");
        db.Ok("bank", "add", "KNOWN", CliSamples.Known("bridge.jpg"));
        string dir = Path.Combine(db.Dir, "scan");
        db.CopyFile(CliSamples.Upload("bridge-brighter.jpg"), "scan/bridge-brighter.jpg");
        db.CopyFile(CliSamples.Upload("scene-q0122.jpg"), "scan/scene-q0122.jpg");
        db.CopyFile(CliSamples.Upload("pen-and-coaster-cropped.jpg"), "scan/pen.jpg");
        File.WriteAllBytes(Path.Combine(db.Dir, "brightness.onnx"), SyntheticModels.Brightness(64));
        string manifest = Path.Combine(db.Dir, "brightness.json");
        void WriteManifest(double threshold) => File.WriteAllText(manifest, $$"""
            { "name": "brightness", "version": "1", "labels": ["bright"], "threshold": {{threshold.ToString(CultureInfo.InvariantCulture)}},
              "onnx": { "model": "brightness.onnx", "width": 64, "height": 64 } }
            """);
        // The two unmatched photos' scores, then a threshold between them: exactly the brighter one opens a case.
        WriteManifest(0.5);
        var scored = db.Ok("classify", "-m", manifest, "-f", "json", Path.Combine(dir, "scene-q0122.jpg"), Path.Combine(dir, "pen.jpg")).OutputLines
            .Select(l => JsonDocument.Parse(l).RootElement).ToDictionary(e => Path.GetFileName(e.GetProperty("path").GetString()!), e => e.GetProperty("score").GetDouble());
        Assert.NotEqual(scored["scene-q0122.jpg"], scored["pen.jpg"], 2);
        string brighter = scored["pen.jpg"] > scored["scene-q0122.jpg"] ? "pen.jpg" : "scene-q0122.jpg";
        WriteManifest(Math.Round((scored["pen.jpg"] + scored["scene-q0122.jpg"]) / 2, 4));

        var scan = db.Ok("scan", "--open-cases", "--classify", "--classifier", manifest, dir);
        var line = Assert.Single(scan.OutputLines, l => l.StartsWith("classifier: ", StringComparison.Ordinal));
        Assert.StartsWith($"classifier: {brighter}  {scored[brighter].ToString("0.0000", CultureInfo.InvariantCulture)} >= ", line);
        Assert.Contains("classified 2 unmatched images: 1 past the threshold", scan.Output);
        Assert.Contains("open-cases: 2 item(s) in case(s) 1;", scan.Output);

        var show = JsonDocument.Parse(db.Ok("review", "show", "1", "--format", "json").Output).RootElement;
        var items = show.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, items.Count);
        var matched = items.Single(i => i.GetProperty("source").GetString() == "scan");
        var classified = items.Single(i => i.GetProperty("source").GetString() == "classifier");
        Assert.Empty(matched.GetProperty("scores").EnumerateArray());
        // The case has its most urgent item's priority: the match's, above the classifier's 6.
        Assert.Equal(matched.GetProperty("priority").GetInt32(), show.GetProperty("case").GetProperty("priority").GetInt32());
        Assert.True(matched.GetProperty("priority").GetInt32() < 6);
        Assert.Equal(("classifier", 6, brighter), (classified.GetProperty("reason").GetString(), classified.GetProperty("priority").GetInt32(),
            classified.GetProperty("context").GetProperty("file_name").GetString()));
        Assert.Empty(classified.GetProperty("matches").EnumerateArray());
        var score = Assert.Single(classified.GetProperty("scores").EnumerateArray());
        Assert.Equal(("brightness", "1"), (score.GetProperty("model").GetString(), score.GetProperty("version").GetString()));
        Assert.Equal(scored[brighter], score.GetProperty("score").GetDouble(), 5);
        Assert.Equal(scored[brighter], score.GetProperty("labels").GetProperty("bright").GetDouble(), 5);
        Assert.True(classified.GetProperty("signals").TryGetProperty("pdq", out _), "the classified item keeps its PDQ");
        Assert.Contains($"scored {scored[brighter].ToString("0.000", CultureInfo.InvariantCulture)} by brightness 1 (threshold ", db.Ok("review", "show", "1").Output);
    }

    [Fact]
    public void Classify_and_classifier_go_together_and_a_bad_manifest_is_one_error()
    {
        using var db = new TestDb();
        string dir = Path.Combine(db.Dir, "scan");
        db.CopyFile(CliSamples.Upload("scene-q0122.jpg"), "scan/scene-q0122.jpg");
        Assert.Contains("--classify and --classifier MANIFEST go together", db.Run("scan", "--classify", dir).Error);
        Assert.Contains("--classify and --classifier MANIFEST go together", db.Run("scan", "--classifier", "m.json", dir).Error);
        var missing = db.Run("scan", "--classify", "--classifier", Path.Combine(db.Dir, "none.json"), dir);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("no such manifest", missing.Error);
    }

    [Fact]
    public void Serve_refuses_to_start_with_a_classifier_or_rule_file_that_does_not_load()
    {
        using var db = new TestDb();
        string rules = Path.Combine(db.Dir, "rules.json");
        File.WriteAllText(rules, """{ "version": "x", "threshold": 0.7, "rules": [{ "id": "bad", "description": "d", "weight": 0.5, "patterns": ["(unclosed"] }] }""");
        var badRules = db.Run("serve", "--urls", "http://127.0.0.1:0", "--conversation-rules", rules);
        Assert.Equal(1, badRules.ExitCode);
        Assert.Contains("error: --conversation-rules: ", badRules.Error);
        Assert.Contains("bad", badRules.Error);
        var badModel = db.Run("serve", "--urls", "http://127.0.0.1:0", "--classifier", Path.Combine(db.Dir, "none.json"));
        Assert.Equal(1, badModel.ExitCode);
        Assert.Contains("error: --classifier: ", badModel.Error);
        Assert.Contains("no such manifest", badModel.Error);
    }
}
