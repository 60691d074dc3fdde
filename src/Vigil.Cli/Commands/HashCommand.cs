using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Vigil.Cli.Banks;
using Vigil.Cli.Hashing;
using Vigil.Cli.Interaction;
using Vigil.Hashing.Vpdq;
using Vigil.Media.Video;
using Vigil.Video;

namespace Vigil.Cli.Commands;

/// <summary><c>vigil hash</c>: print the PDQ (or MD5/SHA-256) of files, or the vPDQ of videos, in input order.</summary>
internal static class HashCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var algorithm = new Option<string>("--algorithm", "-a")
        {
            Description = "Hash to compute",
            DefaultValueFactory = _ => "pdq",
        };
        algorithm.AcceptOnlyFromAmong("pdq", "md5", "sha256", "vpdq");
        var dihedral = new Option<bool>("--dihedral") { Description = "Also print the seven rotated/flipped PDQ hashes" };
        var format = new Option<string>("--format", "-f") { Description = "Output format", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "csv", "json", "vpdq");
        var everyFrame = new Option<bool>("--every-frame") { Description = "vpdq: hash every frame (default: one frame per second)" };
        var secondsPerHash = new Option<double?>("--seconds-per-hash")
        {
            Description = "vpdq: one frame every S seconds (default 1)",
            Validators = { r => { if (r.Tokens.Count == 1 && (!double.TryParse(r.Tokens[0].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !(v > 0) || !double.IsFinite(v))) r.AddError("--seconds-per-hash must be a positive number of seconds"); } },
        };
        var threads = CommonOptions.Threads();
        var autoOrient = CommonOptions.AutoOrient();
        var maxMegapixels = CommonOptions.MaxMegapixels();
        var compat = CommonOptions.Compat();
        var paths = CommonOptions.Paths();

        var command = new Command("hash", "Hash images (PDQ) or any files (MD5, SHA-256); one line per file, in input order")
        {
            algorithm, dihedral, format, everyFrame, secondsPerHash, threads, autoOrient, maxMegapixels, compat, paths,
        };
        command.Description = "Hash images (PDQ), videos (vPDQ) or any files (MD5, SHA-256); one line per file (vpdq: per frame), in input order";
        command.Validators.Add(r =>
        {
            if (r.GetValue(dihedral) && r.GetValue(algorithm) is "md5" or "sha256")
                r.AddError("--dihedral applies to --algorithm pdq only");
            bool vpdq = r.GetValue(algorithm) == "vpdq";
            if (!vpdq && (r.GetValue(everyFrame) || r.GetValue(secondsPerHash) is not null))
                r.AddError("--every-frame and --seconds-per-hash apply to --algorithm vpdq only");
            if (vpdq && r.GetValue(everyFrame) && r.GetValue(secondsPerHash) is not null)
                r.AddError("give --every-frame or --seconds-per-hash, not both");
            if (vpdq && r.GetValue(dihedral))
                r.AddError("--dihedral applies to --algorithm pdq only");
            if (!vpdq && r.GetValue(format) == "vpdq")
                r.AddError("--format vpdq applies to --algorithm vpdq only");
            if (r.GetValue(compat) == "pytx" && r.GetValue(algorithm) is "md5" or "sha256" or "vpdq")
                r.AddError("--compat applies to --algorithm pdq only");
            if (r.GetValue(compat) == "pytx" && r.GetValue(autoOrient))
                r.AddError("--compat pytx reproduces python-threatexchange, which never applies EXIF orientation: drop --auto-orient");
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(algorithm) == "vpdq")
            {
                var options = new VpdqOptions
                {
                    EveryFrame = parse.GetValue(everyFrame),
                    SecondsPerHash = parse.GetValue(secondsPerHash) ?? 1,
                    MaxDegreeOfParallelism = parse.GetValue(threads),
                };
                string vpdqFormat = parse.GetValue(format) is "csv" or "json" ? parse.GetValue(format)! : "vpdq";
                return await HashVideosAsync(parse.GetValue(paths)!, options, vpdqFormat, output, error, cancellationToken).ConfigureAwait(false);
            }
            var kind = parse.GetValue(algorithm) switch
            {
                "md5" => HashAlgorithmKind.Md5,
                "sha256" => HashAlgorithmKind.Sha256,
                _ => HashAlgorithmKind.Pdq,
            };
            var outputFormat = parse.GetValue(format) switch
            {
                "csv" => HashOutputFormat.Csv,
                "json" => HashOutputFormat.Json,
                _ => HashOutputFormat.Text,
            };
            bool withDihedral = parse.GetValue(dihedral);
            if (kind == HashAlgorithmKind.Pdq && !CommonOptions.NativeLibrariesReady(error))
                return ExitCodes.Failure;
            var decodeOptions = CommonOptions.DecodeOptions(parse, autoOrient, maxMegapixels, compat);
            var inputs = InputFiles.Expand(parse.GetValue(paths)!, imagesOnly: kind == HashAlgorithmKind.Pdq, warnings: error);

            var writer = new HashOutputWriter(output, outputFormat, kind, withDihedral);
            writer.WriteHeader();
            int failures = 0;
            var progress = new CommandProgress(error, "files", inputs.Count, () => failures == 0 ? "" : $", {failures:N0} failed",
                plainLines: inputs.Count >= CommandProgress.PlainLinesFromFiles);
            OrderedParallelHasher.Run(inputs, parse.GetValue(threads),
                () => new FileHasher(kind, withDihedral, decodeOptions),
                record =>
                {
                    progress.Clear();
                    if (record.Error is not null)
                    {
                        failures++;
                        output.Flush();
                        error.WriteLine($"error: {record.Path}: {record.Error}");
                    }
                    else
                    {
                        if (outputFormat != HashOutputFormat.Json && record.Warnings.Count > 0)
                        {
                            output.Flush();
                            DecoderWarnings.Write(error, record.Path, record.Warnings);
                        }
                        writer.Write(record);
                    }
                    progress.Advance(output);
                });
            progress.Finish();
            output.Flush();
            return failures == 0 ? ExitCodes.Success : ExitCodes.Failure;
        });
        return command;
    }

    /// <summary>Progress lines are printed for videos longer than this (seconds), at most every <see cref="ProgressInterval"/>.</summary>
    private const double ProgressMinimumDuration = 30;

    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(2);

    /// <summary>
    /// <c>vigil hash --algorithm vpdq</c>: each video in turn (its frames hashed on all threads). Formats:
    /// <c>vpdq</c> (the reference's lines; with several videos each block follows a <c># PATH</c> line),
    /// <c>csv</c> (<c>path,frame_number,quality,pdq,timestamp</c>), <c>json</c> (one object per video a line).
    /// </summary>
    private static async Task<int> HashVideosAsync(IReadOnlyList<string> paths, VpdqOptions options, string format, TextWriter output, TextWriter error,
        CancellationToken cancellationToken)
    {
        var videos = new List<string>();
        foreach (string path in paths)
        {
            if (Directory.Exists(path))
            {
                int before = videos.Count;
                foreach (var found in LinkFollowingWalk.Files(path, static file => VideoFiles.Extensions.Contains(Path.GetExtension(file)), error))
                {
                    if (found.Error is null)
                        videos.Add(found.Path);
                    else
                        error.WriteLine($"error: {found.Path}: {found.Error}");
                }
                if (videos.Count == before)
                    error.WriteLine($"warning: {path}: no video files found");
            }
            else
            {
                videos.Add(path);
            }
        }

        var hasher = new VpdqHasher();
        int failures = 0;
        if (format == "csv")
            output.WriteLine("path,frame_number,quality,pdq,timestamp");
        foreach (string video in videos)
        {
            VpdqResult result;
            try
            {
                var progress = new ProgressPrinter(video, error);
                result = await hasher.HashFileAsync(video, options with { Progress = progress }, cancellationToken).ConfigureAwait(false);
                progress.Done();
            }
            catch (VideoDecodeException e)
            {
                failures++;
                output.Flush();
                error.WriteLine($"error: {e.Message}");
                continue;
            }
            switch (format)
            {
                case "csv":
                    WriteCsv(output, video, result);
                    break;
                case "json":
                    output.WriteLine(ToJson(video, result));
                    break;
                default:
                    if (videos.Count > 1)
                        output.WriteLine("# " + video);
                    foreach (var frame in result.Frames)
                        output.WriteLine(VpdqFormat.FormatLine(frame));
                    break;
            }
            output.Flush();
        }
        return failures == 0 ? ExitCodes.Success : ExitCodes.Failure;
    }

    private static void WriteCsv(TextWriter output, string path, VpdqResult result)
    {
        string quoted = CsvField(path);
        foreach (var frame in result.Frames)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{quoted},{VpdqFormat.FormatLine(frame)}"));
    }

    private static string CsvField(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>One video as a JSON object: path, size, frame rate, duration (null when unknown) and its frames.</summary>
    internal static string ToJson(string path, VpdqResult result)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("path", path);
            json.WriteNumber("width", result.Info.Width);
            json.WriteNumber("height", result.Info.Height);
            json.WriteNumber("fps", Math.Round(result.Info.FramesPerSecond, 6));
            if (double.IsFinite(result.Info.DurationSeconds))
                json.WriteNumber("duration", Math.Round(result.Info.DurationSeconds, 3));
            else
                json.WriteNull("duration");
            json.WriteStartArray("frames");
            foreach (var frame in result.Frames)
            {
                json.WriteStartObject();
                json.WriteNumber("frame", frame.FrameNumber);
                json.WriteNumber("quality", frame.Quality);
                json.WriteString("pdq", frame.Hash.ToString());
                json.WriteNumber("timestamp", Math.Round(frame.TimestampSeconds, 3));
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Plain progress lines on stderr for long videos (workers report; lines are throttled).</summary>
    private sealed class ProgressPrinter(string path, TextWriter error) : IProgress<VpdqProgress>
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly Lock _lock = new();
        private TimeSpan _last;
        private bool _printed;

        public void Report(VpdqProgress value)
        {
            if (!(value.DurationSeconds >= ProgressMinimumDuration))
                return;
            lock (_lock)
            {
                var now = _clock.Elapsed;
                if (now - _last < ProgressInterval)
                    return;
                _last = now;
                _printed = true;
                error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"progress: {path}: {value.StreamSeconds:F0} of {value.DurationSeconds:F0} s ({100 * value.StreamSeconds / value.DurationSeconds:F0}%), {value.FramesHashed} frames hashed"));
            }
        }

        public void Done()
        {
            lock (_lock)
                if (_printed)
                    error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"progress: {path}: done in {_clock.Elapsed.TotalSeconds:F1} s"));
        }
    }
}
