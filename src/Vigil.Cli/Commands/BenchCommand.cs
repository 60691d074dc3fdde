using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Vigil.Cli.Benchmarks;
using Vigil.Cli.Hashing;
using Vigil.Matching;
using Vigil.Hashing.Pdq;
using Vigil.Media;

namespace Vigil.Cli.Commands;

/// <summary><c>vigil bench hash</c>: end-to-end PDQ throughput with the time split by stage.</summary>
internal static class BenchCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var bench = new Command("bench", "Measure Vigil's speed on this machine");
        bench.Subcommands.Add(CreateHash(output, error));
        bench.Subcommands.Add(CreateIndex(output, error));
        bench.Subcommands.Add(CreateServe(output, error));
        bench.Subcommands.Add(CreateSoak(output, error));
        bench.Subcommands.Add(CreatePsi(output, error));
        bench.Subcommands.Add(CreatePsiRecall(output, error));
        bench.Subcommands.Add(CreateVpdqCompat(output, error));
        bench.Subcommands.Add(CreateVpdq(output, error));
        bench.Subcommands.Add(CreateReviewSubmit(output, error));
        bench.Subcommands.Add(CreateReviewQueue(output, error));
        bench.Subcommands.Add(CreateReport(output, error));
        bench.Subcommands.Add(CreateBackfill(output, error));
        bench.Subcommands.Add(Quality.QualityCommand.Create(output, error));
        bench.Subcommands.Add(CreateClassify(output, error));
        bench.Subcommands.Add(CreateGuard(output, error));
        bench.Subcommands.Add(CreateText(output, error));
        bench.Subcommands.Add(CreateFakeNcmec(output));
        return bench;
    }

    private static Command CreateReviewSubmit(TextWriter output, TextWriter error)
    {
        var photo = new Option<string>("--photo")
        {
            Description = "The JPEG each case carries",
            DefaultValueFactory = _ => Path.Combine("tests/fixtures", ReviewBenchmark.PhotoFixture),
        };
        var seconds = PositiveInt("--seconds", "How long to submit", 20);
        var concurrency = PositiveInt("--concurrency", "Submissions in flight", 4);
        var rate = PositiveInt("--lookup-rate", "Lookups per second beside the submissions", 200);
        var unseen = new Option<bool>("--unseen") { Description = "Submit photos the server never saw (else each was looked up first, as a platform does)" };
        var command = new Command("review-submit", "POST /v1/cases on 127.0.0.1 (a 200 KB JPEG and its context per case, media sealed in the evidence vault, SQLite) with lookups beside it; prints one JSON line (cases/s, lookup p99)")
        {
            photo, seconds, concurrency, rate, unseen,
        };
        command.SetAction((parse, ct) => ReviewBenchmark.SubmitAsync(parse.GetValue(photo)!, parse.GetValue(seconds), parse.GetValue(concurrency), parse.GetValue(rate),
            !parse.GetValue(unseen), output, error, ct));
        return command;
    }

    private static Command CreateReviewQueue(TextWriter output, TextWriter error)
    {
        var cases = PositiveInt("--cases", "Open cases in the queue (made when the store has none)", 100_000);
        var samples = PositiveInt("--samples", "Timed page reads and claims", 1_000);
        var command = new Command("review-queue", "The review queue over many open cases in the store named by --db or --postgres (use a throwaway one): first page, a deep keyset page and claim-next, p50/p99; prints one JSON line")
        {
            cases, samples,
        };
        command.SetAction(async (parse, ct) =>
        {
            await using var store = await StoreOption.OpenAsync(parse, ct);
            return await ReviewBenchmark.QueueAsync(store, parse.GetValue(cases), parse.GetValue(samples), output, error, ct);
        });
        return command;
    }

    private static Command CreateBackfill(TextWriter output, TextWriter error)
    {
        var entries = PositiveInt("--entries", "Entries the fake NCMEC holds (synthetic counters)", 1_000_000);
        var bank = PositiveInt("--bank-size", "Random hashes already in the bank the lookups hit", 100_000);
        var rate = PositiveInt("--lookup-rate", "Lookups per second during the backfill", 500);
        var connections = PositiveInt("--concurrency", "Lookup connections", 4);
        var share = ExchangeFetchCommand.BackfillShareOption();
        var command = new Command("exchange-backfill", "The real server backfills N entries from a fake NCMEC through its exchange schedule while lookups run: lookup p99 during it, and how soon committed entries match; prints one JSON line")
        {
            entries, bank, rate, connections, share,
        };
        command.SetAction((parse, ct) => BackfillBenchmark.RunAsync(parse.GetValue(entries), parse.GetValue(bank), parse.GetValue(rate), parse.GetValue(connections),
            parse.GetValue(share), output, error, ct));
        return command;
    }

    /// <summary>The backfill benchmark's fake NCMEC in its own process (hidden: the benchmark starts it).</summary>
    private static Command CreateFakeNcmec(TextWriter output)
    {
        var entries = PositiveInt("--entries", "Synthetic entries", 1_000_000);
        var credentials = new Option<string>("--credentials-out") { Description = "Where the fake's credentials file goes", Required = true };
        var command = new Command("fake-ncmec", "Serve a fake NCMEC with synthetic entries on 127.0.0.1 until standard input closes (the backfill benchmark's)")
        {
            entries, credentials,
        };
        command.Hidden = true;
        command.SetAction((parse, ct) => FakeNcmecProcess.ServeAsync(parse.GetValue(entries), parse.GetValue(credentials)!, output, ct));
        return command;
    }

    private static Command CreateGuard(TextWriter output, TextWriter error)
    {
        var width = PositiveInt("--width", "Frame width", 1280);
        var height = PositiveInt("--height", "Frame height", 720);
        var fps = PositiveInt("--fps", "The stream's frames per second", 30);
        var checks = PositiveInt("--checks-per-second", "Sampled checks a second", 5);
        var frames = PositiveInt("--frames", "Frames pushed", 900);
        var list = PositiveInt("--list-size", "Random PDQ hashes on the device's list", 10_000);
        var endToEnd = new Option<bool>("--end-to-end")
        {
            Description = "Measure the whole relay, ffmpeg included: a generated clip with sound decoded, guarded and encoded for a UDP receiver on 127.0.0.1 (cores needed at the clip's rate)",
        };
        var seconds = PositiveInt("--seconds", "With --end-to-end: the clip's length", 20);
        var fast = new Option<bool>("--as-fast-as-possible") { Description = "With --end-to-end: read the clip as fast as the relay goes, not at its own rate (latency then includes waiting for ffmpeg's encoder)" };
        var command = new Command("guard", "vigil guard's own cost on decoded frames (ffmpeg apart): ms per frame and per check, one core's share at the rate, latency beyond the delay line; with --end-to-end the whole relay; prints Markdown")
        {
            width, height, fps, checks, frames, list, endToEnd, seconds, fast,
        };
        command.SetAction((parse, ct) => parse.GetValue(endToEnd)
            ? GuardEndToEndBenchmark.RunAsync(parse.GetValue(width), parse.GetValue(height), parse.GetValue(fps), parse.GetValue(checks), parse.GetValue(seconds), parse.GetValue(list), !parse.GetValue(fast), output, error, ct)
            : Task.FromResult(GuardBenchmark.Run(parse.GetValue(width), parse.GetValue(height), parse.GetValue(fps), parse.GetValue(checks), parse.GetValue(frames), parse.GetValue(list), output)));
        return command;
    }

    private static Command CreateClassify(TextWriter output, TextWriter error)
    {
        var model = new Option<string?>("--model", "-m") { Description = "A manifest of an ONNX model to measure (default: a MobileNet-sized network with random weights, built here)" };
        var images = PositiveInt("--images", "Images per batch size (1280x960, generated)", 64);
        var threads = new Option<int>("--threads", "-j") { Description = "Threads for one model run (0: ONNX Runtime's choice, all cores)", DefaultValueFactory = _ => 0 };
        var batches = new Option<int[]>("--batches") { Description = "Batch sizes to measure", DefaultValueFactory = _ => [1, 8, 32], AllowMultipleArgumentsPerToken = true };
        var command = new Command("classify", "Images per second through an ONNX classifier on the CPU, inference and pre-processing apart, per batch size; prints Markdown")
        {
            model, images, threads, batches,
        };
        command.Validators.Add(r =>
        {
            if (r.GetValue(threads) < 0)
                r.AddError("--threads must be 0 or more");
            if (r.GetValue(batches) is { } b && b.Any(n => n < 1))
                r.AddError("--batches must be positive");
        });
        command.SetAction((parse, ct) => ClassifyBenchmark.RunAsync(parse.GetValue(model), parse.GetValue(images), parse.GetValue(threads), parse.GetValue(batches)!,
            output, error, ct));
        return command;
    }

    private static Command CreateText(TextWriter output, TextWriter error)
    {
        var corpus = new Option<string>("--corpus") { Description = "A labelled corpus (JSON Lines with label grooming or benign; default: the shipped synthetic one)", DefaultValueFactory = _ => TextBenchmark.DefaultCorpus };
        var rules = TextCommand.RulesOption();
        var textModel = Conversations.TextModelOption.Create();
        var command = new Command("text", "The conversation-risk rules on a labelled corpus: per rule and at the threshold, tune and held-out parts, and messages/s on one thread; prints Markdown")
        {
            corpus, rules, textModel,
        };
        command.SetAction(parse =>
        {
            if (TextCommand.LoadRules(parse.GetValue(rules), null, error) is not { } loaded)
                return ExitCodes.Failure;
            var (scorer, signal) = Conversations.TextModelOption.Load(parse.GetValue(textModel), error, out bool failed);
            using (scorer)
                return failed ? ExitCodes.Failure : TextBenchmark.Run(parse.GetValue(corpus)!, loaded, output, error, signal);
        });
        return command;
    }

    private static Command CreateReport(TextWriter output, TextWriter error)
    {
        var cases = PositiveInt("--cases", "Cases decided report", 1_000);
        var files = PositiveInt("--files", "Files per case", 3);
        var size = PositiveInt("--file-kb", "Size of each file in KB (random benign bytes)", 200);
        var lanes = PositiveInt("--parallelism", "Reports worked at once", 4);
        var command = new Command("report", "File cases decided report through the outbox to the fake CyberTipline on 127.0.0.1 (throwaway SQLite store, media in the evidence vault); prints one JSON line (reports/s, time share per step)")
        {
            cases, files, size, lanes,
        };
        command.SetAction((parse, ct) => ReportBenchmark.RunAsync(parse.GetValue(cases), parse.GetValue(files), parse.GetValue(size), parse.GetValue(lanes),
            output, error, ct));
        return command;
    }

    private static Command CreateVpdqCompat(TextWriter output, TextWriter error)
    {
        var videos = new Option<string>("--videos") { Description = "Directory of sample videos (*.mp4)", DefaultValueFactory = _ => "tests/fixtures/threatexchange/tmk/sample-videos" };
        var hashes = new Option<string>("--hashes") { Description = "Directory of the reference's vPDQ hashes (NAME.txt for NAME.mp4)", DefaultValueFactory = _ => "tests/fixtures/threatexchange/vpdq/sample-hashes" };
        var threads = CommonOptions.Threads();
        var command = new Command("vpdq-compat", "vPDQ of every frame of each sample video against the reference's hashes: frames, frames compared (both q>=50), % within distance 30, mean and max distance, same frame numbers; prints Markdown")
        {
            videos, hashes, threads,
        };
        command.SetAction((parse, ct) => VpdqCompatBenchmark.RunAsync(parse.GetValue(videos)!, parse.GetValue(hashes)!, parse.GetValue(threads), output, error, ct));
        return command;
    }

    private static Command CreateVpdq(TextWriter output, TextWriter error)
    {
        var everyFrame = new Option<bool>("--every-frame") { Description = "Hash every frame (default: one per second, as the exchanges do)" };
        var threads = CommonOptions.Threads();
        var repeat = PositiveInt("--repeat", "Runs per video; the best is reported", 3);
        var videos = new Argument<string[]>("VIDEO") { Description = "Video files", Arity = ArgumentArity.OneOrMore };
        var command = new Command("vpdq", "vPDQ speed end to end (ffmpeg decode, RGB pipe, PDQ): seconds of video hashed per second of wall time; prints Markdown")
        {
            everyFrame, threads, repeat, videos,
        };
        command.SetAction((parse, ct) => VpdqSpeedBenchmark.RunAsync(parse.GetValue(videos)!, parse.GetValue(everyFrame), parse.GetValue(threads), parse.GetValue(repeat), output, error, ct));
        return command;
    }

    private static Command CreatePsi(TextWriter output, TextWriter error)
    {
        var size = PositiveInt("--size", "Random hashes in the published list", 1_000_000);
        var vouchers = PositiveInt("--vouchers", "Vouchers to create and then process (one thread each)", 2_000);
        var threshold = PositiveInt("--threshold", "t", 30);
        var mode = new Option<string>("--mode") { Description = "exact or banded (5 bands, radius 1)", DefaultValueFactory = _ => "exact" };
        mode.AcceptOnlyFromAmong("exact", "banded");
        var command = new Command("psi", "Private matching: time pdata for N hashes (all cores), voucher creation and server processing (one thread each); prints one JSON line")
        {
            size, vouchers, threshold, mode,
        };
        command.SetAction(parse => PsiBenchmark.Run(parse.GetValue(size), parse.GetValue(vouchers), parse.GetValue(threshold), parse.GetValue(mode) == "banded", output, error));
        return command;
    }

    private static Command CreatePsiRecall(TextWriter output, TextWriter error)
    {
        var filler = new Option<int>("--filler") { Description = "Random hashes added to the list besides the images (default 20,000)", DefaultValueFactory = _ => 20_000 };
        filler.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 0 or > 10_000_000) r.AddError("--filler must be 0 to 10,000,000"); });
        var negatives = new Option<int>("--negatives") { Description = "Unlisted random hashes whose vouchers must open nothing (default 200)", DefaultValueFactory = _ => 200 };
        negatives.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 0 or > 100_000) r.AddError("--negatives must be 0 to 100,000"); });
        var seeds = new Option<int>("--seeds") { Description = "Banded tables, each with its own permutation seed (default 5)", DefaultValueFactory = _ => 5 };
        seeds.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 1 or > 100) r.AddError("--seeds must be 1 to 100"); });
        var paths = new Argument<string[]>("IMAGE") { Description = "Benign images that make up the list; each gets five edits (ImageMagick)", Arity = ArgumentArity.OneOrMore };
        var command = new Command("psi-recall", "Private matching on real edits (JPEG q50, half size, 2% crop, +20% brightness, text): which edited copies' vouchers open, banded and exact, next to their PDQ distance; prints Markdown")
        {
            filler, negatives, seeds, paths,
        };
        command.SetAction(parse =>
        {
            if (!CommonOptions.NativeLibrariesReady(error))
                return ExitCodes.Failure;
            try
            {
                return PsiRecallBenchmark.Run(parse.GetValue(paths)!, parse.GetValue(filler), parse.GetValue(negatives), parse.GetValue(seeds), output, error);
            }
            catch (Exception e) when (e is InvalidOperationException or Vigil.Media.ImageDecodeException or IOException)
            {
                error.WriteLine($"error: {e.Message}");
                return ExitCodes.Failure;
            }
        });
        return command;
    }

    private static Command CreateSoak(TextWriter output, TextWriter error)
    {
        var size = PositiveInt("--size", "Random hashes in the throwaway bank", 1_000_000);
        var minutes = new Option<double>("--minutes")
        {
            Description = "How long to run (default 10)",
            DefaultValueFactory = _ => 10,
            Validators = { r => { if (r.Tokens.Count == 1 && (!double.TryParse(r.Tokens[0].Value, System.Globalization.CultureInfo.InvariantCulture, out double m) || m <= 0 || m > 24 * 60)) r.AddError("--minutes must be more than 0 and at most 1440"); } },
        };
        var concurrency = PositiveInt("--concurrency", "Keep-alive connections sending lookups", 8);
        var rate = PositiveInt("--rate", "Lookups per second in total", 2_000);
        var writes = PositiveInt("--writes", "Signals added (and as many deleted) per second through the curation API", 5);
        var command = new Command("soak", "Endurance on 127.0.0.1: the real server over N random hashes, steady lookups and bank writes for a while; reports errors, latency and the server's resident memory after warm-up (fails past 10% growth)")
        {
            size, minutes, concurrency, rate, writes,
        };
        command.SetAction((parse, ct) => SoakBenchmark.RunAsync(new SoakBenchmark.Settings(parse.GetValue(size), TimeSpan.FromMinutes(parse.GetValue(minutes)),
            parse.GetValue(concurrency), parse.GetValue(rate), parse.GetValue(writes), MaxGrowth: 0.10), output, error, ct));
        return command;
    }

    private static Command CreateServe(TextWriter output, TextWriter error)
    {
        var size = PositiveInt("--size", "Random hashes in the throwaway bank", 1_000_000);
        var requests = PositiveInt("--requests", "GET /m/lookup requests to send (bounded)", 50_000);
        var concurrency = PositiveInt("--concurrency", "Keep-alive connections sending at once", 32);
        var command = new Command("serve", "Load-test the service on 127.0.0.1: a throwaway store of N random hashes, the real server, R lookups by hash over C connections; prints one JSON line (requests/s, p50/p99 ms, errors)")
        {
            size, requests, concurrency,
        };
        command.SetAction((parse, ct) => ServeBenchmark.RunAsync(parse.GetValue(size), parse.GetValue(requests), parse.GetValue(concurrency), output, error, ct));
        return command;
    }

    private static Command CreateIndex(TextWriter output, TextWriter error)
    {
        var size = PositiveInt("--size", "Number of random hashes to index", 10_000_000);
        var queries = PositiveInt("--queries", "Number of queries, each planted within the distance of a stored hash", 20_000);
        var maxDistance = new Option<int>("--max-distance", "-d")
        {
            Description = "Search radius in bits (0..63)",
            DefaultValueFactory = _ => PdqIndex.DefaultMaxDistance,
            Validators = { r => { if (r.Tokens.Count == 1 && int.TryParse(r.Tokens[0].Value, out int d) && d is < 0 or > PdqIndex.MaxSearchDistance) r.AddError("--max-distance must be 0..63"); } },
        };
        var threads = PositiveInt("--threads", "Query threads", 1);
        var seed = new Option<int>("--seed") { Description = "Random seed", DefaultValueFactory = _ => 1 };
        var format = new Option<string>("--format", "-f") { Description = "Output: text or json (one line)", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var command = new Command("index", "Build an index of N uniformly random PDQ hashes, snapshot and reload it, and time Q planted queries; recall is checked against brute force")
        {
            size, queries, maxDistance, threads, seed, format,
        };
        command.SetAction(parse =>
        {
            var result = IndexBenchmark.Run(parse.GetValue(size), parse.GetValue(queries), parse.GetValue(maxDistance),
                parse.GetValue(threads), parse.GetValue(seed), error);
            if (parse.GetValue(format) == "json")
            {
                output.WriteLine(JsonSerializer.Serialize(result));
            }
            else
            {
                output.WriteLine($"size:            {result.Size:N0} random hashes, {result.BytesPerHash:F1} bytes each in memory");
                output.WriteLine($"build:           {result.BuildSeconds:F2} s; snapshot {result.SnapshotBytes / 1e6:F0} MB, loaded in {result.LoadSeconds:F2} s");
                output.WriteLine($"queries:         {result.Queries:N0} at distance <= {result.MaxDistance}, {result.Threads} thread(s): {result.QueriesPerSecond:N0} per second");
                output.WriteLine($"latency:         p50 {result.LatencyP50Micros:F0} us, p99 {result.LatencyP99Micros:F0} us");
                output.WriteLine($"work per query:  {result.BucketsPerQuery:N0} buckets, {result.EntriesScannedPerQuery:N0} filter bytes, {result.CandidatesPerQuery:N0} candidates verified, {result.MatchesPerQuery:F2} matches");
                output.WriteLine($"recall:          {result.Recall:F4} (every planted query, plus brute force on {result.RecallCheckedQueries})");
            }
            return result.Recall == 1.0 ? ExitCodes.Success : ExitCodes.Failure;
        });
        return command;
    }

    private static Option<int> PositiveInt(string name, string description, int defaultValue) => new(name)
    {
        Description = $"{description} (default {defaultValue:N0})",
        DefaultValueFactory = _ => defaultValue,
        Validators = { r => { if (r.Tokens.Count == 1 && int.TryParse(r.Tokens[0].Value, out int n) && n < 1) r.AddError($"{name} must be at least 1"); } },
    };

    private static Command CreateHash(TextWriter output, TextWriter error)
    {
        var threads = CommonOptions.Threads();
        var repeat = new Option<int>("--repeat", "-r")
        {
            Description = "Hash the whole input this many times",
            DefaultValueFactory = _ => 1,
            Validators = { r => { if (r.Tokens.Count == 1 && int.TryParse(r.Tokens[0].Value, out int n) && n < 1) r.AddError("--repeat must be at least 1"); } },
        };
        var dihedral = new Option<bool>("--plain") { Description = "Compute only the plain hash (default: all eight dihedral hashes)" };
        var paths = CommonOptions.Paths();
        var command = new Command("hash", "Hash images end to end (read, decode, PDQ) and report images/s, megapixels/s and where the time goes (decode, luma, filter, DCT)")
        {
            threads, repeat, dihedral, paths,
        };
        command.SetAction(parse =>
        {
            if (!CommonOptions.NativeLibrariesReady(error))
                return ExitCodes.Failure;
            var files = InputFiles.Expand(parse.GetValue(paths)!, imagesOnly: true, warnings: error);
            int times = parse.GetValue(repeat);
            var inputs = new List<InputFile>(files.Count * times);
            for (int i = 0; i < times; i++)
                inputs.AddRange(files);
            int threadCount = parse.GetValue(threads);
            bool allVariants = !parse.GetValue(dihedral);

            long images = 0, pixels = 0, failures = 0;
            long decodeTicks = 0;
            TimeSpan luma = default, filter = default, dct = default;
            long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            int collectionsBefore = GC.CollectionCount(0);
            var clock = Stopwatch.StartNew();
            OrderedParallelHasher.Run(inputs, threadCount,
                () => new FileHasher(HashAlgorithmKind.Pdq, allVariants, DecodeOptions.Default),
                record =>
                {
                    if (record.Error is not null)
                    {
                        failures++;
                        error.WriteLine($"error: {record.Path}: {record.Error}");
                        return;
                    }
                    images++;
                    pixels += (long)record.Width * record.Height;
                },
                worker =>
                {
                    decodeTicks += worker.DecodeTicks;
                    var t = worker.PdqTimings;
                    luma += t.Luma;
                    filter += t.Filter;
                    dct += t.Dct;
                });
            clock.Stop();
            long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
            int collections = GC.CollectionCount(0) - collectionsBefore;

            double seconds = clock.Elapsed.TotalSeconds;
            var decode = Stopwatch.GetElapsedTime(0, decodeTicks);
            double busy = (decode + luma + filter + dct).TotalMilliseconds;
            output.WriteLine($"images:        {images} ({failures} failed), {pixels / 1e6:F1} megapixels, {threadCount} thread(s), {(allVariants ? "all 8 dihedral hashes" : "plain hash")}");
            output.WriteLine($"wall time:     {seconds:F3} s");
            output.WriteLine($"throughput:    {images / seconds:F1} images/s, {pixels / 1e6 / seconds:F1} megapixels/s");
            output.WriteLine("time per image, summed over threads (decode includes reading the file):");
            void Stage(string name, TimeSpan t) =>
                output.WriteLine($"  {name,-7} {t.TotalMilliseconds / Math.Max(1, images),8:F3} ms  {100 * t.TotalMilliseconds / Math.Max(busy, 1e-9),5:F1}%");
            Stage("decode", decode);
            Stage("luma", luma);
            Stage("filter", filter);
            Stage("dct", dct);
            output.WriteLine($"managed:       {allocated / 1024.0 / Math.Max(1, images):F1} KB allocated per image, {collections} garbage collection(s)");
            if (ProcessMemory.PeakResidentBytes() is long peak)
                output.WriteLine($"peak memory:   {peak / 1048576.0:F1} MB resident (VmHWM, whole process)");
            return failures == 0 ? ExitCodes.Success : ExitCodes.Failure;
        });
        return command;
    }
}
