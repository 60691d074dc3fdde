using System.Text.RegularExpressions;
using Vigil.Testing;

namespace Vigil.Cli.Tests;

public class DemoAndBenchTests
{
    [Fact]
    public void DemoBuildsABankAndFindsTheEditedCopiesAndNothingElse()
    {
        var result = CliRunner.Run("demo");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Bank DEMO_KNOWN: 3 known images", result.Output);
        var matches = result.OutputLines.Where(l => l.Contains(" MATCH ")).ToArray();
        var misses = result.OutputLines.Where(l => l.Contains(" no match ")).ToArray();
        // Every edited copy matches its own original; the three unrelated scenes match nothing.
        Assert.Equal(8, matches.Length);
        Assert.All(matches, m => Assert.StartsWith(m.Trim().Split('-')[0].Split('.')[0], m.Split("MATCH")[1].Trim()));
        Assert.Contains(matches, m => m.Contains("bridge-rotated.jpg") && m.Contains("rotated") && m.Contains("distance   0"));
        Assert.Contains(matches, m => m.Contains("bridge-mirrored.webp") && m.Contains("mirrored"));
        Assert.Contains(matches, m => m.Contains("scene-q0746-flipped.jpg") && m.Contains("flipped top to bottom"));
        // Robust: the letterboxed copy by its trimmed picture, the cropped one by a crop the bank stored; the rest by their own hash.
        Assert.Contains(matches, m => m.Contains("bridge-letterboxed.jpg") && m.Contains("has borders around the original"));
        Assert.Contains(matches, m => m.Contains("pen-and-coaster-cropped.jpg") && m.Contains("matches a crop of the original that the bank stored"));
        Assert.Single(matches, m => m.Contains("that the bank stored"));
        Assert.Equal(3, misses.Length);
        Assert.All(misses, m => Assert.Matches(@"scene-q(0122|0291|2821)\.jpg", m));
        // The matches become one review case, their media in the vault, and the demo says how to look.
        Assert.Contains("4. Review: the 8 matches are items of case 1 (subject demo-uploader)", result.Output);
        Assert.Contains("case 1  known match, 8 items, media sealed in the evidence vault", result.Output);
        Assert.Contains("./vigil demo --review", result.Output);
    }

