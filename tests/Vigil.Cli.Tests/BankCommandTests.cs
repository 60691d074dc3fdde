using System.Diagnostics;
using System.Text.Json;

namespace Vigil.Cli.Tests;

/// <summary>The `vigil bank` contract: lifecycle, add, import of every format, export, exit codes.</summary>
public class BankCommandTests
{
    private static readonly string PdqA = new Random(1).Let(Hex256.Random);
    private static readonly string PdqB = new Random(2).Let(Hex256.Random);
    private static readonly string PdqC = new Random(3).Let(Hex256.Random);
    private const string Md5A = "e42c6d32169fe5d6987ae7280aaf94fd";

    // ---- create / list / show / delete -------------------------------------------------------

    [Fact]
    public void CreateListShowDeleteLifecycle()
    {
        using var db = new TestDb();

        var empty = db.Ok("bank", "list");
        Assert.Contains("no banks in", empty.Output);
        Assert.Equal("[]", db.Ok("bank", "list", "--format", "json").Output.Trim());

        var created = db.Ok("bank", "create", "KNOWN_1", "--label", "csam", "--label", "ncmec");
        Assert.Equal($"created bank KNOWN_1 in {db.Path}", created.OutputLines.Single());
        var negative = db.Ok("bank", "create", "SAFE", "--negative");
        Assert.Equal($"created bank SAFE (negative) in {db.Path}", negative.OutputLines.Single());

        var text = db.Ok("bank", "list");
        Assert.Equal(3, text.OutputLines.Length);
        Assert.Equal(["NAME", "CONTENT", "ENABLED", "NEGATIVE", "LABELS"], text.OutputLines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["KNOWN_1", "0", "yes", "no", "csam,ncmec"], text.OutputLines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["SAFE", "0", "yes", "yes"], text.OutputLines[2].Split(' ', StringSplitOptions.RemoveEmptyEntries));

        using (var json = JsonDocument.Parse(db.Ok("bank", "list", "-f", "json").Output))
        {
            var banks = json.RootElement.EnumerateArray().ToList();
            Assert.Equal(["KNOWN_1", "SAFE"], banks.Select(b => b.GetProperty("name").GetString()));
            Assert.Equal(0, banks[0].GetProperty("content_count").GetInt64());
            Assert.True(banks[0].GetProperty("enabled").GetBoolean());
            Assert.False(banks[0].GetProperty("negative").GetBoolean());
            Assert.True(banks[1].GetProperty("negative").GetBoolean());
            Assert.Equal(["csam", "ncmec"], banks[0].GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
            Assert.Equal(JsonValueKind.String, banks[0].GetProperty("created_at").ValueKind);
        }

        var show = db.Ok("bank", "show", "KNOWN_1");
        Assert.Contains("name:          KNOWN_1", show.OutputLines);
        Assert.Contains("content:       0", show.OutputLines);
        Assert.Contains("negative:      no", show.OutputLines);
        Assert.Contains("labels:        csam, ncmec", show.OutputLines);
        Assert.StartsWith("negative:      yes", db.Ok("bank", "show", "SAFE").OutputLines.Single(l => l.StartsWith("negative:")));

        var deleted = db.Ok("bank", "delete", "SAFE");
        Assert.Equal("deleted bank SAFE (0 items)", deleted.OutputLines.Single());
        using (var json = JsonDocument.Parse(db.Ok("bank", "list", "-f", "json").Output))
            Assert.Equal(["KNOWN_1"], json.RootElement.EnumerateArray().Select(b => b.GetProperty("name").GetString()));

        // Deleted means gone: show fails, and the name can be created again.
        var gone = db.Run("bank", "show", "SAFE");
        Assert.Equal(1, gone.ExitCode);
        Assert.Contains("bank 'SAFE' not found", gone.Error);
        db.Ok("bank", "create", "SAFE");
    }

    [Theory]
    [InlineData("lower", "must start with a capital letter")]
    [InlineData("1BANK", "must start with a capital letter")]
    [InlineData("MY-BANK", "contains '-'")]
    [InlineData("MY BANK", "contains ' '")]
    [InlineData("BANKé", "contains 'é'")]
    public void InvalidBankNamesAreUsageErrorsSayingWhy(string name, string why)
    {
        using var db = new TestDb();
        var result = db.Run("bank", "create", name);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(why, result.Error);
        Assert.Contains($"'{name}'", result.Error);
        Assert.Equal("[]", db.Ok("bank", "list", "-f", "json").Output.Trim());
    }

    [Theory]
    [InlineData("known_csam", "KNOWN_CSAM")]
    [InlineData("my-bank", "MY_BANK")]
    [InlineData("Safe List", "SAFE_LIST")]
    public void A_name_that_is_only_wrongly_cased_or_punctuated_gets_a_suggestion(string name, string suggestion)
    {
        using var db = new TestDb();
        db.Ok("bank", "create", "KNOWN_CSAM");
        foreach (var args in new[] { new[] { "bank", "create", name }, ["bank", "show", name], ["match", "--bank", name, CliSamples.Known("bridge.jpg")] })
        {
            var result = db.Run(args);
            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains($"did you mean {suggestion}?", result.Error);
        }
        Assert.DoesNotContain("did you mean", db.Run("bank", "create", "1BANK").Error);
    }

    [Fact]
    public void OverlongAndEmptyNamesAreUsageErrors()
    {
        using var db = new TestDb();
        var longName = db.Run("bank", "create", new string('A', 101));
        Assert.Equal(2, longName.ExitCode);
        Assert.Contains("101 characters long; the limit is 100", longName.Error);
        db.Ok("bank", "create", new string('A', 100));

        var emptyName = db.Run("bank", "create", "");
        Assert.Equal(2, emptyName.ExitCode);
        Assert.Contains("must not be empty", emptyName.Error);

        // Other subcommands validate the name too, before touching the database.
        Assert.Equal(2, db.Run("bank", "show", "lower").ExitCode);
        Assert.Equal(2, db.Run("bank", "delete", "lower").ExitCode);
    }

    [Fact]
    public void DuplicateBankIsAFailureWithAClearMessage()
    {
        using var db = new TestDb();
        db.Ok("bank", "create", "KNOWN");
        var again = db.Run("bank", "create", "KNOWN");
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("bank 'KNOWN' already exists", again.Error);
        Assert.Equal("", again.Output);
        Assert.Single(JsonDocument.Parse(db.Ok("bank", "list", "-f", "json").Output).RootElement.EnumerateArray());
    }

    [Fact]
    public void MissingBankIsAFailureNamingIt()
    {
        using var db = new TestDb();
        string list = db.WriteFile("list.te", $"pdq {PdqA}\n");
        foreach (var args in new[]
                 {
                     new[] { "bank", "delete", "NOPE" },
                     new[] { "bank", "show", "NOPE" },
                     new[] { "bank", "export", "NOPE" },
                     new[] { "bank", "import", "NOPE", list },
                     new[] { "bank", "add", "NOPE", CliSamples.Known("bridge.jpg") },
                 })
        {
            var result = db.Run(args);
            Assert.True(result.ExitCode == 1, $"{string.Join(' ', args)}: exit {result.ExitCode}, {result.Error}");
            Assert.Contains("bank 'NOPE' not found", result.Error);
        }
    }

    // ---- add -----------------------------------------------------------------------------------

    [Fact]
    public void AddHashesImagesAndASecondAddSaysAlreadyPresent()
    {
        using var db = new TestDb();
        db.Ok("bank", "create", "KNOWN");
        string bridge = CliSamples.Known("bridge.jpg"), pen = CliSamples.Known("pen-and-coaster.jpg");

        var first = db.Ok("bank", "add", "KNOWN", "--label", "A1", "--note", "demo", bridge, pen);
        Assert.Equal("KNOWN: added 2, already present 0, failed 0", first.OutputLines.Single());
        Assert.Equal(2, db.ContentCount("KNOWN"));
        Assert.Contains("content:       2", db.Ok("bank", "show", "KNOWN").OutputLines);

        // The same image again, even under another file name, is already there.
        string copy = db.CopyFile(bridge, "elsewhere/renamed.jpg");
        var second = db.Ok("bank", "add", "KNOWN", bridge, copy);
        Assert.Equal("KNOWN: added 0, already present 2, failed 0", second.OutputLines.Single());
        Assert.Equal(2, db.ContentCount("KNOWN"));

        // Each item holds the image's PDQ (as `vigil hash` gives it) and MD5, with label, note and file name.
        string bridgePdq = CliRunner.Run("hash", bridge).Output.Split(' ')[0];
        string bridgeMd5 = Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(File.ReadAllBytes(bridge)));
        var export = db.Ok("bank", "export", "KNOWN", "-f", "csv");
        Assert.Equal("pdq,md5,sha1,sha256,label,source,source_id,note,metadata", export.OutputLines[0]);
        var row = export.OutputLines.Single(l => l.StartsWith(bridgePdq, StringComparison.Ordinal));
        Assert.StartsWith($"{bridgePdq},{bridgeMd5},,,A1,vigil bank add,,demo,", row);
        Assert.Contains("\"\"file_name\"\":\"\"bridge.jpg\"\"", row);
        Assert.Contains($"pdq {bridgePdq}", db.Ok("bank", "export", "KNOWN", "-f", "te").OutputLines);
        Assert.Contains($"md5 {bridgeMd5}", db.Ok("bank", "export", "KNOWN", "-f", "te").OutputLines);
    }

