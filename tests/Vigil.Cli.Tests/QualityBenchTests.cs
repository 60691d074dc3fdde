using System.Text.Json;
using Vigil.Media;
using Vigil.Testing;

namespace Vigil.Cli.Tests;

/// <summary><c>vigil bench quality</c> on a few fixture photos: real recall figures per mode, impostor pairs counted, a plot drawn, bad input refused.</summary>
public class QualityBenchTests
{
    private static string PhotoDir(TempDirectory dir)
    {
        string[] photos = ["bridge-mods/aaa-orig.jpg", "reg-test-input/labelme-subset/q0122.jpg", "reg-test-input/labelme-subset/q2821.jpg", "reg-test-input/labelme-subset/q0746.jpg"];
        string folder = dir.File("photos");
        Directory.CreateDirectory(folder);
        foreach (string photo in photos)
            File.Copy(Fixtures.ThreatExchange("pdq/data/" + photo), Path.Combine(folder, Path.GetFileName(photo)));
        return folder;
    }

    [Fact]
    public void Json_gives_recall_per_transform_and_mode_and_counts_every_impostor_pair()
    {
        using var dir = new TempDirectory();
        string photos = PhotoDir(dir), plot = dir.File("recall.png");
        var result = CliRunner.Run("bench", "quality", "--transforms", "jpeg-q70,letterbox,greyscale", "--format", "json", "--max-side", "512", "--plot", plot, photos);
        Assert.True(result.ExitCode == 0, result.Error);
        var report = JsonDocument.Parse(result.Output).RootElement;
        Assert.Equal(4, report.GetProperty("images").GetInt32());
        Assert.Equal(["jpeg-q70", "letterbox", "greyscale"], report.GetProperty("transforms").EnumerateArray().Select(t => t.GetProperty("name").GetString()));
        var modes = report.GetProperty("modes").EnumerateArray().ToDictionary(m => m.GetProperty("mode").GetString()!);
        Assert.Equal(["pdq", "dihedral", "robust-list", "robust"], modes.Keys);

        double Recall(string mode, string transform) =>
            modes[mode].GetProperty("transforms").EnumerateArray().Single(t => t.GetProperty("transform").GetString() == transform).GetProperty("recall").GetDouble();
        // Re-encoded and greyscale copies are found every way; letterboxed ones only robustly.
        foreach (string mode in modes.Keys)
        {
            Assert.Equal(1.0, Recall(mode, "jpeg-q70"));
            Assert.Equal(1.0, Recall(mode, "greyscale"));
        }
        Assert.Equal(0.0, Recall("pdq", "letterbox"));
        Assert.Equal(0.0, Recall("dihedral", "letterbox"));
        Assert.Equal(1.0, Recall("robust-list", "letterbox"));
        Assert.Equal(1.0, Recall("robust", "letterbox"));
        Assert.Equal(2.0 / 3, modes["dihedral"].GetProperty("overall_recall").GetDouble(), 6);

        foreach (var mode in modes.Values)
        {
            // 4 images x 3 copies, each against the 3 originals it was not made from.
            var impostors = mode.GetProperty("impostors");
            Assert.Equal(36, impostors.GetProperty("pairs").GetInt64());
            Assert.Equal(36, impostors.GetProperty("histogram").EnumerateArray().Take(256).Sum(h => h.GetInt64()));
            Assert.Equal(0, impostors.GetProperty("matches").GetInt64());
            Assert.Equal(JsonValueKind.Null, impostors.GetProperty("threshold_fmr_1e-3").ValueKind); // 36 pairs cannot tell 1e-3
            foreach (var t in mode.GetProperty("transforms").EnumerateArray())
                Assert.Equal(4, t.GetProperty("histogram").EnumerateArray().Sum(h => h.GetInt32()));
        }

        using var decoder = new ImageDecoder();
        using var chart = decoder.DecodeFile(plot);
        Assert.Equal((1400, 600), (chart.Width, chart.Height));
    }

