using System.Text.Json;
using Vigil.Media;
using Vigil.Media.Encoders;
using Vigil.Media.Processing;

namespace Vigil.Cli.Tests;

/// <summary><c>vigil match --robust</c> and <c>vigil scan --robust</c>: framed copies match through the picture inside; without it, answers are as before.</summary>
public class RobustMatchTests
{
    private static readonly string Bridge = CliSamples.Known("bridge.jpg");

    private static string Framed(TestDb db, string name, Func<RgbImage, RgbImage> frame)
    {
        using var decoder = new ImageDecoder();
        using var image = decoder.DecodeFile(Bridge);
        using var framed = frame(image);
        string path = Path.Combine(db.Dir, name);
        File.WriteAllBytes(path, RgbPngEncoder.Encode(framed.Pixels, framed.Width, framed.Height));
        return path;
    }

    [Fact]
    public void A_letterboxed_or_screenshotted_copy_matches_only_with_robust_and_says_how()
    {
        using var db = new TestDb();
        db.Ok("bank", "create", "KNOWN");
        db.Ok("bank", "add", "KNOWN", Bridge);
        string letterboxed = Framed(db, "letterboxed.png", i => ImageEdits.Letterbox(i, 0.125, Rgb.Black));
        string screenshot = Framed(db, "screenshot.png", i => ImageEdits.ScreenshotCanvas(i, 3));

        Assert.Equal([$"{letterboxed}: no match", $"{screenshot}: no match"], db.Ok("match", letterboxed, screenshot).OutputLines);
        Assert.Equal([$"{letterboxed}: no match", $"{screenshot}: no match"], db.Ok("match", "--dihedral", letterboxed, screenshot).OutputLines);

        var robust = db.Ok("match", "--robust", letterboxed, screenshot).OutputLines;
        Assert.Equal(2, robust.Length);
        Assert.StartsWith($"{letterboxed}: MATCH KNOWN content ", robust[0]);
        Assert.EndsWith("(trimmed)", robust[0]);
        Assert.StartsWith($"{screenshot}: MATCH KNOWN content ", robust[1]);
        Assert.Matches(@"\((trimmed|region)\)$", robust[1]);

        var json = JsonDocument.Parse(db.Ok("match", "--robust", "-f", "json", letterboxed).OutputLines[0]).RootElement;
        var match = Assert.Single(json.GetProperty("matches").EnumerateArray());
        Assert.Equal("trimmed", match.GetProperty("variant").GetString());
        Assert.InRange(match.GetProperty("distance").GetInt32(), 0, 31);
    }

    [Fact]
    public void Robust_keeps_every_plain_answer_and_the_plain_hash()
    {
        using var db = new TestDb();
        db.Ok("bank", "create", "KNOWN");
        db.Ok("bank", "add", "KNOWN", Bridge);
        string brighter = CliSamples.Upload("bridge-brighter.jpg"), scene = CliSamples.Upload("scene-q0122.jpg");
        var plain = db.Ok("match", "-f", "json", brighter, scene).OutputLines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var robust = db.Ok("match", "--robust", "-f", "json", brighter, scene).OutputLines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(plain.Select(p => p.GetProperty("pdq").GetString()), robust.Select(r => r.GetProperty("pdq").GetString()));
        Assert.Equal(["matched", "no_match"], robust.Select(r => r.GetProperty("status").GetString()));
        Assert.Equal(plain[0].GetProperty("matches")[0].GetProperty("distance").GetInt32(), robust[0].GetProperty("matches")[0].GetProperty("distance").GetInt32());
        Assert.Equal("pdq", robust[0].GetProperty("matches")[0].GetProperty("variant").GetString());
    }

    [Fact]
    public void Robust_needs_image_files()
    {
        using var db = new TestDb();
        var result = db.Run("match", "--robust", "--hash", new string('0', 64));
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("--robust needs image files", result.Error);
    }
}
