using System.Text.Json;
using Vigil.Testing;

namespace Vigil.Cli.Tests;

/// <summary>The `vigil match` contract: output formats, dihedral, quality, bank selection, negative banks, errors.</summary>
public class MatchCommandTests
{
    private static readonly string Bridge = CliSamples.Known("bridge.jpg");
    private static readonly string Brighter = CliSamples.Upload("bridge-brighter.jpg");
    private static readonly string Rotated = CliSamples.Upload("bridge-rotated.jpg");
    private static readonly string Mirrored = CliSamples.Upload("bridge-mirrored.webp");
    private static readonly string Scene = CliSamples.Upload("scene-q0122.jpg");

    private static TestDb BridgeBank(string bank = "KNOWN")
    {
        var db = new TestDb();
        db.Ok("bank", "create", bank);
        db.Ok("bank", "add", bank, "--label", "A1", Bridge);
        return db;
    }

    private static string PdqOf(string image) => CliRunner.Run("hash", image).Output.Split(' ')[0];

    private static List<JsonDocument> JsonLines(CliResult result) => result.OutputLines.Select(l => JsonDocument.Parse(l)).ToList();

    [Fact]
    public void CsvHasTheContractHeaderAndOneRowPerMatch()
    {
        using var db = BridgeBank();
        var result = db.Ok("match", "-f", "csv", Brighter, Scene);
        Assert.Equal("query,pdq,bank,content_id,distance,label", result.OutputLines[0]);
        Assert.Equal(2, result.OutputLines.Length);
        var fields = result.OutputLines[1].Split(',');
        Assert.Equal(6, fields.Length);
        Assert.Equal(Brighter, fields[0]);
        Assert.Equal(PdqOf(Brighter), fields[1]);
        Assert.Equal("KNOWN", fields[2]);
        Assert.True(long.Parse(fields[3]) > 0);
        Assert.Equal(Hex256.Distance(PdqOf(Brighter), PdqOf(Bridge)), int.Parse(fields[4]));
        Assert.InRange(int.Parse(fields[4]), 1, 31);
        Assert.Equal("A1", fields[5]);

        // Nothing matched: just the header.
        Assert.Equal(["query,pdq,bank,content_id,distance,label"], db.Ok("match", "-f", "csv", Scene).OutputLines);
    }

    [Fact]
    public void Hash_takes_several_values_after_one_option_and_the_repeated_form()
    {
        using var db = BridgeBank();
        string brighter = PdqOf(Brighter), scene = PdqOf(Scene), bridge = PdqOf(Bridge);
        var listed = JsonLines(db.Ok("match", "-f", "json", "--hash", brighter, scene, bridge));
        Assert.Equal([brighter, scene, bridge], listed.Select(l => l.RootElement.GetProperty("query").GetString()));
        Assert.Equal(["matched", "no_match", "matched"], listed.Select(l => l.RootElement.GetProperty("status").GetString()));

        var repeated = JsonLines(db.Ok("match", "-f", "json", "--hash", brighter, "--hash", scene));
        Assert.Equal([brighter, scene], repeated.Select(l => l.RootElement.GetProperty("query").GetString()));

        // A path after --hash is taken as a hash, and said to be a bad one.
        var mixed = db.Run("match", "--hash", brighter, Scene);
        Assert.Equal(2, mixed.ExitCode);
        Assert.Contains($"--hash {Scene}", mixed.Error);
    }

