using System.Security.Cryptography;
using System.Text.Json;
using Vigil.Testing;

namespace Vigil.Cli.Tests;

/// <summary>The `vigil hash` contract: formats, order, errors and exit codes.</summary>
public class HashCommandTests
{
    private static readonly string Bridge = Fixtures.ThreatExchange("pdq/data/bridge-mods/aaa-orig.jpg");
    private static readonly string Wee = Fixtures.ThreatExchange("pdq/data/misc-images/wee.jpg");
    private static readonly string BridgeMods = Fixtures.ThreatExchange("pdq/data/bridge-mods");
    private const string BridgePdq = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";

    [Fact]
    public void TextFormatIsHexQualityPath()
    {
        var result = CliRunner.Run("hash", Bridge);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal($"{BridgePdq} 100 {Bridge}", result.OutputLines.Single());
        Assert.Equal("", result.Error);
    }

    [Fact]
    public void CsvHasTheContractHeaderAndDihedralColumns()
    {
        var plain = CliRunner.Run("hash", "--format", "csv", Bridge, Wee);
        Assert.Equal(0, plain.ExitCode);
        Assert.Equal("path,pdq,quality", plain.OutputLines[0]);
        Assert.Equal($"{Bridge},{BridgePdq},100", plain.OutputLines[1]);
        Assert.Equal(3, plain.OutputLines.Length);

        var dihedral = CliRunner.Run("hash", "--format", "csv", "--dihedral", Bridge);
        Assert.Equal("path,pdq,quality,rotate90,rotate180,rotate270,flipx,flipy,flipplus1,flipminus1", dihedral.OutputLines[0]);
        var expected = Fixtures.ReadCsv(Fixtures.ThreatExchange("expected-pdq.csv")).Single(r => r["path"] == "pdq/data/bridge-mods/aaa-orig.jpg");
        var fields = dihedral.OutputLines[1].Split(',');
        Assert.Equal([Bridge, expected["pdq"], "100", expected["rotate90"], expected["rotate180"], expected["rotate270"],
            expected["flipx"], expected["flipy"], expected["flipplus1"], expected["flipminus1"]], fields);
    }

    [Fact]
    public void JsonIsOneObjectPerLine()
    {
        var result = CliRunner.Run("hash", "--format", "json", "--dihedral", Bridge, Wee);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(2, result.OutputLines.Length);
        using var doc = JsonDocument.Parse(result.OutputLines[0]);
        Assert.Equal(Bridge, doc.RootElement.GetProperty("path").GetString());
        Assert.Equal(BridgePdq, doc.RootElement.GetProperty("pdq").GetString());
        Assert.Equal(100, doc.RootElement.GetProperty("quality").GetInt32());
        Assert.Equal(64, doc.RootElement.GetProperty("flipminus1").GetString()!.Length);
        Assert.Equal(1600, doc.RootElement.GetProperty("width").GetInt32());
    }

    [Fact]
    public void DirectoriesAreRecursedSortedAndOutputKeepsInputOrderWhateverTheThreads()
    {
        var one = CliRunner.Run("hash", "--threads", "1", Wee, BridgeMods, Bridge);
        var two = CliRunner.Run("hash", "--threads", "2", Wee, BridgeMods, Bridge);
        Assert.Equal(0, one.ExitCode);
        Assert.Equal(one.Output, two.Output);
        var paths = one.OutputLines.Select(l => l.Split(' ', 3)[2]).ToArray();
        var modFiles = Directory.GetFiles(BridgeMods, "*.jpg").Order(StringComparer.Ordinal).ToArray();
        Assert.Equal([Wee, .. modFiles, Bridge], paths);
    }

    [Fact]
    public void DirectoriesContributeOnlyImagesButNamedFilesAlwaysCount()
    {
        using var dir = new TempDirectory();
        File.Copy(Wee, dir.File("b.jpg"));
        File.WriteAllText(dir.File("notes.txt"), "not an image");
        File.Copy(Wee, dir.File("sub/a.JPG"));
        var result = CliRunner.Run("hash", dir.Path);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal([dir.File("b.jpg"), dir.File("sub/a.JPG")], result.OutputLines.Select(l => l.Split(' ', 3)[2]));

        var named = CliRunner.Run("hash", dir.File("notes.txt"));
        Assert.Equal(1, named.ExitCode);
        Assert.Contains("notes.txt: not a recognised image format", named.Error);
    }

