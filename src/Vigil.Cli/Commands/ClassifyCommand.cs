using System.CommandLine;
using Vigil.Classifiers;
using Vigil.Classifiers.Manifests;
using Vigil.Cli.Classifying;
using Vigil.Cli.Hashing;
using Vigil.Cli.Interaction;
using Vigil.Media;

namespace Vigil.Cli.Commands;

/// <summary><c>vigil classify --model MANIFEST PATH...</c>: score images with a licensed model, one line per file, in input order.</summary>
internal static class ClassifyCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var model = new Option<string>("--model", "-m") { Description = "The classifier's manifest (JSON: docs/classifiers.md)", Required = true };
        var format = new Option<string>("--format", "-f") { Description = "Output format", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "csv", "json");
        var batch = new Option<int>("--batch")
        {
            Description = "Images decoded and scored together (default 16; the model's own limit still applies)",
            DefaultValueFactory = _ => 16,
            Validators = { r => { if (r.Tokens.Count == 1 && int.TryParse(r.Tokens[0].Value, out int n) && n is < 1 or > 1024) r.AddError("--batch must be 1 to 1024"); } },
        };
        var secondsPerFrame = new Option<double>("--seconds-per-frame")
        {
            Description = "Videos: score one frame every S seconds (default 1); the highest frame's score is the video's",
            DefaultValueFactory = _ => 1,
            Validators = { r => { if (r.Tokens.Count == 1 && double.TryParse(r.Tokens[0].Value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double v) && !(v > 0 && double.IsFinite(v))) r.AddError("--seconds-per-frame must be a positive number of seconds"); } },
        };
        var threads = CommonOptions.Threads();
        var maxMegapixels = CommonOptions.MaxMegapixels();
        var paths = CommonOptions.Paths();
        var command = new Command("classify", "Score images with a classifier a platform licenses (an ONNX model or a vendor's service); a score past the manifest's threshold says FLAGGED, a reason for a person to look, never a finding")
        {
            model, format, batch, secondsPerFrame, threads, maxMegapixels, paths,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!CommonOptions.NativeLibrariesReady(error))
                return ExitCodes.Failure;
            IMediaClassifier classifier;
            try
            {
                classifier = MediaClassifiers.Open(parse.GetValue(model)!, parse.GetValue(threads));
            }
            catch (Exception e) when (e is ClassifierManifestException or ClassifierException)
            {
                error.WriteLine("error: " + e.Message);
                return ExitCodes.Failure;
            }
            using (classifier)
            {
                var inputs = InputFiles.Expand(parse.GetValue(paths)!, static f => InputFiles.IsImage(f) || Banks.VideoFiles.Extensions.Contains(Path.GetExtension(f)),
                    "image or video ", error);
                // Models see pictures as people do: upright, so the EXIF orientation is applied.
                var decodeOptions = new DecodeOptions { AutoOrient = true, MaxPixels = (long)(parse.GetValue(maxMegapixels) * 1_000_000) };
                var writer = new ClassifyOutputWriter(output, parse.GetValue(format)!, classifier.Manifest);
                writer.WriteHeader();
                int failures = 0, flagged = 0;
                var progress = new CommandProgress(error, "files", inputs.Count, () => $", {flagged:N0} flagged" + (failures == 0 ? "" : $", {failures:N0} failed"),
                    plainLines: inputs.Count >= CommandProgress.PlainLinesFromFiles);
                var run = new BatchClassifier(classifier, decodeOptions, parse.GetValue(threads), parse.GetValue(batch), parse.GetValue(secondsPerFrame));
                try
                {
                    await run.RunAsync(inputs, record =>
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
                            if (classifier.Manifest.IsPastThreshold(record.Score!.Score))
                                flagged++;
                            writer.Write(record);
                        }
                        progress.Advance(output);
                    }, cancellationToken).ConfigureAwait(false);
                }
                catch (ClassifierException e)
                {
                    progress.Clear();
                    output.Flush();
                    error.WriteLine("error: " + e.Message);
                    return ExitCodes.Failure;
                }
                progress.Finish();
                output.Flush();
                return failures == 0 ? ExitCodes.Success : ExitCodes.Failure;
            }
        });
        return command;
    }
}