    /// <summary>
    /// Non-JPEG images are decoded by libvips. Run in a child process (as a user runs vigil), because
    /// the failure this guards against is a native crash that would take the test host down with it.
    /// </summary>
    [Theory]
    [InlineData("webp")]
    [InlineData("png")]
    public void AddTakesPngAndWebpImages(string kind)
    {
        using var db = new TestDb();
        db.Ok("bank", "create", "KNOWN");
        string image = kind == "webp"
            ? CliSamples.Upload("bridge-mirrored.webp")
            : Vigil.Testing.Fixtures.ThreatExchange("pdq/data/reg-test-input/pen-and-coaster.png");
        var result = CliRunner.RunProcess("--db", db.Path, "bank", "add", "KNOWN", image);
        Assert.True(result.ExitCode == 0, $"vigil bank add KNOWN {Path.GetFileName(image)} exited {result.ExitCode} (139 = SIGSEGV); stderr: {result.Error}");
        Assert.Equal("KNOWN: added 1, already present 0, failed 0", result.Output.Trim());
        Assert.Equal(1, db.ContentCount("KNOWN"));
    }

    [Fact]
    public void AddReportsFilesThatFailAndStillAddsTheOthers()
    {
        using var db = new TestDb();
        db.Ok("bank", "create", "KNOWN");
        string garbage = db.WriteFile("garbage.jpg", "this is not a jpeg");
        var result = db.Run("bank", "add", "KNOWN", CliSamples.Known("bridge.jpg"), garbage, Path.Combine(db.Dir, "missing.jpg"));
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("KNOWN: added 1, already present 0, failed 2", result.OutputLines.Single());
        Assert.Contains("garbage.jpg", result.Error);
        Assert.Contains("missing.jpg", result.Error);
        Assert.Equal(1, db.ContentCount("KNOWN"));
    }

