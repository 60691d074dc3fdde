using System.Text.Json;
using Vigil.Testing;

namespace Vigil.Cli.Tests;

/// <summary>
/// A JPEG whose entropy-coded data is corrupt (markers intact) decodes with a libjpeg-turbo warning: hash, match and
/// scan say so on stderr (json: a "warnings" array, present only when there are warnings), and bank add refuses it
/// unless --allow-damaged.
/// </summary>
public sealed class DamagedImageTests : IDisposable
{
    private static readonly string Bridge = Fixtures.ThreatExchange("pdq/data/bridge-mods/aaa-orig.jpg");
    private readonly TestDb _db = new();
    private readonly string _damaged;

    public DamagedImageTests()
    {
        _damaged = Path.Combine(_db.Dir, "images", "damaged.jpg");
        Directory.CreateDirectory(Path.GetDirectoryName(_damaged)!);
        File.WriteAllBytes(_damaged, DamagedJpeg.CorruptEntropyData(File.ReadAllBytes(Bridge)));
    }

    private static string WarningLine(string path, string error)
    {
        var line = error.Split('\n').Single(l => l.StartsWith($"warning: {path}: ", StringComparison.Ordinal));
        Assert.StartsWith($"warning: {path}: Corrupt JPEG data", line);
        return line;
    }

    [Fact]
    public void HashPrintsTheDecoderWarningOnStderrAndStillHashes()
    {
        var result = CliRunner.Run("hash", _damaged, Bridge);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(2, result.OutputLines.Length);
        Assert.EndsWith(" " + _damaged, result.OutputLines[0]);
        WarningLine(_damaged, result.Error);
        Assert.DoesNotContain(Bridge, result.Error);
    }

    [Fact]
    public void HashJsonHasAWarningsArrayOnlyWhenThereAreWarnings()
    {
        var result = CliRunner.Run("hash", "--format", "json", _damaged, Bridge);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Error);
        using var damaged = JsonDocument.Parse(result.OutputLines[0]);
        var warnings = damaged.RootElement.GetProperty("warnings").EnumerateArray().Select(w => w.GetString()!).ToList();
        Assert.StartsWith("Corrupt JPEG data", Assert.Single(warnings));
        using var clean = JsonDocument.Parse(result.OutputLines[1]);
        Assert.False(clean.RootElement.TryGetProperty("warnings", out _));
    }

    [Fact]
    public void BankAddRefusesDamagedMediaUnlessAllowed()
    {
        _db.Ok("bank", "create", "KNOWN");
        var refused = _db.Run("bank", "add", "KNOWN", _damaged, Bridge);
        Assert.Equal(1, refused.ExitCode);
        var line = refused.Error.Split('\n').Single(l => l.StartsWith("error: " + _damaged, StringComparison.Ordinal));
        Assert.Contains("damaged image, not added (Corrupt JPEG data", line);
        Assert.Contains("--allow-damaged", line);
        Assert.Contains("KNOWN: added 1, already present 0, failed 1", refused.Output);
        Assert.Equal(1, _db.ContentCount("KNOWN"));

        // Only the clean file went in: the damaged one's hash is not in the bank.
        string damagedPdq = CliRunner.Run("hash", _damaged).OutputLines[0].Split(' ')[0];
        Assert.Equal(0, _db.Ok("match", "--hash", damagedPdq, "--max-distance", "0").OutputLines.Count(l => l.Contains("MATCH")));

        var allowed = _db.Ok("bank", "add", "KNOWN", "--allow-damaged", _damaged);
        WarningLine(_damaged, allowed.Error);
        Assert.Contains("KNOWN: added 1, already present 0, failed 0", allowed.Output);
        Assert.Equal(2, _db.ContentCount("KNOWN"));
        var export = _db.Ok("bank", "export", "KNOWN");
        Assert.Contains("decoder_warnings", export.Output);
    }

    [Fact]
    public void MatchAndScanPrintTheWarning()
    {
        _db.Ok("bank", "create", "KNOWN");
        _db.Ok("bank", "add", "KNOWN", Bridge);

        var match = _db.Run("match", _damaged);
        Assert.Equal(0, match.ExitCode);
        WarningLine(_damaged, match.Error);

        var json = _db.Run("match", "--format", "json", _damaged);
        using var doc = JsonDocument.Parse(json.OutputLines.Single());
        Assert.StartsWith("Corrupt JPEG data", doc.RootElement.GetProperty("warnings")[0].GetString());

        var scan = _db.Run("scan", Path.GetDirectoryName(_damaged)!);
        Assert.Equal(0, scan.ExitCode);
        WarningLine("damaged.jpg", scan.Error);
    }

    public void Dispose() => _db.Dispose();
}
