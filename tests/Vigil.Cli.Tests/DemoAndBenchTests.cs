using System.Text.RegularExpressions;
using Vigil.Testing;

namespace Vigil.Cli.Tests;

public class DemoAndBenchTests
{
    [Fact]
    public void DemoFindsTheEditedCopiesAndNothingElse()
    {
        var result = CliRunner.Run("demo");
        Assert.Equal(0, result.ExitCode);
        var pairs = result.OutputLines.Where(l => l.Contains(" ~ ")).ToArray();
        // Five versions of the bridge photo: every pair of them matches, nothing else does.
        Assert.Equal(10, pairs.Length);
        Assert.All(pairs, p => Assert.Equal(2, Regex.Matches(p.Split("distance")[0], "bridge").Count));
        Assert.Contains(pairs, p => p.Contains("bridge-rotated.jpg") && p.Contains("rotated"));
        Assert.Contains(pairs, p => p.Contains("bridge-mirrored.webp") && p.Contains("mirrored"));
    }

    [Fact]
    public void DemoReportsAMissingSampleFolder()
    {
        var result = CliRunner.Run("demo", "--samples", "/no/such/folder");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("sample folder not found", result.Error);
    }

    [Fact]
    public void BenchHashReportsThroughputAndStages()
    {
        var result = CliRunner.Run("bench", "hash", "--threads", "1", "--repeat", "2", Fixtures.ThreatExchange("pdq/data/bridge-mods"));
        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"images:\s+24 \(0 failed\)", result.Output);
        Assert.Matches(@"throughput:\s+[0-9.]+ images/s, [0-9.]+ megapixels/s", result.Output);
        foreach (var stage in new[] { "decode", "luma", "filter", "dct" })
            Assert.Matches($@"\n\s+{stage}\s+[0-9.]+ ms", result.Output);
    }

    [Fact]
    public void HashingA12MegapixelJpegStaysUnder150MegabytesResident()
    {
        string large = Fixtures.ThreatExchange("pdq/data/reg-test-input/exif-rotn/exif-rotn-6.jpg"); // 4032x3024
        var result = CliRunner.RunProcess("bench", "hash", "--threads", "1", large);
        Assert.Equal(0, result.ExitCode);
        var match = Regex.Match(result.Output, @"peak memory:\s+([0-9.]+) MB");
        Assert.True(match.Success, result.Output + result.Error);
        double megabytes = double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(megabytes < 150, $"peak resident memory {megabytes} MB");
    }
}
