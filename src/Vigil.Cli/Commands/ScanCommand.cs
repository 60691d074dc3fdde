using Vigil.Storage;
using Vigil.Hashing.Signals;
using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Vigil.Banks;
using Vigil.Cli.Banks;
using Vigil.Cli.Hashing;
using Vigil.Cli.Interaction;
using Vigil.Media;

namespace Vigil.Cli.Commands;

/// <summary><c>vigil scan</c>: hash and match a whole directory tree, with progress, a summary and a report.</summary>
internal static class ScanCommand
{
    /// <summary>Exit code when <c>--fail-on-match</c> is given and something matched.</summary>
    public const int MatchFound = 3;

    public static Command Create(TextWriter output, TextWriter error)
    {
        var options = new MatchOptions();
        var directory = new Argument<DirectoryInfo>("DIR") { Description = "Directory to scan (recursed; image files only)" };
        directory.AcceptExistingOnly();
        var report = new Option<string?>("--report", "-o")
        {
            Description = "Write a report of every file: FILE.json or FILE.csv",
            Validators =
            {
                r =>
                {
                    if (r.Tokens.Count != 1)
                        return;
                    string value = r.Tokens[0].Value;
                    string? folder = Path.GetDirectoryName(Path.GetFullPath(value));
                    if (Path.GetExtension(value).ToLowerInvariant() is not (".json" or ".csv"))
                        r.AddError("--report must name a .json or .csv file");
                    else if (folder is null || !Directory.Exists(folder))
                        r.AddError($"--report {value}: the folder {folder} does not exist");
                    else if (Directory.Exists(value))
                        r.AddError($"--report {value} is a directory");
                },
            },
        };
        var failOnMatch = new Option<bool>("--fail-on-match") { Description = $"Exit {MatchFound} if anything matched (for pipelines)" };
        var openCases = new Option<bool>("--open-cases")
        {
            Description = "Open a review case for what matched: one item per matched file, in the open case of the scanned folder (see 'vigil review')",
        };
        var vaultKey = new Option<string?>("--vault-key")
        {
            Description = "With --open-cases: keep each matched file in the evidence vault, encrypted under this master key file ('vigil review init-key'), " +
                          "so reviewers can see it and a report can file it",
            HelpName = "FILE",
        };
        var urlPrefix = new Option<string?>("--url-prefix")
        {
            Description = "With --open-cases: the http(s) URL the scanned folder is served under; each item's location is it plus the file's relative path " +
                          "(a CyberTipline report names where a file was found online). Default: the local path",
            HelpName = "URL",
            Validators =
            {
                r =>
                {
                    if (r.Tokens.Count == 1 && !(Uri.TryCreate(r.Tokens[0].Value, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"))
                        r.AddError($"--url-prefix must be an absolute http(s) URL, not '{r.Tokens[0].Value}'");
                },
            },
        };
        var classify = new Option<bool>("--classify")
        {
            Description = "Also score the images nothing matched with the --classifier model; those past its threshold are listed, and with --open-cases opened "
                          + "for review (source classifier, below every match in the queue)",
        };
        var classifier = new Option<string?>("--classifier")
        {
            Description = "The classifier's manifest for --classify (docs/classifiers.md)",
            HelpName = "MANIFEST",
        };
        var threads = CommonOptions.Threads();
        var compat = CommonOptions.Compat();
        var command = new Command("scan", $"Hash and match every image under a directory: live progress, matches as they are found, a summary and an optional report. Exit 0 when done, 1 if files failed, {MatchFound} with --fail-on-match if anything matched")
        {
            directory, report, failOnMatch, openCases, vaultKey, urlPrefix, classify, classifier, threads, compat,
        };
        command.Validators.Add(r =>
        {
            if (r.GetValue(classify) != (r.GetValue(classifier) is not null))
                r.AddError("--classify and --classifier MANIFEST go together");
        });
        options.AddTo(command);
        var actions = new ActionOptions();
        actions.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            if (!CommonOptions.NativeLibrariesReady(error))
                return ExitCodes.Failure;
            if ((parse.GetValue(vaultKey) ?? parse.GetValue(urlPrefix)) is not null && !parse.GetValue(openCases))
                throw new ArgumentException("--vault-key and --url-prefix are about the cases --open-cases opens: give --open-cases too");
            actions.RequireWith(parse, parse.GetValue(openCases));
            using var model = parse.GetValue(classifier) is { } manifestPath ? Vigil.Classifiers.MediaClassifiers.Open(manifestPath, parse.GetValue(threads)) : null;
            using var vaultWrapper = parse.GetValue(vaultKey) is { } keyFile ? Vigil.Review.Evidence.KeyFileWrapper.Load(keyFile) : null;
            await using var store = await StoreOption.OpenAsync(parse, ct);
            await using var acting = parse.GetValue(openCases) ? actions.Load(parse, store) : CliActions.Off;
            var settings = options.Read(parse);
            var (banks, dihedral, maxDistance, minQuality) = settings;
            var matcher = await BankMatcher.LoadAsync(store, banks, error, ct);
            string root = parse.GetValue(directory)!.FullName;
            var inputs = InputFiles.Expand([root], imagesOnly: true, warnings: error);
            error.WriteLine($"scanning {inputs.Count:N0} images under {root} against {matcher.ReportableHashCount():N0} hashes in {matcher.BankCount} bank(s), distance <= {maxDistance}{(settings.Robust ? ", robust (rotations, flips, and the pictures inside borders and canvases)" : dihedral ? ", all eight rotations and flips" : "")}");

            int matched = 0, failed = 0;
            var progress = new CommandProgress(error, "images", inputs.Count, () => $", {matched:N0} matched, {failed:N0} failed");
            var writer = new MatchOutputWriter(output, "text", dihedral, minQuality);
            var results = new List<QueryResult>(inputs.Count);
            // With --classify each image is scored from the pixels its hash was made from (one decode); only unmatched ones count.
            var unmatched = new List<Classifying.ClassifyRecord>();
            var clock = Stopwatch.StartNew();
            OrderedParallelHasher.Run(inputs, parse.GetValue(threads),
                () => new FileHasher(Hashing.HashAlgorithmKind.Pdq, dihedral, new DecodeOptions { Compat = CommonOptions.CompatOf(parse, compat) }, settings.Robust,
                    classifier: model),
                record =>
                {
                    var result = MatchOptions.EvaluateAsync(record, matcher, dihedral, maxDistance, minQuality, ct).GetAwaiter().GetResult();
                    results.Add(result);
                    if (model is not null && result.Status is (QueryStatus.NoMatch or QueryStatus.LowQuality))
                        unmatched.Add(new Classifying.ClassifyRecord(record.Path, record.Score, record.ClassifyError));
                    if (result.Warnings.Count > 0)
                    {
                        progress.Clear();
                        output.Flush();
                        DecoderWarnings.Write(error, Path.GetRelativePath(root, record.Path), result.Warnings);
                    }
                    if (result.Status is QueryStatus.Matched or QueryStatus.Failed)
                    {
                        progress.Clear();
                        writer.Write(result with { Query = Path.GetRelativePath(root, result.Query) });
                        output.Flush();
                    }
                    matched += result.Status == QueryStatus.Matched ? 1 : 0;
                    failed += result.Status == QueryStatus.Failed ? 1 : 0;
                    progress.Advance();
                });
            progress.Finish();

            var counts = results.GroupBy(r => r.Status).ToDictionary(g => g.Key, g => g.Count());
            int Count(QueryStatus s) => counts.GetValueOrDefault(s);
            int matchCount = results.Sum(r => r.Outcome.Matches.Count);
            output.WriteLine($"scanned {results.Count:N0} images in {clock.Elapsed.TotalSeconds:F1} s: {Count(QueryStatus.Matched):N0} matched ({matchCount:N0} matches), "
                             + $"{Count(QueryStatus.NoMatch):N0} no match, {Count(QueryStatus.Suppressed):N0} suppressed by negative banks, "
                             + $"{Count(QueryStatus.LowQuality):N0} below quality {minQuality}, {Count(QueryStatus.Failed):N0} failed");
            List<Classifying.ClassifyRecord> flagged = [];
            if (model is not null)
            {
                flagged = Classifying.UnmatchedClassification.Report(model.Manifest, unmatched, root, output, error);
            }
            if (parse.GetValue(openCases))
            {
                var opener = new CaseOpener(store, vaultWrapper is null ? null : new Vigil.Review.Evidence.EvidenceVault(vaultWrapper), acting.Sink);
                var pdqOf = results.Where(r => r.Pdq is not null).ToDictionary(r => r.Query, r => r.Pdq!.Value.ToString(), StringComparer.Ordinal);
                foreach (var record in flagged)
                {
                    byte[]? media = vaultWrapper is null ? null : await File.ReadAllBytesAsync(record.Path, ct);
                    List<Signal> signals = pdqOf.TryGetValue(record.Path, out string? pdqHex) ? [new Signal(SignalType.Pdq, pdqHex)] : [];
                    await opener.OpenClassifiedAsync("scan:" + root, signals, Vigil.Review.Cases.ClassifierScores.ToItemScore(record.Score!, model!.Manifest),
                        new ItemContext { FileName = Path.GetRelativePath(root, record.Path), Url = Location(parse.GetValue(urlPrefix), root, record.Path) }, ct,
                        media, ContentTypeOf(record.Path));
                }
                foreach (var result in results)
                {
                    if (result.Status != QueryStatus.Matched || result.Pdq is not { } pdq)
                        continue;
                    byte[]? media = vaultWrapper is null ? null : await File.ReadAllBytesAsync(result.Query, ct);
                    await opener.OpenAsync("scan:" + root, "scan", [new Signal(SignalType.Pdq, pdq.ToString())],
                        result.Outcome.Matches.Select(m => (m.Bank.Name, m.ContentId, m.Signal.Name, m.Distance)),
                        new ItemContext { FileName = Path.GetRelativePath(root, result.Query), Url = Location(parse.GetValue(urlPrefix), root, result.Query) }, ct,
                        media, ContentTypeOf(result.Query));
                }
                output.WriteLine(opener.Summary());
                if (await acting.FinishAsync(ct) is { } sent)
                    output.WriteLine(sent);
            }
            if (parse.GetValue(report) is { } reportPath)
            {
                WriteReport(reportPath, root, results, dihedral);
                output.WriteLine($"report: {reportPath}");
            }
            if (parse.GetValue(failOnMatch) && Count(QueryStatus.Matched) > 0)
                return MatchFound;
            return Count(QueryStatus.Failed) > 0 ? ExitCodes.Failure : ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Where a scanned file is: under <paramref name="prefix"/> by its relative path (each segment escaped), else its local path.</summary>
    private static string Location(string? prefix, string root, string path)
    {
        if (prefix is null)
            return path;
        var segments = Path.GetRelativePath(root, path).Split(Path.DirectorySeparatorChar).Select(Uri.EscapeDataString);
        return prefix.TrimEnd('/') + "/" + string.Join('/', segments);
    }

    /// <summary>A scanned image's media type, by its extension.</summary>
    private static string ContentTypeOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".jpg" or ".jpeg" => "image/jpeg",
        ".png" => "image/png",
        ".gif" => "image/gif",
        ".webp" => "image/webp",
        ".bmp" => "image/bmp",
        ".tif" or ".tiff" => "image/tiff",
        _ => "application/octet-stream",
    };

    private static void WriteReport(string path, string root, List<QueryResult> results, bool dihedral)
    {
        string temporary = path + ".tmp";
        using (var writer = new StreamWriter(temporary))
        {
            if (path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
            {
                writer.WriteLine("path,status,pdq,quality,bank,content_id,distance,label");
                foreach (var r in results)
                {
                    string prefix = string.Join(',', HashOutputWriter.CsvField(r.Query), QueryResult.StatusName(r.Status), r.Pdq?.ToString(), r.Quality);
                    if (r.Outcome.Matches.Count == 0)
                        writer.WriteLine(prefix + ",,,,");
                    foreach (var m in r.Outcome.Matches)
                        writer.WriteLine(string.Join(',', prefix, m.Bank.Name, m.ContentId, m.Distance, HashOutputWriter.CsvField(m.Content!.Classification ?? "")));
                }
            }
            else
            {
                var json = new Dictionary<string, object?>
                {
                    ["root"] = root,
                    ["scanned_at"] = DateTimeOffset.UtcNow,
                    ["files"] = results.Count,
                    ["matched"] = results.Count(r => r.Status == QueryStatus.Matched),
                    ["failed"] = results.Count(r => r.Status == QueryStatus.Failed),
                    ["results"] = results.Select(r => MatchOutputWriter.ToJson(r, dihedral)).ToList(),
                };
                writer.Write(JsonSerializer.Serialize(json, new JsonSerializerOptions { WriteIndented = true }));
                writer.WriteLine();
            }
        }
        File.Move(temporary, path, overwrite: true);
    }
}
