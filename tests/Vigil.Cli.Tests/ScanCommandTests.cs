using System.Text.Json;

namespace Vigil.Cli.Tests;

/// <summary>The `vigil scan` contract: exit codes, summary, reports.</summary>
public class ScanCommandTests
{
    /// <summary>A bank of bridge.jpg and a directory to scan: an edited copy of the bridge, a rotated one in a subfolder, an unrelated scene and a text file.</summary>
    private static TestDb Setup(out string dir, bool withMatch = true)
    {
        var db = new TestDb();
        db.Ok("bank", "create", "KNOWN");
        db.Ok("bank", "add", "KNOWN", CliSamples.Known("bridge.jpg"));
        dir = Path.Combine(db.Dir, "scan");
        if (withMatch)
            db.CopyFile(CliSamples.Upload("bridge-brighter.jpg"), "scan/bridge-brighter.jpg");
        db.CopyFile(CliSamples.Upload("bridge-rotated.jpg"), "scan/sub/bridge-rotated.jpg");
        db.CopyFile(CliSamples.Upload("scene-q0122.jpg"), "scan/scene-q0122.jpg");
        db.WriteFile("scan/notes.txt", "not an image; scan takes image extensions only");
        return db;
    }

    [Fact]
    public void ScanPrintsMatchesAndASummaryAndExits0()
    {
        using var db = Setup(out string dir);
        var result = db.Ok("scan", dir);
        Assert.Contains("bridge-brighter.jpg: MATCH KNOWN content ", result.Output);
        // Matches are printed relative to the scanned directory.
        Assert.StartsWith("bridge-brighter.jpg: MATCH", result.OutputLines[0]);
        string summary = result.OutputLines.Single(l => l.StartsWith("scanned ", StringComparison.Ordinal));
        Assert.StartsWith("scanned 3 images in ", summary);
        Assert.Contains(": 1 matched (1 matches), 2 no match, 0 suppressed by negative banks, 0 below quality 50, 0 failed", summary);
        Assert.Contains("scanning 3 images under", result.Error);
    }

    [Fact]
    public void Scan_with_a_bank_counts_that_banks_hashes_not_every_banks()
    {
        using var db = Setup(out string dir);
        db.Ok("bank", "create", "OTHER");
        db.Ok("bank", "add", "OTHER", CliSamples.Upload("scene-q0122.jpg"), CliSamples.Known("bridge.jpg"));
        Assert.Contains("against 3 hashes in 2 bank(s)", db.Ok("scan", dir).Error);
        Assert.Contains("against 1 hashes in 1 bank(s)", db.Ok("scan", "--bank", "KNOWN", dir).Error);
        Assert.Contains("against 2 hashes in 1 bank(s)", db.Ok("scan", "--bank", "OTHER", dir).Error);
    }

    [Fact]
    public void FailOnMatchExits3WhenSomethingMatched()
    {
        using var db = Setup(out string dir);
        var result = db.Run("scan", "--fail-on-match", dir);
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("1 matched", result.Output);
    }

    [Fact]
    public void FailOnMatchExits0WhenNothingMatched()
    {
        using var db = Setup(out string dir, withMatch: false);
        var result = db.Run("scan", "--fail-on-match", dir);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("0 matched", result.Output);

        // With --dihedral the rotated copy in the subfolder matches.
        var dihedral = db.Run("scan", "--fail-on-match", "--dihedral", dir);
        Assert.Equal(3, dihedral.ExitCode);
        Assert.Contains(Path.Combine("sub", "bridge-rotated.jpg") + ": MATCH KNOWN", dihedral.Output);
    }

    [Fact]
    public void ACorruptFileExits1AndIsReported()
    {
        using var db = Setup(out string dir, withMatch: false);
        File.WriteAllBytes(Path.Combine(dir, "corrupt.jpg"), File.ReadAllBytes(CliSamples.Known("bridge.jpg"))[..2000]);
        File.WriteAllText(Path.Combine(dir, "garbage.jpg"), "not a jpeg at all");
        var result = db.Run("scan", dir);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("corrupt.jpg: error: ", result.Output);
        Assert.Contains("garbage.jpg: error: ", result.Output);
        Assert.Contains(", 2 failed", result.Output);
        Assert.Contains("scanned 4 images", result.Output);

        // --fail-on-match without a match: still 1.
        Assert.Equal(1, db.Run("scan", "--fail-on-match", dir).ExitCode);
        // A match wins over a failure with --fail-on-match ...
        db.CopyFile(CliSamples.Upload("bridge-brighter.jpg"), "scan/bridge-brighter.jpg");
        Assert.Equal(3, db.Run("scan", "--fail-on-match", dir).ExitCode);
        // ... and without it the failure decides.
        Assert.Equal(1, db.Run("scan", dir).ExitCode);
    }

