using System.Text.Json;
using Vigil.Classifiers.Onnx;
using Vigil.Media;
using Vigil.Testing;

namespace Vigil.Cli.Tests;

/// <summary>
/// <c>vigil classify</c> with a brightness model the test writes (its score of each fixture photo is the photo's mean
/// brightness, computed here from the decoded pixels): the formats, the threshold, input order, and errors.
/// </summary>
public sealed class ClassifyCommandTests : IDisposable
{
    private static readonly string[] Photos =
    [
        "pdq/data/bridge-mods/aaa-orig.jpg",
        "pdq/data/reg-test-input/labelme-subset/q0003.jpg",
        "pdq/data/reg-test-input/pen-and-coaster.png",
        "pdq/data/reg-test-input/labelme-subset/q2821.jpg",
    ];

    private readonly TempDirectory _dir = new();
    private readonly string _manifest;

    public ClassifyCommandTests()
    {
        File.WriteAllBytes(_dir.File("brightness.onnx"), SyntheticModels.Brightness(64));
        _manifest = _dir.File("brightness.json");
        File.WriteAllText(_manifest, """
            { "name": "brightness", "version": "7", "labels": ["bright"], "threshold": 0.55,
              "onnx": { "model": "brightness.onnx", "width": 64, "height": 64, "max_batch": 3 } }
            """);
    }

    public void Dispose() => _dir.Dispose();

    private static double MeanBrightness(string photo)
    {
        using var decoder = new ImageDecoder(new DecodeOptions { AutoOrient = true });
        using var image = decoder.DecodeFile(Fixtures.ThreatExchange(photo));
        long sum = 0;
        foreach (byte b in image.Pixels)
            sum += b;
        return sum / (255.0 * image.Pixels.Length);
    }

    [Fact]
    public void Json_gives_each_photos_brightness_in_input_order_and_flags_those_past_the_threshold()
    {
        var paths = Photos.Select(Fixtures.ThreatExchange).ToArray();
        var result = CliRunner.Run(["classify", "--model", _manifest, "-f", "json", "--batch", "2", .. paths]);
        Assert.True(result.ExitCode == 0, result.Error);
        var lines = result.OutputLines;
        Assert.Equal(Photos.Length, lines.Length);
        int flagged = 0;
        for (int i = 0; i < Photos.Length; i++)
        {
            using var json = JsonDocument.Parse(lines[i]);
            var root = json.RootElement;
            Assert.Equal(paths[i], root.GetProperty("path").GetString());
            Assert.Equal(("brightness", "7"), (root.GetProperty("model").GetString(), root.GetProperty("version").GetString()));
            double score = root.GetProperty("score").GetDouble();
            Assert.InRange(score, MeanBrightness(Photos[i]) - 0.01, MeanBrightness(Photos[i]) + 0.01);
            Assert.Equal(score, root.GetProperty("labels").GetProperty("bright").GetDouble());
            Assert.Equal(score >= 0.55, root.GetProperty("flagged").GetBoolean());
            flagged += score >= 0.55 ? 1 : 0;
        }
        // The threshold sits between the photos: some pass, some do not.
        Assert.True(flagged >= 1 && flagged < Photos.Length, result.Output);
    }