    [Fact]
    public void ADirectoryWithoutImagesIsReportedNotSilentlySkipped()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("notes.txt"), "not an image");
        var result = CliRunner.Run("hash", dir.Path, Wee);
        Assert.Equal(0, result.ExitCode);
        Assert.Single(result.OutputLines);
        Assert.Equal($"warning: {dir.Path}: no image files found", result.Error.Trim());
    }

    [Fact]
    public void AFailingFileIsReportedAndTheOthersGoOnWithExitCodeOne()
    {
        using var dir = new TempDirectory();
        string empty = dir.File("empty.jpg");
        File.WriteAllBytes(empty, []);
        string truncated = dir.File("truncated.jpg");
        File.WriteAllBytes(truncated, File.ReadAllBytes(Bridge)[..50_000]);
        string missing = dir.File("missing.png");
        foreach (var threads in new[] { "1", "2" })
        {
            var result = CliRunner.Run("hash", "--threads", threads, Wee, empty, truncated, missing, Bridge);
            Assert.Equal(1, result.ExitCode);
            Assert.Equal(2, result.OutputLines.Length);
            Assert.EndsWith(Wee, result.OutputLines[0]);
            Assert.EndsWith(Bridge, result.OutputLines[1]);
            var errors = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(3, errors.Length);
            Assert.StartsWith($"error: {empty}: ", errors[0]);
            Assert.Contains("empty", errors[0]);
            Assert.StartsWith($"error: {truncated}: ", errors[1]);
            Assert.Contains("truncated", errors[1], StringComparison.OrdinalIgnoreCase);
            Assert.Equal($"error: {missing}: no such file or directory", errors[2]);
        }
    }

    [Theory]
    [InlineData("hash")]
    [InlineData("hash", "--format", "xml", "a.jpg")]
    [InlineData("hash", "--algorithm", "sha1", "a.jpg")]
    [InlineData("hash", "--threads", "0", "a.jpg")]
    [InlineData("hash", "--threads", "many", "a.jpg")]
    [InlineData("hash", "--algorithm", "md5", "--dihedral", "a.jpg")]
    [InlineData("hash", "--no-such-option", "a.jpg")]
    [InlineData("hash", "--max-megapixels", "-1", "a.jpg")]
    [InlineData("frobnicate")]
    public void UsageErrorsExitWithTwo(params string[] args)
    {
        var result = CliRunner.Run(args);
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: ", result.Error);
        Assert.Equal("", result.Output);
    }

    [Theory]
    [InlineData("md5")]
    [InlineData("sha256")]
    public void ExactHashesMatchDotnetsOwn(string algorithm)
    {
        byte[] bytes = File.ReadAllBytes(Bridge);
        string expected = algorithm == "md5" ? Convert.ToHexStringLower(MD5.HashData(bytes)) : Convert.ToHexStringLower(SHA256.HashData(bytes));
        var text = CliRunner.Run("hash", "--algorithm", algorithm, Bridge);
        Assert.Equal($"{expected} {Bridge}", text.OutputLines.Single());
        var csv = CliRunner.Run("hash", "-a", algorithm, "--format", "csv", Bridge);
        Assert.Equal(["path," + algorithm, $"{Bridge},{expected}"], csv.OutputLines);
    }

    [Fact]
    public void MaxMegapixelsRefusesLargeImages()
    {
        var result = CliRunner.Run("hash", "--max-megapixels", "1", Wee, Bridge);
        Assert.Equal(1, result.ExitCode);
        Assert.Single(result.OutputLines);
        Assert.Contains($"error: {Bridge}: ", result.Error);
        Assert.Contains("megapixel", result.Error);
    }

    [Fact]
    public void AutoOrientAppliesExifRotationOnlyWhenAsked()
    {
        string rotated = Fixtures.ThreatExchange("pdq/data/reg-test-input/exif-rotn/exif-rotn-6.jpg");
        var expected = Fixtures.ReadCsv(Fixtures.ThreatExchange("expected-pdq.csv"))
            .Single(r => r["path"] == "pdq/data/reg-test-input/exif-rotn/exif-rotn-6.jpg");
        var raw = CliRunner.Run("hash", "--format", "json", "--dihedral", rotated);
        using var rawJson = JsonDocument.Parse(raw.OutputLines.Single());
        Assert.Equal(expected["pdq"], rawJson.RootElement.GetProperty("pdq").GetString());
        Assert.Equal(4032, rawJson.RootElement.GetProperty("width").GetInt32());

        var oriented = CliRunner.Run("hash", "--format", "json", "--auto-orient", rotated);
        using var orientedJson = JsonDocument.Parse(oriented.OutputLines.Single());
        Assert.Equal(3024, orientedJson.RootElement.GetProperty("width").GetInt32());
        var orientedHash = Vigil.Hashing.Pdq.PdqHash.Parse(orientedJson.RootElement.GetProperty("pdq").GetString());
        // Orientation 6 displays the stored pixels turned 90 degrees clockwise: the upright hash is
        // close to one of the stored image's rotation variants and far from its plain hash.
        var rawPlain = Vigil.Hashing.Pdq.PdqHash.Parse(expected["pdq"]);
        int toRotation = new[] { "rotate90", "rotate270" }.Min(c => Vigil.Hashing.Pdq.PdqHash.Distance(Vigil.Hashing.Pdq.PdqHash.Parse(expected[c]), orientedHash));
        Assert.True(toRotation <= 16, $"upright hash is {toRotation} bits from the nearest rotation variant");
        Assert.True(Vigil.Hashing.Pdq.PdqHash.Distance(rawPlain, orientedHash) > 31);
    }
}