    [Fact]
    public void Text_shows_a_row_per_transform_and_the_overall_line()
    {
        using var dir = new TempDirectory();
        var result = CliRunner.Run("bench", "quality", "--transforms", "jpeg-q70,letterbox", "--modes", "pdq,dihedral", "--max-side", "256", PhotoDir(dir));
        Assert.True(result.ExitCode == 0, result.Error);
        var lines = result.OutputLines;
        Assert.StartsWith("vigil bench quality: 4 images x 2 transforms; a match is distance <= 31", lines[0]);
        Assert.Contains("transform            pdq  dihedral  low-quality", lines);
        Assert.Contains("jpeg-q70            100%      100%           0%", lines);
        Assert.Contains("letterbox             0%        0%           0%", lines);
        Assert.Contains("overall (mean)       50%       50%", lines);
        Assert.Contains(lines, l => l.StartsWith("overall (mean)", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("impostor pairs", StringComparison.Ordinal) && l.Contains(" 24 per mode", StringComparison.Ordinal));
    }

    [Fact]
    public void A_robust_modes_extras_can_be_given_their_own_distance()
    {
        using var dir = new TempDirectory();
        var result = CliRunner.Run("bench", "quality", "--transforms", "letterbox,caption", "--modes", "robust-list,robust-list@31,robust-list@0", "--format", "json", "--max-side", "256", PhotoDir(dir));
        Assert.True(result.ExitCode == 0, result.Error);
        var modes = JsonDocument.Parse(result.Output).RootElement.GetProperty("modes").EnumerateArray().ToDictionary(m => m.GetProperty("mode").GetString()!);
        Assert.Equal(["robust-list", "robust-list@31", "robust-list@0"], modes.Keys);
        double Recall(string mode, int transform) => modes[mode].GetProperty("transforms")[transform].GetProperty("recall").GetDouble();
        // A trimmed letterbox is the picture itself (found at any distance for extras); a masked caption band is only near it,
        // so the stricter the extras' distance, the fewer captioned copies are found.
        Assert.All(modes.Keys, m => Assert.Equal(1.0, Recall(m, 0)));
        Assert.Equal(1.0, Recall("robust-list@31", 1));
        Assert.True(Recall("robust-list@0", 1) < 1.0);
        Assert.InRange(Recall("robust-list", 1), Recall("robust-list@0", 1), Recall("robust-list@31", 1));
        Assert.Contains("within 0", modes["robust-list@0"].GetProperty("description").GetString());
    }

    [Fact]
    public void Bad_input_is_a_clear_error()
    {
        using var dir = new TempDirectory();
        string photos = PhotoDir(dir);
        Assert.Contains("unknown transform 'sepia'", CliRunner.Run("bench", "quality", "--transforms", "sepia", photos).Error);
        Assert.Contains("unknown mode 'fuzzy'", CliRunner.Run("bench", "quality", "--modes", "fuzzy", photos).Error);
        Assert.Contains("'pdq@3' is not MODE@DISTANCE with a robust mode", CliRunner.Run("bench", "quality", "--modes", "pdq@3", photos).Error);
        Assert.Contains("'robust@x' is not MODE@DISTANCE", CliRunner.Run("bench", "quality", "--modes", "robust@x", photos).Error);
        Assert.Contains("need at least 2 images", CliRunner.Run("bench", "quality", Path.Combine(photos, "q0122.jpg")).Error);
        Assert.Contains("no such file or directory", CliRunner.Run("bench", "quality", dir.File("missing")).Error);
        Assert.Contains("--max-side must be at least 64", CliRunner.Run("bench", "quality", "--max-side", "10", photos).Error);
        File.WriteAllText(Path.Combine(photos, "broken.jpg"), "not an image");
        var withBroken = CliRunner.Run("bench", "quality", "--transforms", "mirror", "--format", "json", photos);
        Assert.Equal(0, withBroken.ExitCode);
        var failed = JsonDocument.Parse(withBroken.Output).RootElement.GetProperty("failed");
        Assert.Contains("broken.jpg", Assert.Single(failed.EnumerateArray()).GetString());
    }
}
