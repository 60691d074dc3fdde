using System.CommandLine;
using System.Globalization;
using Vigil.Banks;
using Vigil.Cli.Banks;
using Vigil.Cli.Hashing;
using Vigil.Cli.Interaction;
using Vigil.Hashing.Pdq;
using Vigil.Media;
using Vigil.Video;

namespace Vigil.Cli.Commands;

/// <summary><c>vigil match</c>: match images or PDQ hashes against the banks.</summary>
internal static class MatchCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var options = new MatchOptions();
        var hashes = new Option<string[]>("--hash")
        {
            Description = "Match these PDQ hashes (64 hex digits each: --hash A B C, or --hash A --hash B) instead of files",
            AllowMultipleArgumentsPerToken = true,
            Validators =
            {
                r =>
                {
                    foreach (var token in r.Tokens)
                        if (!PdqHash.TryParse(token.Value, out _, out var why))
                            r.AddError($"--hash {token.Value}: {why}");
                },
            },
        };
        var format = new Option<string>("--format", "-f") { Description = "text, csv (query,pdq,bank,content_id,distance,label) or json (one object per query per line)", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "csv", "json");
        var videoPercent = new Option<double>("--video-match-percent")
        {
            Description = $"Videos: a bank video matches when at least this share of the query's frames match one of its frames (default {VideoMatchOptions.DefaultQueryPercent:0}, as the exchanges)",
            DefaultValueFactory = _ => VideoMatchOptions.DefaultQueryPercent,
            Validators = { r => { if (r.Tokens.Count == 1 && double.TryParse(r.Tokens[0].Value, CultureInfo.InvariantCulture, out double p) && !(p is >= 0 and <= 100)) r.AddError("--video-match-percent must be 0..100"); } },
        };
        var threads = CommonOptions.Threads();
        var compat = CommonOptions.Compat();
        var paths = CommonOptions.Paths();
        paths.Arity = ArgumentArity.ZeroOrMore;
        var command = new Command("match",
            "Match images or videos (or PDQ hashes given with --hash) against the banks; one line per match (videos: per bank video compared, with query% and compared%)")
        {
            hashes, format, videoPercent, threads, compat, paths,
        };
        options.AddTo(command);
        options.Robust.Description += "; videos: also their frames with the bars trimmed (one rectangle agreed over the frames)";
        command.Validators.Add(r =>
        {
            bool anyPath = (r.GetValue(paths)?.Length ?? 0) > 0, anyHash = (r.GetValue(hashes)?.Length ?? 0) > 0;
            if (anyPath == anyHash)
                r.AddError("give image or video files or --hash HEX, one or the other");
            if (anyHash && r.GetValue(options.Dihedral))
                r.AddError("--dihedral needs image files: the rotated hashes come from the image, not from its hash");
            if (anyHash && r.GetValue(options.Robust))
                r.AddError("--robust needs image files: the trimmed and embedded pictures come from the image, not from its hash");
        });
        command.SetAction(async (parse, ct) =>
        {
            string[] files = parse.GetValue(paths) ?? [];
            var (images, videos) = files.Length > 0 ? VideoFiles.Partition(files, error) : ([], []);
            if (images.Count > 0 && !CommonOptions.NativeLibrariesReady(error))
                return ExitCodes.Failure;
            await using var store = await StoreOption.OpenAsync(parse, ct);
            var settings = options.Read(parse);
            var (banks, dihedral, maxDistance, minQuality) = settings;
            var matcher = await BankMatcher.LoadAsync(store, banks, error, ct);
            var writer = new MatchOutputWriter(output, parse.GetValue(format)!, dihedral, minQuality);
            if (videos.Count > 0 && parse.GetValue(format) == "csv")
                output.WriteLine(VideoMatchOutputWriter.CsvHeader);
            else
                writer.WriteHeader();
            // --robust matches videos by their frames plain and with their borders trimmed; rotations are for images.
            if (videos.Count > 0 && dihedral && !settings.Robust)
                error.WriteLine("warning: --dihedral applies to images only; videos are matched by their frames as they are");
            if (matcher.HashCount == 0)
                error.WriteLine($"warning: the banks in {store.Location} hold no PDQ hashes: only exact MD5 matches are possible");

            int failures = 0;
            foreach (string hex in parse.GetValue(hashes) ?? [])
            {
                var hash = PdqHash.Parse(hex);
                var outcome = await matcher.MatchAsync([hash], maxDistance, md5: null, ct);
                writer.Write(new QueryResult(hex, hash, null, MatchOptions.StatusOf(outcome), outcome));
            }
            if (images.Count > 0)
            {
                var inputs = images;
                var records = new List<HashRecord>();
                var progress = new CommandProgress(error, "images hashed", inputs.Count, plainLines: inputs.Count >= CommandProgress.PlainLinesFromFiles);
                OrderedParallelHasher.Run(inputs, parse.GetValue(threads),
                    () => new FileHasher(HashAlgorithmKind.Pdq, dihedral, new DecodeOptions { Compat = CommonOptions.CompatOf(parse, compat) }, settings.Robust),
                    record =>
                    {
                        records.Add(record);
                        progress.Advance();
                    });
                progress.Finish();
                foreach (var record in records)
                {
                    var result = await MatchOptions.EvaluateAsync(record, matcher, dihedral, maxDistance, minQuality, ct);
                    if (result.Warnings.Count > 0 && parse.GetValue(format) != "json")
                    {
                        output.Flush();
                        DecoderWarnings.Write(error, record.Path, result.Warnings);
                    }
                    if (result.Status == QueryStatus.Failed)
                    {
                        failures++;
                        output.Flush();
                        error.WriteLine($"error: {record.Path}: {record.Error}");
                        if (parse.GetValue(format) != "json")
                            continue;
                    }
                    writer.Write(result);
                }
            }
            if (videos.Count > 0)
            {
                var rule = new VideoMatchRule(new VideoMatchOptions
                {
                    MaxDistance = maxDistance,
                    MinQuality = minQuality,
                    QueryPercent = parse.GetValue(videoPercent),
                });
                var videoWriter = new VideoMatchOutputWriter(output, parse.GetValue(format)!, rule);
                foreach (string path in videos)
                {
                    var video = await VideoFiles.HashAsync(path, ct, trimBorders: settings.Robust);
                    if (video.Result is null)
                    {
                        failures++;
                        output.Flush();
                        error.WriteLine($"error: {path}: {video.Error}");
                        if (parse.GetValue(format) == "json")
                            videoWriter.Write(new VideoQueryResult(path, null, video.Error));
                        continue;
                    }
                    if (settings.Robust)
                    {
                        var robust = await rule.MatchRobustAsync(matcher, video.Result, video.Md5, ct);
                        videoWriter.Write(new VideoQueryResult(path, robust.Outcome, null, robust.Variant));
                        continue;
                    }
                    var outcome = await rule.MatchAsync(matcher, video.Result.Frames, video.Md5, ct);
                    videoWriter.Write(new VideoQueryResult(path, outcome, null));
                }
            }
            output.Flush();
            return failures == 0 ? ExitCodes.Success : ExitCodes.Failure;
        });
        return command;
    }
}
