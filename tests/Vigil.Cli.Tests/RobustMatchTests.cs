using System.Text.Json;
using Vigil.Media;
using Vigil.Media.Encoders;
using Vigil.Media.Processing;

namespace Vigil.Cli.Tests;

/// <summary><c>vigil match --robust</c> and <c>vigil scan --robust</c>: framed copies match through the picture inside; without it, answers are as before.</summary>
public class RobustMatchTests
{
    private static readonly string Bridge = CliSamples.Known("bridge.jpg");

    /// <summary>Writes an edited copy of the bridge photo into the test's folder as PNG; returns its path.</summary>
    internal static string Framed(TestDb db, string name, Func<RgbImage, RgbImage> frame)
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

/// <summary><c>vigil bank add --robust</c>: the bank stores crops of its media, which robust queries (and only they) match; exports carry them.</summary>
public class RobustBankTests
{
    private static readonly string Bridge = CliSamples.Known("bridge.jpg");

    private static string Edited(TestDb db, string name, Func<RgbImage, RgbImage> edit) => RobustMatchTests.Framed(db, name, edit);

    [Fact]
    public void Crops_match_a_bank_added_with_robust_only_by_a_robust_query()
    {
        using var db = new TestDb();
        db.Ok("bank", "create", "PLAIN");
        db.Ok("bank", "add", "PLAIN", Bridge);
        db.Ok("bank", "create", "MEDIA");
        Assert.Contains("MEDIA: added 1", db.Ok("bank", "add", "MEDIA", "--robust", Bridge).Output);
        string corner = Edited(db, "corner.png", i => ImageEdits.Crop(i, 0, 0, i.Width - i.Width / 10, i.Height - i.Height / 10));
        string centre = Edited(db, "centre.png", i => ImageEdits.CropFraction(i, 0.05, CropAnchor.Centre));

        Assert.Equal([$"{corner}: no match", $"{centre}: no match"], db.Ok("match", "--dihedral", corner, centre).OutputLines);
        var robust = db.Ok("match", "--robust", "-f", "json", corner, centre).OutputLines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        foreach (var answer in robust)
        {
            // Only the bank holding the crops answers, by one of them.
            var match = Assert.Single(answer.GetProperty("matches").EnumerateArray());
            Assert.Equal(("MEDIA", "pdq_variant"), (match.GetProperty("bank").GetString(), match.GetProperty("signal").GetString()));
            Assert.EndsWith("bank-variant", match.GetProperty("variant").GetString());
            Assert.InRange(match.GetProperty("distance").GetInt32(), 0, 31);
        }
        Assert.Contains("(a crop or masked copy the bank stored, pdq_variant)", db.Ok("match", "--robust", corner).Output);
        // The original still matches by its own hash, in both banks.
        var own = JsonDocument.Parse(db.Ok("match", "--robust", "-f", "json", Bridge).OutputLines[0]).RootElement.GetProperty("matches").EnumerateArray().ToList();
        Assert.Equal([("MEDIA", "pdq", 0), ("PLAIN", "pdq", 0)],
            own.Select(m => (m.GetProperty("bank").GetString()!, m.GetProperty("signal").GetString()!, m.GetProperty("distance").GetInt32())).OrderBy(m => m.Item1));
    }

    [Fact]
    public void The_crops_travel_in_csv_and_te_exports_and_come_back_on_import()
    {
        using var db = new TestDb();
        db.Ok("bank", "create", "MEDIA");
        db.Ok("bank", "add", "MEDIA", "--robust", Bridge);
        string corner = Edited(db, "corner.png", i => ImageEdits.Crop(i, i.Width / 10, 0, i.Width - i.Width / 10, i.Height - i.Height / 10));
        foreach (string format in new[] { "csv", "te" })
        {
            string list = Path.Combine(db.Dir, "list." + format);
            db.Ok("bank", "export", "MEDIA", "-f", format, "-o", list);
            string text = File.ReadAllText(list);
            Assert.Contains(format == "csv" ? ",pdq_variant\n" : "\n#vigil pdq_variant ", text);
            string bank = "COPY_" + format.ToUpperInvariant();
            db.Ok("bank", "create", bank);
            Assert.Contains("invalid lines 0", db.Ok("bank", "import", bank, list).Output);
            var match = JsonDocument.Parse(db.Ok("match", "--robust", "--bank", bank, "-f", "json", corner).OutputLines[0]).RootElement;
            Assert.Equal("pdq_variant", Assert.Single(match.GetProperty("matches").EnumerateArray()).GetProperty("signal").GetString());
        }
    }
}