    [Fact]
    public void AddWarnsAboutLowQualityImages()
    {
        using var db = new TestDb();
        db.Ok("bank", "create", "KNOWN");
        var result = db.Ok("bank", "add", "KNOWN", CliSamples.LowQualityImage);
        Assert.Contains("PDQ quality 0 is below 50", result.Error);
        Assert.Equal(1, db.ContentCount("KNOWN"));
    }

    // ---- import --------------------------------------------------------------------------------

    [Fact]
    public void ImportTeIsIdempotent()
    {
        using var db = new TestDb();
        db.Ok("bank", "create", "TE");
        string list = db.WriteFile("list.te", $"# a comment\n\npdq {PdqA}\n{PdqB.ToUpperInvariant()}\nmd5 {Md5A}\n");

        var first = db.Ok("bank", "import", "TE", list, "--format", "te");
        Assert.Equal("TE: imported list.te as te: added 3, already present 0, removed 0, removals not found 0, invalid lines 0", first.OutputLines.Single());
        Assert.Equal(3, db.ContentCount("TE"));

        var second = db.Ok("bank", "import", "TE", list);
        Assert.Equal("TE: imported list.te as te: added 0, already present 3, removed 0, removals not found 0, invalid lines 0", second.OutputLines.Single());
        Assert.Equal(3, db.ContentCount("TE"));

        // Bare hex is a pdq hash, stored in canonical lowercase.
        Assert.Equal(new[] { PdqA, PdqB }.Order(), db.ExportPdq("TE").Order());
    }

