using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Vigil.Hashing.Signals;
using Vigil.Reporting.Building;
using Vigil.Reporting.Client;
using Vigil.Reporting.Delivery;
using Vigil.Reporting.Fake;
using Vigil.Review;
using Vigil.Review.Actions;
using Vigil.Review.Evidence;
using Vigil.Storage;
using Vigil.Storage.Sqlite;

namespace Vigil.Cli.Benchmarks;

/// <summary>
/// <c>vigil bench report</c>: cases decided report (random benign bytes as each file's media, sealed
/// in the evidence vault, in a throwaway SQLite store) filed through the outbox to the fake
/// CyberTipline on 127.0.0.1; reports/s and where the time goes, from the outbox's own history.
/// </summary>
internal static class ReportBenchmark
{
    public static async Task<int> RunAsync(int cases, int files, int fileKb, int parallelism, TextWriter output, TextWriter log, CancellationToken ct)
    {
        string dir = Directory.CreateTempSubdirectory("vigil-bench-report-").FullName;
        try
        {
            await using var store = await SqliteVigilStore.OpenAsync(Path.Combine(dir, "vigil.db"), ct);
            using var key = KeyFileWrapper.Create(Path.Combine(dir, "vault.key"));
            var vault = new EvidenceVault(key);
            var review = Commands.CliReviewService.For(store, new ReviewOptions(), vault: vault);
            log.WriteLine($"opening {cases:N0} cases of {files} x {fileKb} KB, decided report...");
            var made = Stopwatch.StartNew();
            await MakeCasesAsync(review, cases, files, fileKb, ct);
            log.WriteLine($"  made in {made.Elapsed.TotalSeconds:F1} s");

            await using var fake = await FakeCyberTipline.StartAsync(cancellationToken: ct);
            using var client = new CyberTiplineClient(new CyberTiplineClientOptions
            {
                BaseAddress = fake.BaseAddress,
                Credentials = new CyberTiplineCredentials("vigil", "vigil-dev"),
            });
            var options = new ReportDeliveryOptions
            {
                Reporter = new ReporterSettings
                {
                    Company = "Benchmark Platform (synthetic)",
                    ReportingPerson = new ReporterPerson { FirstName = "Bench", LastName = "Mark", Email = "bench@example.org" },
                },
            };
            var delivery = new ReportDelivery(store, client, vault, new ReviewReportOutcomes(review, "bench"), options);
            var worker = new ReportWorker(store, delivery, client, new ReportWorkerOptions { Parallelism = parallelism, PollInterval = TimeSpan.FromMilliseconds(50) });

            log.WriteLine($"filing through the fake CyberTipline at {fake.BaseAddress} with {parallelism} lane(s)...");
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var clock = Stopwatch.StartNew();
            var run = worker.RunAsync(stop.Token);
            int shown = 0;
            while (worker.Filed < cases)
            {
                if (run.IsCompleted)
                    break;
                await Task.Delay(100, ct);
                if (worker.Filed - shown >= Math.Max(1, cases / 10))
                {
                    shown = worker.Filed;
                    log.WriteLine($"  {shown:N0} filed ({shown / clock.Elapsed.TotalSeconds:F1}/s)");
                }
            }
            double seconds = clock.Elapsed.TotalSeconds;
            await stop.CancelAsync();
            await run;

            var steps = await StepTimesAsync(store, ct);
            var counts = await store.Reports.CountReportsAsync(ct);
            int finished = counts.GetValueOrDefault(ReportState.Finished);
            double total = 0;
            foreach (var (_, ms) in steps)
                total += ms;
            var parts = new List<string>();
            foreach (var (step, ms) in steps)
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"\"{step}\":{100 * ms / Math.Max(total, 1e-9):F1}"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{{\"cases\":{cases},\"files_per_case\":{files},\"file_kb\":{fileKb},\"lanes\":{parallelism},\"finished\":{finished},"
                + $"\"seconds\":{seconds:F1},\"reports_per_s\":{finished / seconds:F2},\"files_per_s\":{finished * files / seconds:F1},"
                + $"\"mb_per_s\":{finished * files * fileKb / 1024.0 / seconds:F1},\"submits_at_fake\":{fake.RequestCount("submit")},"
                + $"\"time_share_percent\":{{{string.Join(",", parts)}}}}}"));
            return finished == cases ? ExitCodes.Success : ExitCodes.Failure;
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    private static async Task MakeCasesAsync(ReviewService review, int cases, int files, int fileKb, CancellationToken ct)
    {
        var reviewer = new Reviewer("bench-reviewer", Senior: true);
        var bytes = new byte[fileKb * 1024];
        var rng = new Random(16);
        for (int c = 0; c < cases; c++)
        {
            long caseId = 0;
            var items = new long[files];
            for (int f = 0; f < files; f++)
            {
                rng.NextBytes(bytes);
                var opened = await review.OpenAsync(new NewCaseItem
                {
                    Subject = $"bench-user-{c}",
                    Source = "api",
                    Priority = 1,
                    Signals = [new Signal(SignalType.Md5, Convert.ToHexStringLower(MD5.HashData(bytes)))],
                    Matches = [new CaseMatch("BENCH", c, "md5", 0, "A1", ["bench"], null, null)],
                    Context = new ItemContext
                    {
                        FileName = $"file-{c}-{f}.bin", UploadedAt = DateTimeOffset.UtcNow, Ip = "198.51.100.9", Url = $"https://example.org/bench/{c}/{f}",
                    },
                }, bytes, "application/octet-stream", ct);
                caseId = opened.CaseId;
                items[f] = opened.ItemId;
            }
            await review.ClaimAsync(caseId, reviewer, ct);
            foreach (long item in items)
                await review.DecideItemAsync(caseId, item, reviewer, ItemVerdict.Confirmed, IndustryClassification.A1, ct);
            await review.DecideCaseAsync(caseId, reviewer, CaseVerdict.Report, ct);
        }
    }

    /// <summary>Milliseconds spent per step, summed over every report: the time from one saved step to the next is the later step's.</summary>
    private static async Task<List<(string Step, double Ms)>> StepTimesAsync(IVigilStore store, CancellationToken ct)
    {
        var sums = new Dictionary<string, double>(StringComparer.Ordinal);
        long after = 0;
        while (true)
        {
            var page = await store.Reports.ListReportsAsync(null, after, 500, ct);
            if (page.Count == 0)
                break;
            foreach (var report in page)
            {
                var previous = report.CreatedAt;
                bool first = true;
                foreach (var line in await store.Reports.ListReportEventsAsync(report.Id, ct))
                {
                    // The submit's span starts when a lane took the report, not when it was queued.
                    if (!first)
                        sums[line.Step] = sums.GetValueOrDefault(line.Step) + (line.At - previous).TotalMilliseconds;
                    previous = line.At;
                    first = false;
                }
            }
            after = page[^1].Id;
        }
        var list = new List<(string, double)>();
        foreach (var (step, ms) in sums)
            list.Add((step, ms));
        list.Sort((a, b) => b.Item2.CompareTo(a.Item2));
        return list;
    }
}
