using System.Text.Json;
using Vigil.Testing;

namespace Vigil.Cli.Tests;

/// <summary>
/// <c>--compat pytx</c> reproduces python-threatexchange, which skips the RGB conversion: every row of
/// expected-pdq.csv that has a pytx_quirk_pdq gets exactly that hash with the flag and the reference hash
/// without it; every other row gets the reference hash either way.
/// </summary>
public sealed class PytxCompatTests : IDisposable
{
    private readonly TestDb _db = new();

    private static IReadOnlyList<Dictionary<string, string>> Rows() => Fixtures.ReadCsv(Fixtures.ThreatExchange("expected-pdq.csv"));

    private static Dictionary<string, (string Pdq, int Quality)> HashAll(params string[] flags)
    {
        var rows = Rows();
        var result = CliRunner.Run(["hash", "--format", "csv", .. flags, .. rows.Select(r => Fixtures.ThreatExchange(r["path"]))]);
        Assert.True(result.ExitCode == 0, result.Error);
        return result.OutputLines.Skip(1).Select(l => l.Split(','))
            .ToDictionary(f => f[0], f => (f[1], int.Parse(f[2])));
    }

    [Fact]
    public void TheFixturesHaveQuirkRowsForCmykPaletteAndSixteenBitGrey()
    {
        var quirks = Rows().Where(r => r["pytx_quirk_pdq"].Length > 0).Select(r => r["source_mode"]).Order().ToList();
        Assert.Equal(["CMYK", "I", "P"], quirks);
    }

    [Fact]
    public void EveryQuirkRowHashesAsPytxWithTheFlagAndAsTheReferenceWithout()
    {
        var pytx = HashAll("--compat", "pytx");
        var reference = HashAll();
        var explicitReference = HashAll("--compat", "reference");
        var failures = new List<string>();
        foreach (var row in Rows())
        {
            string path = Fixtures.ThreatExchange(row["path"]);
            string quirk = row["pytx_quirk_pdq"];
            string expectedPytx = quirk.Length > 0 ? quirk : row["pdq"];
            if (pytx[path].Pdq != expectedPytx)
                failures.Add($"{row["path"]} ({row["source_mode"]}) --compat pytx: {pytx[path].Pdq}, expected {expectedPytx}");
            if (reference[path].Pdq != row["pdq"])
                failures.Add($"{row["path"]} ({row["source_mode"]}) default: {reference[path].Pdq}, expected {row["pdq"]}");
            if (explicitReference[path] != reference[path])
                failures.Add($"{row["path"]} --compat reference differs from the default");
            if (quirk.Length == 0 && row["source_mode"] != "1" && pytx[path].Quality != int.Parse(row["quality"]))
                failures.Add($"{row["path"]} --compat pytx: quality {pytx[path].Quality}, expected {row["quality"]}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>
    /// Pillow's array of a 1-bit image holds 0 and 1, so pytx's luma is 0..1: the same hash as the reference's (the
    /// row has no quirk), but quality 0, since PDQ's quality counts gradients in 0..255 steps.
    /// </summary>
    [Fact]
    public void OneBitImagesKeepTheirHashButPytxQualityIsZero()
    {
        var row = Rows().Single(r => r["source_mode"] == "1");
        var result = CliRunner.Run("hash", "--compat", "pytx", Fixtures.ThreatExchange(row["path"]));
        Assert.Equal($"{row["pdq"]} 0 {Fixtures.ThreatExchange(row["path"])}", result.OutputLines.Single());
    }

    [Fact]
    public void DihedralVariantsFollowTheCompatPipeline()
    {
        var row = Rows().Single(r => r["source_mode"] == "I");
        string path = Fixtures.ThreatExchange(row["path"]);
        var result = CliRunner.Run("hash", "--compat", "pytx", "--dihedral", "--format", "json", path);
        using var doc = JsonDocument.Parse(result.OutputLines.Single());
        Assert.Equal(row["pytx_quirk_pdq"], doc.RootElement.GetProperty("pdq").GetString());
        Assert.NotEqual(row["rotate90"], doc.RootElement.GetProperty("rotate90").GetString());
    }

    [Fact]
    public void MatchAndBankAddUseTheSamePipeline()
    {
        var row = Rows().Single(r => r["source_mode"] == "P");
        string path = Fixtures.ThreatExchange(row["path"]);
        _db.Ok("bank", "create", "PYTX");
        _db.Ok("bank", "create", "REF");
        _db.Ok("bank", "add", "PYTX", "--compat", "pytx", path);
        _db.Ok("bank", "add", "REF", path);
        var export = _db.Ok("bank", "export", "PYTX", "--format", "te");
        Assert.Contains("pdq " + row["pytx_quirk_pdq"], export.Output);
        Assert.Contains("pdq " + row["pdq"], _db.Ok("bank", "export", "REF", "--format", "te").Output);

        // The two PDQs are far apart, so each pipeline's query finds only its own bank's hash by PDQ.
        var pytx = _db.Ok("match", "--compat", "pytx", "--format", "json", path);
        var pdqBanks = PdqMatchBanks(pytx.OutputLines.Single());
        Assert.Equal(["PYTX"], pdqBanks);
        var reference = _db.Ok("match", "--format", "json", path);
        Assert.Equal(["REF"], PdqMatchBanks(reference.OutputLines.Single()));
    }

    private static List<string> PdqMatchBanks(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.GetProperty("matches").EnumerateArray()
            .Where(m => m.GetProperty("signal").GetString() == "pdq")
            .Select(m => m.GetProperty("bank").GetString()!).Order().ToList();
    }

    [Fact]
    public void CompatPytxWithAutoOrientIsAUsageError()
    {
        var result = CliRunner.Run("hash", "--compat", "pytx", "--auto-orient", Fixtures.ThreatExchange("pytx/rgb.jpeg"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("never applies EXIF orientation", result.Error);
        var bad = CliRunner.Run("hash", "--compat", "hma", Fixtures.ThreatExchange("pytx/rgb.jpeg"));
        Assert.Equal(2, bad.ExitCode);
        var md5 = CliRunner.Run("hash", "--compat", "pytx", "--algorithm", "md5", Fixtures.ThreatExchange("pytx/rgb.jpeg"));
        Assert.Equal(2, md5.ExitCode);
        Assert.Contains("--compat applies to --algorithm pdq only", md5.Error);
        // serve takes the same option (and refuses a bad value before starting).
        Assert.Equal(2, CliRunner.Run("serve", "--compat", "hma").ExitCode);
        Assert.Contains("--compat", CliRunner.Run("serve", "--help").Output);
    }

    public void Dispose() => _db.Dispose();
}