    [Fact]
    public void InvalidLinesAreReportedByNumberWhileTheValidOnesAreImported()
    {
        using var db = new TestDb();
        db.Ok("bank", "create", "TE");
        string list = db.WriteFile("mixed.te", string.Join('\n',
            $"pdq {PdqA}",          // 1
            $"pdq {PdqA[..63]}",    // 2: too short
            $"{PdqB}",              // 3
            $"bogus {PdqC}",        // 4: unknown type
            "",                     // 5
            $"pdq {PdqA}",          // 6: duplicate in the file
            $"pdq {PdqC[..63]}x",   // 7: not hex
            $"md5 {Md5A}") + "\n"); // 8

        var result = db.Run("bank", "import", "TE", list);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("TE: imported mixed.te as te: added 3, already present 1, removed 0, removals not found 0, invalid lines 3", result.OutputLines.Single());
        var errors = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, errors.Length);
        Assert.StartsWith("mixed.te: line 2: ", errors[0]);
        Assert.StartsWith("mixed.te: line 4: ", errors[1]);
        Assert.Contains("bogus", errors[1]);
        Assert.StartsWith("mixed.te: line 7: ", errors[2]);
        Assert.Equal(3, db.ContentCount("TE"));
        Assert.Equal(new[] { PdqA, PdqB }.Order(), db.ExportPdq("TE").Order());
    }

    [Fact]
    public void OnlyTheFirstHundredInvalidLinesAreListedButAllAreCounted()
    {
        using var db = new TestDb();
        db.Ok("bank", "create", "TE");
        var lines = Enumerable.Range(0, 150).Select(i => $"pdq bad{i}").Append($"pdq {PdqA}");
        string list = db.WriteFile("many-bad.te", string.Join('\n', lines) + "\n");
        var result = db.Run("bank", "import", "TE", list);
        Assert.Equal(1, result.ExitCode);
        Assert.EndsWith("added 1, already present 0, removed 0, removals not found 0, invalid lines 150", result.OutputLines.Single());
        var errors = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(101, errors.Length);
        Assert.StartsWith("many-bad.te: line 1: ", errors[0]);
        Assert.StartsWith("many-bad.te: line 100: ", errors[99]);
        Assert.Contains("more invalid lines follow", errors[100]);
        Assert.Equal(1, db.ContentCount("TE"));
    }

    [Fact]
    public void CsvWithoutASignalColumnIsReportedAtLine1()
    {
        using var db = new TestDb();
        db.Ok("bank", "create", "CSV");
        string list = db.WriteFile("nosignal.csv", $"label,note\nA1,{PdqA}\n");
        var result = db.Run("bank", "import", "CSV", list, "-f", "csv");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("nosignal.csv: line 1: the header has no signal column", result.Error);
        Assert.EndsWith("added 0, already present 0, removed 0, removals not found 0, invalid lines 1", result.OutputLines.Single());
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    public void ImportBatchSizeBelowOneIsAUsageError(string size)
    {
        using var db = new TestDb();
        db.Ok("bank", "create", "TE");
        string list = db.WriteFile("list.te", $"pdq {PdqA}\n");
        var result = db.Run("bank", "import", "TE", list, "--batch-size", size);
        Assert.True(result.ExitCode == 2, $"--batch-size {size}: exit {result.ExitCode}, stderr: {result.Error}");
        Assert.Contains("--batch-size", result.Error);
        Assert.Equal(0, db.ContentCount("TE"));
    }

    [Fact]
    public void SmallBatchesImportTheSame()
    {
        using var db = new TestDb();
        db.Ok("bank", "create", "TE");
        var hashes = Enumerable.Range(10, 25).Select(i => new Random(i).Let(Hex256.Random)).ToList();
        string list = db.WriteFile("list.te", string.Join('\n', hashes) + "\n");
        Assert.Contains("added 25,", db.Ok("bank", "import", "TE", list, "--batch-size", "1").Output);
        Assert.Contains("added 0, already present 25", db.Ok("bank", "import", "TE", list, "--batch-size", "7").Output);
        Assert.Equal(hashes.Order(), db.ExportPdq("TE").Order());
    }

    [Fact]
    public void ImportCsvWithLabelsAndLaterRemovals()
    {
        using var db = new TestDb();
        db.Ok("bank", "create", "CSV");
        string list = db.WriteFile("list.csv",
            "pdq,md5,label,source,source_id,note\n"
            + $"{PdqA},,A1,ngo,case-1,\"note, with comma\"\n"
            + $"{PdqB},{Md5A},B2,ngo,case-2,\n"
            + $"{PdqC},,,ngo,case-3,\n");

        var first = db.Ok("bank", "import", "CSV", list);
        Assert.Equal("CSV: imported list.csv as csv: added 3, already present 0, removed 0, removals not found 0, invalid lines 0", first.OutputLines.Single());
        Assert.Equal(3, db.ContentCount("CSV"));
        var second = db.Ok("bank", "import", "CSV", list, "-f", "csv");
        Assert.Contains("added 0, already present 3", second.Output);

        // A match reports the label from the csv.
        var match = db.Ok("match", "--hash", PdqA, "-f", "csv");
        var fields = match.OutputLines[1].Split(',');
        Assert.Equal([PdqA, PdqA, "CSV"], fields[..3]);
        Assert.Equal(["0", "A1"], fields[4..]);

        // A later list removes by signal and by source id; a removal of something absent is counted.
        string removals = db.WriteFile("removals.csv",
            "pdq,source,source_id,action\n"
            + $"{PdqA},,,remove\n"
            + ",ngo,case-2,remove\n"
            + $"{new Random(99).Let(Hex256.Random)},,,remove\n");
        var removed = db.Ok("bank", "import", "CSV", removals);
        Assert.Equal("CSV: imported removals.csv as csv: added 0, already present 0, removed 2, removals not found 1, invalid lines 0", removed.OutputLines.Single());
        Assert.Equal(1, db.ContentCount("CSV"));
        Assert.Equal([PdqC], db.ExportPdq("CSV"));
        Assert.Single(db.Ok("match", "--hash", PdqA, "-f", "csv").OutputLines); // Only the header: gone from matching too.

        // Removing again finds nothing; adding again brings it back.
        Assert.Contains("removed 0, removals not found 3", db.Ok("bank", "import", "CSV", removals).Output);
        Assert.Contains("added 2, already present 1", db.Ok("bank", "import", "CSV", list).Output);
        Assert.Equal(3, db.ContentCount("CSV"));
    }

    [Fact]
    public void ImportNcmecXmlAddsEntriesAndAppliesDeletionsByEntryId()
    {
        using var db = new TestDb();
        db.Ok("bank", "create", "NCMEC");
        string sample = db.CopyFile(CliSamples.ExchangeSample("ncmec-entries.xml"), "entries.xml");

        // Three entries (two images, one video); the two deletions name entries this bank never had.
        var first = db.Ok("bank", "import", "NCMEC", sample, "--format", "ncmec-xml");
        Assert.Equal("NCMEC: imported entries.xml as ncmec-xml: added 3, already present 0, removed 0, removals not found 2, invalid lines 0", first.OutputLines.Single());
        Assert.Equal(3, db.ContentCount("NCMEC"));
        var again = db.Ok("bank", "import", "NCMEC", sample); // auto-detected
        Assert.Equal("NCMEC: imported entries.xml as ncmec-xml: added 0, already present 3, removed 0, removals not found 2, invalid lines 0", again.OutputLines.Single());

        const string pdq = "22e58d5618c328f8d484a83041f5c7e90cc37502b026519304eb3c12a0840acc";
        var match = db.Ok("match", "--hash", pdq, "-f", "csv");
        var fields = match.OutputLines[1].Split(',');
        Assert.Equal([pdq, pdq, "NCMEC"], fields[..3]);
        Assert.Equal(["0", "A1"], fields[4..]);

        // A later page deletes img-0001 of member 42.
        string deletion = db.WriteFile("deletion.xml", """
            <?xml version="1.0" encoding="UTF-8"?>
            <queryResult xmlns="https://hashsharing.ncmec.org/hashsharing/v2">
                <images count="1" maxTimestamp="2024-03-05T10:00:00Z">
                    <deletedImage>
                        <member id="42">Example Member</member>
                        <id>img-0001</id>
                        <timestamp>2024-03-05T10:00:00Z</timestamp>
                    </deletedImage>
                </images>
            </queryResult>
            """);
        var removed = db.Ok("bank", "import", "NCMEC", deletion);
        Assert.Equal("NCMEC: imported deletion.xml as ncmec-xml: added 0, already present 0, removed 1, removals not found 0, invalid lines 0", removed.OutputLines.Single());
        Assert.Equal(2, db.ContentCount("NCMEC"));
        Assert.Single(db.Ok("match", "--hash", pdq, "-f", "csv").OutputLines);
    }

    [Fact]
    public void MalformedXmlKeepsTheEntriesBeforeItAndFails()
    {
        using var db = new TestDb();
        db.Ok("bank", "create", "NCMEC");
        string text = File.ReadAllText(CliSamples.ExchangeSample("ncmec-entries.xml"));
        string truncated = db.WriteFile("truncated.xml", text[..(text.IndexOf("<id>img-0002", StringComparison.Ordinal) + 8)]);
        var result = db.Run("bank", "import", "NCMEC", truncated);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("added 1,", result.Output);
        Assert.Contains("invalid lines 1", result.Output);
        Assert.Contains("truncated.xml: line 26: malformed XML", result.Error);
        Assert.Equal(1, db.ContentCount("NCMEC"));
    }

    [Fact]
    public void ImportStopNciiJsonAddsActiveHashesAndRemovesWithdrawnOnes()
    {
        using var db = new TestDb();
        db.Ok("bank", "create", "STOPNCII");
        string page = db.CopyFile(CliSamples.ExchangeSample("stopncii-page.json"), "page.json");

        // Two PDQ hashes (Active, Received) are added; the Withdrawn MD5 was never here.
        var first = db.Ok("bank", "import", "STOPNCII", page, "-f", "stopncii-json");
        Assert.Equal("STOPNCII: imported page.json as stopncii-json: added 2, already present 0, removed 0, removals not found 1, invalid lines 0", first.OutputLines.Single());
        Assert.Contains("added 0, already present 2", db.Ok("bank", "import", "STOPNCII", page).Output);
        const string active = "7eae69118ea57fa267768d92b1c69007ba7784319c68fa6ffaafa338bc8e06a3";
        Assert.Equal(new[] { active, "da7d980da2c3b020033c31a5e2f7992081f3461c41692328f4f43c16642d8e3e" }.Order(), db.ExportPdq("STOPNCII").Order());

        string withdrawal = db.WriteFile("later.json", $$"""
            {"count": 1, "hasMoreRecords": false, "hashRecords": [
              {"lastModtimestamp": 1709380000, "hashValue": "{{active}}", "hashStatus": "Withdrawn", "caseNumbers": {}, "signalType": "ImagePDQ"}
            ]}
            """);
        var removed = db.Ok("bank", "import", "STOPNCII", withdrawal);
        Assert.Equal("STOPNCII: imported later.json as stopncii-json: added 0, already present 0, removed 1, removals not found 0, invalid lines 0", removed.OutputLines.Single());
        Assert.Equal(["da7d980da2c3b020033c31a5e2f7992081f3461c41692328f4f43c16642d8e3e"], db.ExportPdq("STOPNCII"));
    }

    [Fact]
    public void ImportOfAMissingFileOrUnknownFormatIsAUsageError()
    {
        using var db = new TestDb();
        db.Ok("bank", "create", "TE");
        Assert.Equal(2, db.Run("bank", "import", "TE", Path.Combine(db.Dir, "missing.te")).ExitCode);
        string list = db.WriteFile("list.te", $"pdq {PdqA}\n");
        Assert.Equal(2, db.Run("bank", "import", "TE", list, "--format", "yaml").ExitCode);
        Assert.Equal(0, db.ContentCount("TE"));
    }

    // ---- export --------------------------------------------------------------------------------

    [Fact]
    public void ExportCsvAndTeRoundTripThroughImport()
    {
        using var db = new TestDb();
        db.Ok("bank", "create", "SOURCE");
        db.Ok("bank", "add", "SOURCE", "-l", "B1", CliSamples.Known("bridge.jpg"), CliSamples.Known("scene-q0746.jpg"));
        db.Ok("bank", "import", "SOURCE", db.WriteFile("list.csv", $"pdq,label,source,source_id,note,metadata\n{PdqA},A2,ngo,x-1,\"a, note\",\"{{\"\"k\"\":1}}\"\n"));
        Assert.Equal(3, db.ContentCount("SOURCE"));

        var csv = db.Ok("bank", "export", "SOURCE");
        Assert.Equal("pdq,md5,sha1,sha256,label,source,source_id,note,metadata", csv.OutputLines[0]);
        Assert.Equal(4, csv.OutputLines.Length);
        Assert.Contains($"{PdqA},,,,A2,ngo,x-1,\"a, note\",\"{{\"\"k\"\":1}}\"", csv.OutputLines);

        // csv keeps everything: a copy exports the same text.
        string file = Path.Combine(db.Dir, "out.csv");
        var written = db.Ok("bank", "export", "SOURCE", "--format", "csv", "--output", file);
        Assert.Equal("", written.Output);
        Assert.Contains($"wrote 3 items of SOURCE to {file}", written.Error);
        Assert.Equal(csv.Output, File.ReadAllText(file));
        db.Ok("bank", "create", "COPY");
        Assert.Contains("added 3, already present 0", db.Ok("bank", "import", "COPY", file).Output);
        Assert.Equal(csv.Output, db.Ok("bank", "export", "COPY").Output);
        Assert.Contains("added 0, already present 3", db.Ok("bank", "import", "SOURCE", file).Output);

        // te keeps only the signals, one line each.
        var te = db.Ok("bank", "export", "SOURCE", "-f", "te");
        Assert.Equal(5, te.OutputLines.Length); // 3 pdq + 2 md5
        Assert.Equal(3, te.OutputLines.Count(l => l.StartsWith("pdq ", StringComparison.Ordinal)));
        Assert.Equal(2, te.OutputLines.Count(l => l.StartsWith("md5 ", StringComparison.Ordinal)));
        db.Ok("bank", "create", "TE_COPY");
        string teFile = db.WriteFile("out.te", te.Output);
        Assert.Contains("as te: added 5,", db.Ok("bank", "import", "TE_COPY", teFile).Output);
        Assert.Equal(db.ExportPdq("SOURCE").Order(), db.ExportPdq("TE_COPY").Order());

        Assert.Equal(2, db.Run("bank", "export", "SOURCE", "-f", "ncmec-xml").ExitCode);
    }

    [Fact]
    public void DeleteRemovesTheContentFromMatching()
    {
        using var db = new TestDb();
        db.Ok("bank", "create", "KNOWN");
        db.Ok("bank", "import", "KNOWN", db.WriteFile("l.te", $"{PdqA}\n{PdqB}\n"));
        Assert.Equal(2, db.Ok("match", "--hash", PdqA, "-f", "csv").OutputLines.Length);
        Assert.Equal("deleted bank KNOWN (2 items)", db.Ok("bank", "delete", "KNOWN").OutputLines.Single());
        Assert.Single(db.Ok("match", "--hash", PdqA, "-f", "csv").OutputLines);
        db.Ok("bank", "create", "KNOWN");
        Assert.Equal(0, db.ContentCount("KNOWN"));
    }

    // ---- the database location -------------------------------------------------------------------

    [Fact]
    public async Task VigilDbEnvironmentVariableNamesTheDatabaseAndDbOverridesIt()
    {
        using var db = new TestDb();
        using var other = new TestDb();

        var fromEnv = await RunProcessAsync(db.Path, "bank", "create", "FROM_ENV");
        Assert.True(fromEnv.ExitCode == 0, fromEnv.Error);
        Assert.Equal($"created bank FROM_ENV in {db.Path}", fromEnv.Output.Trim());
        Assert.Equal(0, db.ContentCount("FROM_ENV"));

        var fromOption = await RunProcessAsync(db.Path, "--db", other.Path, "bank", "create", "FROM_OPTION");
        Assert.True(fromOption.ExitCode == 0, fromOption.Error);
        Assert.Equal($"created bank FROM_OPTION in {other.Path}", fromOption.Output.Trim());
        Assert.Contains("FROM_OPTION", other.Ok("bank", "list").Output);
        Assert.DoesNotContain("FROM_OPTION", db.Ok("bank", "list").Output);
    }

    /// <summary>vigil in a child process with VIGIL_DB set (the in-process runner cannot set the environment safely).</summary>
    private static async Task<CliResult> RunProcessAsync(string vigilDb, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["VIGIL_DB"] = vigilDb;
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "vigil.dll"));
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public void DbOptionWorksAfterTheSubcommandToo()
    {
        using var db = new TestDb();
        var created = CliRunner.Run("bank", "create", "AFTER", "--db", db.Path);
        Assert.Equal(0, created.ExitCode);
        Assert.Contains(db.Path, created.Output);
        Assert.Contains("AFTER", db.Ok("bank", "list").Output);
    }

    [Fact]
    public void NotADatabaseIsAClearFailure()
    {
        using var db = new TestDb();
        string bogus = db.WriteFile("bogus.db", "this is a text file, not SQLite, padded out to more than one hundred bytes so SQLite reads a header...");
        var result = CliRunner.Run("--db", bogus, "bank", "list");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"{bogus} is not a SQLite database", result.Error);
    }

    [Fact]
    public void Import_refuses_a_photo_or_other_binary_file_with_one_clear_error()
    {
        using var db = new TestDb();
        db.Ok("bank", "create", "KNOWN");
        string photo = db.CopyFile(CliSamples.Known("bridge.jpg"), "photo.jpg");
        var refused = db.Run("bank", "import", "KNOWN", photo);
        Assert.Equal(1, refused.ExitCode);
        Assert.Equal("error: photo.jpg is a JPEG image, not a hash list; to hash media into a bank use 'vigil bank add KNOWN FILE...'",
            refused.Error.Trim());
        // Whatever --format says: a JPEG read as csv is no better.
        Assert.Equal(1, db.Run("bank", "import", "KNOWN", photo, "--format", "csv").ExitCode);

        var noise = new byte[2000];
        new Random(5).NextBytes(noise);
        string blob = db.Dir + "/blob.te";
        File.WriteAllBytes(blob, noise);
        var binary = db.Run("bank", "import", "KNOWN", blob);
        Assert.Equal(1, binary.ExitCode);
        Assert.StartsWith("error: blob.te is binary data, not a hash list", binary.Error);
        Assert.Equal(0, db.ContentCount("KNOWN"));

        // UTF-16 text holds NULs and is still a list.
        string utf16 = db.Dir + "/utf16.te";
        File.WriteAllText(utf16, $"pdq {PdqA}\npdq {PdqB}\n", System.Text.Encoding.Unicode);
        db.Ok("bank", "import", "KNOWN", utf16);
        Assert.Equal(2, db.ContentCount("KNOWN"));
    }
}

internal static class LetExtension
{
    public static TResult Let<T, TResult>(this T value, Func<T, TResult> f) => f(value);
}
