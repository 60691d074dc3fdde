using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Vigil.Cli.Hashing;
using Vigil.Cli.Interaction;
using Vigil.Hashing.Pdq;
using Vigil.Matching;
using Vigil.Media.Charts;

namespace Vigil.Cli.Quality;

/// <summary>
/// <c>vigil bench quality DIR</c>: how often each way of matching finds edited copies of a platform's own benign images,
/// and how often it matches unrelated ones; text, JSON and a PNG bar chart.
/// </summary>
internal static class QualityCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var dir = new Argument<string[]>("DIR") { Description = "Benign images (files or folders, searched recursively)", Arity = ArgumentArity.OneOrMore };
        var transforms = new Option<string?>("--transforms")
        {
            Description = $"Comma-separated transforms (default all: {string.Join(", ", QualityTransform.All.Select(t => t.Name))})",
        };
        var modes = new Option<string?>("--modes") { Description = $"Comma-separated modes (default all: {string.Join(", ", QualityMode.All.Select(m => m.Name))})" };
        var impostors = new Option<string[]>("--impostors")
        {
            Description = "More unrelated benign images: each is a query against every original and a bank entry every copy is matched against",
            Arity = ArgumentArity.OneOrMore,
        };
        var format = new Option<string>("--format") { Description = "text or json", DefaultValueFactory = _ => "text" }.AcceptOnlyFromAmong("text", "json");
        var plot = new Option<string?>("--plot") { Description = "Also draw recall per transform and mode as a PNG bar chart to this file" };
        var maxDistance = new Option<int>("--max-distance", "-d") { Description = "The distance at or under which a pair matches", DefaultValueFactory = _ => PdqIndex.DefaultMaxDistance };
        maxDistance.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 0 or > PdqHash.BitCount - 1)
                r.AddError($"--max-distance must be 0..{PdqHash.BitCount - 1}");
        });
        var minQuality = new Option<int>("--min-quality") { Description = "Hashes of lower quality are not matched", DefaultValueFactory = _ => PdqResult.MinimumTrustedQuality };
        minQuality.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 0 or > 100)
                r.AddError("--min-quality must be 0..100");
        });
        var seed = new Option<int>("--seed") { Description = "Seeds the random edits (noise, captions, page layouts)", DefaultValueFactory = _ => 1 };
        var maxSide = new Option<int>("--max-side") { Description = "Shrink images to at most this many pixels on the long side first", DefaultValueFactory = _ => 1024 };
        maxSide.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 64)
                r.AddError("--max-side must be at least 64");
        });
        var threads = new Option<int>("--threads") { Description = "Images hashed at once", DefaultValueFactory = _ => Environment.ProcessorCount };
        threads.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1)
                r.AddError("--threads must be at least 1");
        });
        var bankVariants = new Option<string?>("--bank-variants")
        {
            Description = "For tuning: the robust mode's bank-side variants, comma-separated (e.g. crop-centre-5,rotate+5,masked-top)",
            Hidden = true,
        };
        var command = new Command("quality",
            "Recall of plain, dihedral and robust matching on edited copies of your own benign images, and their false-match rate on unrelated pairs")
        {
            dir, transforms, modes, impostors, format, plot, maxDistance, minQuality, seed, maxSide, threads, bankVariants,
        };
        command.SetAction(parse =>
        {
            var chosenTransforms = QualityTransform.Select(parse.GetValue(transforms));
            var chosenModes = QualityMode.Select(parse.GetValue(modes));
            var images = Images(parse.GetValue(dir)!, "DIR", error);
            var unrelated = parse.GetValue(impostors) is { Length: > 0 } extra ? Images(extra, "--impostors", error) : [];
            if (images.Count < 2)
                throw new ArgumentException($"DIR: need at least 2 images to measure impostor pairs, found {images.Count}");
            var options = new QualityStudyOptions(chosenTransforms, chosenModes, parse.GetValue(maxDistance), parse.GetValue(minQuality), parse.GetValue(seed),
                parse.GetValue(maxSide), parse.GetValue(threads))
            {
                BankVariants = parse.GetValue(bankVariants) is { } list ? BankVariants(list) : null,
            };
            var clock = Stopwatch.StartNew();
            var progress = new CommandProgress(error, "images", images.Count + unrelated.Count);
            int done = 0;
            var hashed = QualityStudy.Hash(images, unrelated, options, () =>
            {
                lock (progress)
                    progress.Report(++done);
            });
            progress.Finish();
            if (hashed.Originals.Count - hashed.ImpostorOriginals < 2)
                throw new ArgumentException($"DIR: fewer than 2 images decoded ({hashed.Failed.Count} failed: {string.Join("; ", hashed.Failed.Take(3))})");
            var report = new QualityReport(hashed.Originals.Count - hashed.ImpostorOriginals, hashed.ImpostorOriginals, hashed.Failed, hashed.NearDuplicates,
                options.MaxDistance,
                options.MinQuality, options.Seed, options.MaxSide, [.. chosenTransforms.Select(t => new TransformInfo(t.Name, t.Description))],
                chosenModes.Any(m => m.BankSide) ? [.. (options.BankVariants ?? Vigil.ImageHashing.RobustBankHasher.DefaultVariants).Select(v => v.Name)] : [],
                QualityEvaluation.Evaluate(hashed, options), Math.Round(clock.Elapsed.TotalSeconds, 1));
            if (parse.GetValue(format) == "json")
                output.WriteLine(JsonSerializer.Serialize(report, QualityJsonContext.Default.QualityReport));
            else
                QualityText.Write(report, output);
            if (parse.GetValue(plot) is { } file)
                Plot(report, file);
            return ExitCodes.Success;
        });
        return command;
    }

    private static List<Vigil.ImageHashing.BankVariant> BankVariants(string list) =>
        [.. list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(name => Vigil.ImageHashing.BankVariant.Parse(name) ?? throw new ArgumentException($"--bank-variants: unknown variant '{name}'"))];

    private static List<string> Images(string[] paths, string what, TextWriter error)
    {
        var files = InputFiles.Expand(paths, imagesOnly: true, error);
        var missing = files.FirstOrDefault(f => f.Error is not null);
        if (missing is not null)
            throw new ArgumentException($"{what}: {missing.Path}: {missing.Error}");
        return [.. files.Select(f => f.Path)];
    }

    private static void Plot(QualityReport report, string file)
    {
        var categories = new List<string>(report.Transforms.Select(t => t.Name)) { "overall" };
        var series = report.Modes.Select(m => new BarSeries(m.Mode, [.. m.Transforms.Select(t => t.Recall), m.OverallRecall])).ToList();
        var data = new BarChartData($"Recall at distance <= {report.MaxDistance} ({report.Images} images, seed {report.Seed})", categories, series);
        using var stream = File.Create(file);
        BarChart.RenderPng(data, stream);
    }
}