    [Fact]
    public async Task Demo_review_serves_the_cases_with_a_one_time_sign_in_link_that_opens_the_queue_once()
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string name in start.Environment.Keys.Where(k => k.StartsWith("VIGIL_", StringComparison.Ordinal)).ToList())
            start.Environment.Remove(name);
        foreach (string a in new[] { "exec", Path.Combine(AppContext.BaseDirectory, "vigil.dll"), "demo", "--review", "--urls", "http://127.0.0.1:0" })
            start.ArgumentList.Add(a);
        using var process = System.Diagnostics.Process.Start(start)!;
        try
        {
            string? link = null;
            string? fake = null;
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            while ((link is null || fake is null) && await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.Trim().StartsWith("http://127.0.0.1:", StringComparison.Ordinal) && line.Contains("/review/login/once?token=", StringComparison.Ordinal))
                    link = line.Trim();
                if (Regex.Match(line, @"files it to a fake CyberTipline at (\S+)") is { Success: true } m)
                    fake = m.Groups[1].Value;
            }
            Assert.NotNull(link);
            Assert.NotNull(fake);
            Assert.StartsWith("http://127.0.0.1:", fake, StringComparison.Ordinal);
            using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });
            var signIn = await http.GetAsync(link);
            Assert.Equal(System.Net.HttpStatusCode.Redirect, signIn.StatusCode);
            string cookie = signIn.Headers.GetValues("Set-Cookie").First().Split(';')[0];
            using var queue = new HttpRequestMessage(HttpMethod.Get, new Uri(new Uri(link), "/review"));
            queue.Headers.Add("Cookie", cookie);
            queue.Headers.Accept.ParseAdd("text/html");
            var page = await http.SendAsync(queue);
            Assert.Equal(System.Net.HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("demo-uploader", await page.Content.ReadAsStringAsync());
            // Reporting goes to the demo's own fake CyberTipline, and the reports page is there to follow it.
            using var reports = new HttpRequestMessage(HttpMethod.Get, new Uri(new Uri(link), "/review/reports"));
            reports.Headers.Add("Cookie", cookie);
            Assert.Equal(System.Net.HttpStatusCode.OK, (await http.SendAsync(reports)).StatusCode);
            using var status = new HttpRequestMessage(HttpMethod.Get, new Uri(new Uri(link), "/status"));
            status.Headers.Accept.ParseAdd("application/json");
            string statusJson = await (await http.SendAsync(status)).Content.ReadAsStringAsync();
            Assert.Contains(fake.TrimEnd('/'), statusJson, StringComparison.Ordinal);
            Assert.Equal(System.Net.HttpStatusCode.Gone, (await http.GetAsync(link)).StatusCode);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    [Fact]
    public void BenchReportFilesEveryCaseThroughTheFakeCyberTipline()
    {
        var result = CliRunner.Run("bench", "report", "--cases", "6", "--files", "2", "--file-kb", "16", "--parallelism", "2");
        Assert.Equal(0, result.ExitCode);
        using var json = System.Text.Json.JsonDocument.Parse(result.OutputLines[^1]);
        var root = json.RootElement;
        Assert.Equal(6, root.GetProperty("finished").GetInt32());
        Assert.Equal(6, root.GetProperty("submits_at_fake").GetInt32());
        Assert.True(root.GetProperty("reports_per_s").GetDouble() > 0);
        Assert.True(root.GetProperty("time_share_percent").TryGetProperty("upload", out _));
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

    [Fact]
    public void BenchServeLoadsTheRealServerAndReportsThroughputWithoutErrors()
    {
        var result = CliRunner.Run("bench", "serve", "--size", "2000", "--requests", "400", "--concurrency", "4");
        Assert.Equal(0, result.ExitCode);
        using var json = System.Text.Json.JsonDocument.Parse(result.OutputLines[^1]);
        var root = json.RootElement;
        Assert.Equal(400, root.GetProperty("requests").GetInt32());
        Assert.Equal(0, root.GetProperty("errors").GetInt32());
        Assert.Equal(200, root.GetProperty("matched").GetInt32());
        Assert.True(root.GetProperty("requests_per_second").GetDouble() > 0);
    }

    [Fact]
    public void BenchClassifyRunsTheBuiltNetworkAndPrintsARowPerBatchSize()
    {
        var result = CliRunner.Run("bench", "classify", "--images", "4", "--batches", "1", "2", "--threads", "1");
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("random weights", result.Error, StringComparison.Ordinal);
        var rows = result.OutputLines.Where(l => l.StartsWith("| convnet-random 224x224 |", StringComparison.Ordinal)).ToArray();
        Assert.Equal(2, rows.Length);
        foreach (var row in rows)
        {
            var cells = row.Split('|', StringSplitOptions.TrimEntries);
            Assert.True(double.Parse(cells[4], System.Globalization.CultureInfo.InvariantCulture) > 0, row);
            Assert.True(double.Parse(cells[5], System.Globalization.CultureInfo.InvariantCulture) > 0, row);
        }
    }

    [Fact]
    public void BenchGuardPrintsTheCostOfTheGuardPerFrameAndPerCheck()
    {
        var result = CliRunner.Run("bench", "guard", "--width", "320", "--height", "240", "--frames", "120", "--list-size", "100");
        Assert.True(result.ExitCode == 0, result.Error);
        var row = Assert.Single(result.OutputLines, l => l.StartsWith("| 320x240 | 30 | 5 | 100 | 120 |", StringComparison.Ordinal));
        var cells = row.Split('|', StringSplitOptions.TrimEntries);
        Assert.True(double.Parse(cells[6], System.Globalization.CultureInfo.InvariantCulture) > 0, row);
    }

    [Fact]
    public void BenchGuardEndToEndMeasuresTheWholeRelayWithFfmpeg()
    {
        var result = CliRunner.Run("bench", "guard", "--end-to-end", "--width", "320", "--height", "240", "--seconds", "2", "--list-size", "100", "--as-fast-as-possible");
        Assert.True(result.ExitCode == 0, result.Error);
        var row = Assert.Single(result.OutputLines, l => l.StartsWith("| 320x240 30/s, 5 checks/s, 100 hashes, with sound, as fast as possible | 60 |", StringComparison.Ordinal));
        var cores = row.Split('|', StringSplitOptions.TrimEntries)[4];
        Assert.True(double.Parse(cores.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) > 0, row);
    }
}