    [Fact]
    public void Text_and_csv_say_the_same()
    {
        var paths = Photos.Select(Fixtures.ThreatExchange).ToArray();
        var text = CliRunner.Run(["classify", "-m", _manifest, .. paths]);
        var csv = CliRunner.Run(["classify", "-m", _manifest, "-f", "csv", .. paths]);
        Assert.Equal(0, text.ExitCode);
        Assert.Equal(0, csv.ExitCode);
        Assert.Equal("path,model,version,score,flagged,priority,frame_seconds,bright", csv.OutputLines[0]);
        for (int i = 0; i < paths.Length; i++)
        {
            var fields = csv.OutputLines[i + 1].Split(',');
            Assert.Equal(paths[i], fields[0]);
            Assert.Equal("", fields[6]);
            Assert.Equal(fields[3], fields[7]);
            bool flagged = bool.Parse(fields[4]);
            Assert.Equal(double.Parse(fields[3], System.Globalization.CultureInfo.InvariantCulture) >= 0.55, flagged);
            Assert.StartsWith(fields[3], text.OutputLines[i], StringComparison.Ordinal);
            Assert.Equal(flagged, text.OutputLines[i].Contains("FLAGGED", StringComparison.Ordinal));
            Assert.EndsWith(paths[i], text.OutputLines[i], StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_video_scores_as_its_brightest_sampled_frame_between_photos_in_input_order()
    {
        string video = Fixtures.ThreatExchange("tmk/sample-videos/doorknob-hd-no-bar.mp4");
        // The expected score, from the same frames ffmpeg gives (one a second), each frame's mean brightness.
        double brightest = 0, at = 0;
        int frames = 0;
        await foreach (var frame in Vigil.Media.Video.FfmpegVideo.ReadFramesAsync(video, new Vigil.Media.Video.VideoReadOptions { SecondsPerFrame = 1 }, CancellationToken.None))
        {
            frames++;
            long sum = 0;
            foreach (byte b in frame.Rgb.Span)
                sum += b;
            double mean = sum / (255.0 * frame.Rgb.Length);
            if (mean > brightest)
                (brightest, at) = (mean, frame.TimestampSeconds);
        }
        var result = CliRunner.Run("classify", "-m", _manifest, "-f", "json", "--batch", "2", Fixtures.ThreatExchange(Photos[0]), video, Fixtures.ThreatExchange(Photos[1]));
        Assert.True(result.ExitCode == 0, result.Error);
        var lines = result.OutputLines.Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal([Fixtures.ThreatExchange(Photos[0]), video, Fixtures.ThreatExchange(Photos[1])], lines.Select(l => l.GetProperty("path").GetString()));
        var scored = lines[1];
        Assert.InRange(scored.GetProperty("score").GetDouble(), brightest - 0.01, brightest + 0.01);
        Assert.Equal(frames, scored.GetProperty("frames").GetInt32());
        Assert.Equal(at, scored.GetProperty("frame_seconds").GetDouble(), 2);
        Assert.False(lines[0].TryGetProperty("frames", out _));
        Assert.Contains($"(highest of {frames} frames at ", CliRunner.Run("classify", "-m", _manifest, video).Output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_cannot_be_decoded_is_an_error_line_and_the_rest_are_scored()
    {
        string broken = _dir.File("broken.jpg");
        File.WriteAllBytes(broken, [0xff, 0xd8, 0xff, 0x00, 0x01]);
        var result = CliRunner.Run("classify", "-m", _manifest, "-f", "csv", Fixtures.ThreatExchange(Photos[0]), broken, _dir.File("missing.png"), Fixtures.ThreatExchange(Photos[1]));
        Assert.Equal(1, result.ExitCode);
        Assert.Equal(3, result.OutputLines.Length); // header and two photos
        Assert.Contains($"error: {broken}: ", result.Error, StringComparison.Ordinal);
        Assert.Contains("missing.png: no such file or directory", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_manifests_and_models_are_one_clear_error()
    {
        var missing = CliRunner.Run("classify", "-m", _dir.File("none.json"), Fixtures.ThreatExchange(Photos[0]));
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("no such manifest", missing.Error, StringComparison.Ordinal);
        string bad = _dir.File("bad.json");
        File.WriteAllText(bad, """{ "name": "b", "version": "1", "labels": ["x"], "threshold": 2, "onnx": { "model": "brightness.onnx", "width": 64, "height": 64 } }""");
        var invalid = CliRunner.Run("classify", "-m", bad, Fixtures.ThreatExchange(Photos[0]));
        Assert.Equal(1, invalid.ExitCode);
        Assert.Contains("threshold: required, between 0 and 1", invalid.Error, StringComparison.Ordinal);
        Assert.Equal("", invalid.Output);
        var noModel = CliRunner.Run("classify", Fixtures.ThreatExchange(Photos[0]));
        Assert.NotEqual(0, noModel.ExitCode);
        Assert.Contains("--model", noModel.Error, StringComparison.Ordinal);
        var badBatch = CliRunner.Run("classify", "-m", _manifest, "--batch", "0", Fixtures.ThreatExchange(Photos[0]));
        Assert.NotEqual(0, badBatch.ExitCode);
        Assert.Contains("--batch must be 1 to 1024", badBatch.Error, StringComparison.Ordinal);
    }
}