    [Fact]
    public void AnMd5ListMatchesTheExactFileWhateverItsQualityAndNothingElse()
    {
        // NCMEC-style lists are mostly MD5: a file whose bytes are listed matches exactly, even
        // when its PDQ is too weak to trust; a re-encoded copy (same picture, other bytes) does not.
        string weak = Fixtures.ThreatExchange("pdq/data/misc-images/small.jpg");
        string md5 = Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(File.ReadAllBytes(weak)));
        using var db = new TestDb();
        db.Ok("bank", "create", "MD5_LIST");
        db.Ok("bank", "import", "MD5_LIST", db.WriteFile("list.csv", $"md5,label\n{md5},B1\n"));
        var result = db.Ok("match", "-f", "json", weak, Bridge);
        var lines = JsonLines(result);
        Assert.Equal("matched", lines[0].RootElement.GetProperty("status").GetString());
        Assert.True(lines[0].RootElement.GetProperty("quality").GetInt32() < 50);
        var match = lines[0].RootElement.GetProperty("matches")[0];
        Assert.Equal("md5", match.GetProperty("signal").GetString());
        Assert.Equal(0, match.GetProperty("distance").GetInt32());
        Assert.Equal("B1", match.GetProperty("label").GetString());
        Assert.Equal("no_match", lines[1].RootElement.GetProperty("status").GetString());
        Assert.Contains("by exact md5", db.Ok("match", weak).Output);
    }

    [Fact]
    public void TextAndJsonFormats()
    {
        using var db = BridgeBank();
        var text = db.Ok("match", Brighter, Scene);
        Assert.Equal(2, text.OutputLines.Length);
        Assert.StartsWith($"{Brighter}: MATCH KNOWN content ", text.OutputLines[0]);
        Assert.Contains("label A1", text.OutputLines[0]);
        Assert.Contains("(bridge.jpg)", text.OutputLines[0]);
        Assert.Equal($"{Scene}: no match", text.OutputLines[1]);

        var json = JsonLines(db.Ok("match", "-f", "json", Brighter, Scene));
        Assert.Equal(2, json.Count);
        var matched = json[0].RootElement;
        Assert.Equal(Brighter, matched.GetProperty("query").GetString());
        Assert.Equal("matched", matched.GetProperty("status").GetString());
        Assert.Equal(100, matched.GetProperty("quality").GetInt32());
        var match = Assert.Single(matched.GetProperty("matches").EnumerateArray());
        Assert.Equal("KNOWN", match.GetProperty("bank").GetString());
        Assert.Equal("A1", match.GetProperty("label").GetString());
        Assert.Equal("no_match", json[1].RootElement.GetProperty("status").GetString());
        Assert.Empty(json[1].RootElement.GetProperty("matches").EnumerateArray());
    }

    [Fact]
    public void DihedralFindsRotatedAndMirroredCopiesThatPlainMatchingMisses()
    {
        using var db = BridgeBank();

        var plain = db.Ok("match", "-f", "csv", Rotated, Mirrored);
        Assert.Single(plain.OutputLines);
        var plainJson = JsonLines(db.Ok("match", "-f", "json", Rotated, Mirrored));
        Assert.All(plainJson, j => Assert.Equal("no_match", j.RootElement.GetProperty("status").GetString()));

        var dihedral = db.Ok("match", "-f", "csv", "--dihedral", Rotated, Mirrored);
        Assert.Equal(3, dihedral.OutputLines.Length);
        Assert.StartsWith(Rotated + ",", dihedral.OutputLines[1]);
        Assert.StartsWith(Mirrored + ",", dihedral.OutputLines[2]);

        var json = JsonLines(db.Ok("match", "-f", "json", "--dihedral", Rotated, Mirrored));
        var rotatedMatch = Assert.Single(json[0].RootElement.GetProperty("matches").EnumerateArray());
        Assert.Contains(rotatedMatch.GetProperty("variant").GetString(), new[] { "rotate90", "rotate270" });
        var mirroredMatch = Assert.Single(json[1].RootElement.GetProperty("matches").EnumerateArray());
        Assert.Contains(mirroredMatch.GetProperty("variant").GetString(), new[] { "flipx", "flipy" });

        var text = db.Ok("match", "--dihedral", Rotated);
        Assert.Contains("MATCH KNOWN", text.Output);
        Assert.Contains("(rotate", text.Output);

        // The unedited original still matches itself at distance 0 with --dihedral.
        var original = JsonLines(db.Ok("match", "-f", "json", "--dihedral", Bridge)).Single().RootElement;
        var self = Assert.Single(original.GetProperty("matches").EnumerateArray());
        Assert.Equal(0, self.GetProperty("distance").GetInt32());
        Assert.Equal("pdq", self.GetProperty("variant").GetString());
    }

    [Fact]
    public void DihedralWithHashIsAUsageError()
    {
        using var db = BridgeBank();
        var result = db.Run("match", "--dihedral", "--hash", PdqOf(Bridge));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--dihedral needs image files", result.Error);
    }

    [Fact]
    public void LowQualityImagesAreReportedAndNotMatchedUnlessMinQualityIsLowered()
    {
        using var db = new TestDb();
        db.Ok("bank", "create", "KNOWN");
        string low = CliSamples.LowQualityImage;
        var hash = CliRunner.Run("hash", low);
        Assert.Equal(0, hash.ExitCode);
        var parts = hash.OutputLines.Single().Split(' ');
        Assert.Equal("0", parts[1]); // vigil hash prints the quality: this image is below 50.
        db.Ok("bank", "import", "KNOWN", db.WriteFile("low.te", $"pdq {parts[0]}\n"));

        var text = db.Ok("match", low);
        Assert.Equal($"{low}: PDQ quality 0 is below 50: not matched (--min-quality lowers the bar)", text.OutputLines.Single());
        var json = JsonLines(db.Ok("match", "-f", "json", low)).Single().RootElement;
        Assert.Equal("low_quality", json.GetProperty("status").GetString());
        Assert.Equal(0, json.GetProperty("quality").GetInt32());
        Assert.Empty(json.GetProperty("matches").EnumerateArray());
        Assert.Single(db.Ok("match", "-f", "csv", low).OutputLines);

        var lowered = JsonLines(db.Ok("match", "-f", "json", "--min-quality", "0", low)).Single().RootElement;
        Assert.Equal("matched", lowered.GetProperty("status").GetString());
        Assert.Equal(0, Assert.Single(lowered.GetProperty("matches").EnumerateArray()).GetProperty("distance").GetInt32());

        // A hash given with --hash has no quality and is always matched.
        Assert.Equal(2, db.Ok("match", "-f", "csv", "--hash", parts[0]).OutputLines.Length);

        // A good image is still matched with a raised bar up to its quality (100 here).
        db.Ok("bank", "add", "KNOWN", Bridge);
        Assert.Equal(2, db.Ok("match", "-f", "csv", "--min-quality", "100", Brighter).OutputLines.Length);
        Assert.Equal(2, db.Run("match", "--min-quality", "101", Brighter).ExitCode);
    }

    [Fact]
    public void BankOptionLimitsTheBanksReported()
    {
        using var db = BridgeBank("ALPHA");
        db.Ok("bank", "create", "BETA");
        db.Ok("bank", "add", "BETA", Bridge);
        db.Ok("bank", "create", "GAMMA");
        db.Ok("bank", "add", "GAMMA", CliSamples.Known("pen-and-coaster.jpg"));

        static string[] Banks(CliResult r) => r.OutputLines.Skip(1).Select(l => l.Split(',')[2]).Order().ToArray();
        Assert.Equal(["ALPHA", "BETA"], Banks(db.Ok("match", "-f", "csv", Brighter)));
        Assert.Equal(["ALPHA"], Banks(db.Ok("match", "-f", "csv", "--bank", "ALPHA", Brighter)));
        Assert.Equal(["BETA"], Banks(db.Ok("match", "-f", "csv", "-b", "BETA", Brighter)));
        Assert.Equal(["ALPHA", "BETA"], Banks(db.Ok("match", "-f", "csv", "--bank", "ALPHA", "--bank", "BETA", Brighter)));
        Assert.Empty(Banks(db.Ok("match", "-f", "csv", "--bank", "GAMMA", Brighter)));
    }

    [Fact]
    public void UnknownBankIsAFailureNamingIt()
    {
        using var db = BridgeBank();
        var result = db.Run("match", "--bank", "NOPE", Brighter);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("bank 'NOPE' not found", result.Error);
        Assert.Equal(1, db.Run("match", "--bank", "NOPE", "--hash", PdqOf(Bridge)).ExitCode);
        Assert.Equal(1, db.Run("scan", "--bank", "NOPE", Path.GetDirectoryName(Brighter)!).ExitCode);
    }

    [Fact]
    public void NegativeBankSuppressesMatchesInOtherBanks()
    {
        using var db = BridgeBank();
        db.Ok("bank", "create", "SAFE", "--negative");
        db.Ok("bank", "add", "SAFE", Bridge);
        db.Ok("bank", "create", "PEN");
        db.Ok("bank", "add", "PEN", CliSamples.Known("pen-and-coaster.jpg"));

        var json = JsonLines(db.Ok("match", "-f", "json", Brighter)).Single().RootElement;
        Assert.Equal("suppressed", json.GetProperty("status").GetString());
        Assert.Empty(json.GetProperty("matches").EnumerateArray());
        Assert.Equal("SAFE", Assert.Single(json.GetProperty("suppressed_by").EnumerateArray()).GetProperty("bank").GetString());

        Assert.Single(db.Ok("match", "-f", "csv", Brighter).OutputLines);
        Assert.Contains("no match (suppressed: matches negative bank SAFE", db.Ok("match", Brighter).Output);
        // Negative banks apply even when --bank names other banks.
        Assert.Single(db.Ok("match", "-f", "csv", "--bank", "KNOWN", Brighter).OutputLines);
        Assert.Single(db.Ok("match", "-f", "csv", "--hash", PdqOf(Bridge)).OutputLines);

        // A query that does not match the negative bank is unaffected.
        var pen = db.Ok("match", "-f", "csv", CliSamples.Upload("pen-and-coaster-half-q40.jpg"));
        Assert.Equal("PEN", pen.OutputLines[1].Split(',')[2]);
    }

    [Theory]
    [InlineData("zz")]
    [InlineData("f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b2")]   // 63 digits
    [InlineData("f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b222")] // 65 digits
    [InlineData("g8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22")]  // not hex
    public void BadHexIsAUsageError(string hex)
    {
        using var db = BridgeBank();
        var result = db.Run("match", "--hash", hex);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"--hash {hex}", result.Error);
        Assert.Equal("", result.Output);
    }

    [Fact]
    public void OtherUsageErrors()
    {
        using var db = BridgeBank();
        string hex = PdqOf(Bridge);
        Assert.Equal(2, db.Run("match").ExitCode);                                        // neither files nor --hash
        Assert.Equal(2, db.Run("match", "--hash", hex, Brighter).ExitCode);               // both
        Assert.Equal(2, db.Run("match", "--max-distance", "64", "--hash", hex).ExitCode);
        Assert.Equal(2, db.Run("match", "--max-distance", "-1", "--hash", hex).ExitCode);
        Assert.Equal(2, db.Run("match", "-f", "xml", "--hash", hex).ExitCode);
    }

    [Fact]
    public void HashQueriesUseTheHexAsTheQueryAndMaxDistanceIsInclusive()
    {
        using var db = BridgeBank();
        string known = PdqOf(Bridge);
        // Flip exactly 10 bits of the known hash.
        var limbs = Hex256.Parse(known);
        limbs[0] ^= 0x3FF;
        string tenAway = string.Concat(limbs.Select(l => l.ToString("x16")));
        Assert.Equal(10, Hex256.Distance(known, tenAway));

        var at10 = db.Ok("match", "-f", "csv", "--hash", tenAway, "--max-distance", "10");
        Assert.Equal($"{tenAway},{tenAway},KNOWN", string.Join(',', at10.OutputLines[1].Split(',')[..3]));
        Assert.Equal("10", at10.OutputLines[1].Split(',')[4]);
        Assert.Single(db.Ok("match", "-f", "csv", "--hash", tenAway, "--max-distance", "9").OutputLines);

        var json = JsonLines(db.Ok("match", "-f", "json", "--hash", tenAway, "--hash", known));
        Assert.Equal(2, json.Count);
        Assert.Equal(tenAway, json[0].RootElement.GetProperty("query").GetString());
        Assert.Equal(JsonValueKind.Null, json[0].RootElement.GetProperty("quality").ValueKind);
        Assert.Equal(0, json[1].RootElement.GetProperty("matches")[0].GetProperty("distance").GetInt32());
    }

    [Fact]
    public void FailedFilesAreReportedWithExit1AndTheOthersStillMatched()
    {
        using var db = BridgeBank();
        string garbage = db.WriteFile("garbage.jpg", "not an image");
        var result = db.Run("match", "-f", "csv", garbage, Brighter);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("garbage.jpg", result.Error);
        Assert.Equal(2, result.OutputLines.Length);
        Assert.StartsWith(Brighter + ",", result.OutputLines[1]);

        var json = JsonLines(db.Run("match", "-f", "json", garbage, Brighter));
        Assert.Equal("failed", json[0].RootElement.GetProperty("status").GetString());
        Assert.True(json[0].RootElement.TryGetProperty("error", out _));
        Assert.Equal("matched", json[1].RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public void ADatabaseWithoutPdqHashesWarnsThatOnlyExactMatchesArePossible()
    {
        using var db = new TestDb();
        var result = db.Ok("match", "--hash", PdqOf(Bridge));
        Assert.Contains("hold no PDQ hashes: only exact MD5 matches are possible", result.Error);
    }

    // ---- the reference needles and haystack ------------------------------------------------------

    [Fact]
    public async Task NeedlesAgainstTheHaystackGiveTheBruteForcePairs()
    {
        string[] haystack = File.ReadAllLines(Fixtures.ThreatExchange("pdq/data/reg-test-input/haystack.txt")).Where(l => l.Length > 0).ToArray();
        string[] needles = File.ReadAllLines(Fixtures.ThreatExchange("pdq/data/reg-test-input/needles.txt")).Where(l => l.Length > 0).ToArray();
        Assert.Equal(1350, haystack.Length);
        Assert.Equal(100, needles.Length);
        var distinct = haystack.Distinct().ToArray();
        // The fixture has no duplicate lines, so import keeps all 1350 and the published counts apply.
        Assert.Equal(1350, distinct.Length);

        using var db = new TestDb();
        db.Ok("bank", "create", "HAYSTACK");
        var import = db.Ok("bank", "import", "HAYSTACK", Fixtures.ThreatExchange("pdq/data/reg-test-input/haystack.txt"), "--format", "te");
        Assert.Equal($"HAYSTACK: imported haystack.txt as te: added {distinct.Length:N0}, already present {haystack.Length - distinct.Length:N0}, removed 0, removals not found 0, invalid lines 0",
            import.OutputLines.Single());

        // content id -> pdq, to compare the exact pairs and distances as well as the counts.
        var byId = new Dictionary<string, string>();
        await using (var store = await Vigil.Storage.Sqlite.SqliteVigilStore.OpenAsync(db.Path))
        {
            await foreach (var content in store.StreamContentAsync("HAYSTACK"))
                byId[content.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)] = content.Signals.Single().Value;
        }
        Assert.Equal(distinct.Length, byId.Count);

        var haystackLimbs = distinct.Select(Hex256.Parse).ToArray();
        var needleLimbs = needles.Select(Hex256.Parse).ToArray();
        var published = new Dictionary<int, int> { [15] = 151, [31] = 250, [63] = 352 };
        string[] args = ["match", "-f", "csv", .. needles.SelectMany(n => new[] { "--hash", n })];
        foreach (var (maxDistance, publishedCount) in published)
        {
            var expected = new HashSet<string>();
            for (int n = 0; n < needles.Length; n++)
                for (int h = 0; h < distinct.Length; h++)
                {
                    int d = Hex256.Distance(needleLimbs[n], haystackLimbs[h]);
                    if (d <= maxDistance)
                        expected.Add($"{needles[n]} {distinct[h]} {d}");
                }
            Assert.Equal(publishedCount, expected.Count);

            var result = db.Ok([.. args, "--max-distance", maxDistance.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            Assert.Equal("query,pdq,bank,content_id,distance,label", result.OutputLines[0]);
            var rows = result.OutputLines.Skip(1).ToList();
            Assert.Equal(publishedCount, rows.Count);
            var actual = rows.Select(r =>
            {
                var f = r.Split(',');
                Assert.Equal(f[0], f[1]);
                Assert.Equal("HAYSTACK", f[2]);
                return $"{f[0]} {byId[f[3]]} {f[4]}";
            }).ToHashSet();
            Assert.Equal(rows.Count, actual.Count);
            Assert.Equal(expected.Order(), actual.Order());
        }
    }
}