    [Fact]
    public void JsonReportListsEveryFileWithItsStatus()
    {
        using var db = Setup(out string dir);
        File.WriteAllText(Path.Combine(dir, "garbage.jpg"), "not a jpeg at all");
        string report = Path.Combine(db.Dir, "out", "report.json");
        Directory.CreateDirectory(Path.GetDirectoryName(report)!);
        var result = db.Run("scan", "--report", report, dir);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"report: {report}", result.Output);
        Assert.False(File.Exists(report + ".tmp"));

        using var doc = JsonDocument.Parse(File.ReadAllText(report));
        var root = doc.RootElement;
        Assert.Equal(Path.GetFullPath(dir), root.GetProperty("root").GetString());
        Assert.Equal(4, root.GetProperty("files").GetInt32());
        Assert.Equal(1, root.GetProperty("matched").GetInt32());
        Assert.Equal(1, root.GetProperty("failed").GetInt32());
        var statuses = root.GetProperty("results").EnumerateArray()
            .ToDictionary(r => Path.GetRelativePath(dir, r.GetProperty("query").GetString()!), r => r.GetProperty("status").GetString());
        Assert.Equal(new Dictionary<string, string?>
        {
            ["bridge-brighter.jpg"] = "matched",
            ["garbage.jpg"] = "failed",
            ["scene-q0122.jpg"] = "no_match",
            [Path.Combine("sub", "bridge-rotated.jpg")] = "no_match",
        }, statuses);
        var matched = root.GetProperty("results").EnumerateArray().Single(r => r.GetProperty("status").GetString() == "matched");
        Assert.Equal("KNOWN", Assert.Single(matched.GetProperty("matches").EnumerateArray()).GetProperty("bank").GetString());
        Assert.Equal(64, matched.GetProperty("pdq").GetString()!.Length);
        var failed = root.GetProperty("results").EnumerateArray().Single(r => r.GetProperty("status").GetString() == "failed");
        Assert.False(string.IsNullOrEmpty(failed.GetProperty("error").GetString()));
    }

    [Fact]
    public void CsvReportHasTheHeaderAndARowPerFile()
    {
        using var db = Setup(out string dir);
        string report = Path.Combine(db.Dir, "report.csv");
        db.Ok("scan", "-o", report, "--dihedral", dir);
        var lines = File.ReadAllLines(report);
        Assert.Equal("path,status,pdq,quality,bank,content_id,distance,label", lines[0]);
        Assert.Equal(4, lines.Length);
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToDictionary(f => Path.GetRelativePath(dir, f[0]));
        Assert.All(rows.Values, f => Assert.Equal(8, f.Length));
        Assert.Equal("matched", rows["bridge-brighter.jpg"][1]);
        Assert.Equal("KNOWN", rows["bridge-brighter.jpg"][4]);
        Assert.Equal("matched", rows[Path.Combine("sub", "bridge-rotated.jpg")][1]);
        Assert.Equal("0", rows[Path.Combine("sub", "bridge-rotated.jpg")][6]);
        Assert.Equal("no_match", rows["scene-q0122.jpg"][1]);
        Assert.Equal("100", rows["scene-q0122.jpg"][3]);
        Assert.Equal("", rows["scene-q0122.jpg"][4]);
    }

    [Theory]
    [InlineData("report.txt")]
    [InlineData("report")]
    public void AReportThatIsNotJsonOrCsvIsAUsageError(string name)
    {
        using var db = Setup(out string dir);
        string report = Path.Combine(db.Dir, name);
        var result = db.Run("scan", "--report", report, dir);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--report must name a .json or .csv file", result.Error);
        Assert.False(File.Exists(report));
        Assert.Equal("", result.Output);
    }

    [Fact]
    public void LowQualityAndSuppressedFilesAreCountedInTheSummary()
    {
        using var db = Setup(out string dir);
        db.Ok("bank", "create", "SAFE", "--negative");
        db.Ok("bank", "add", "SAFE", CliSamples.Upload("scene-q0122.jpg"));
        db.Ok("bank", "add", "KNOWN", CliSamples.Upload("scene-q0122.jpg"));
        db.CopyFile(CliSamples.LowQualityImage, "scan/small.jpg");
        var result = db.Run("scan", "--fail-on-match", dir);
        Assert.Equal(3, result.ExitCode);
        Assert.Contains(": 1 matched (1 matches), 1 no match, 1 suppressed by negative banks, 1 below quality 50, 0 failed", result.Output);
    }

    [Fact]
    public void MissingDirectoryIsAUsageError()
    {
        using var db = new TestDb();
        Assert.Equal(2, db.Run("scan", Path.Combine(db.Dir, "nope")).ExitCode);
    }
}
