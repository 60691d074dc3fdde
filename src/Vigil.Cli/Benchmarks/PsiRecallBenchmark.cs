using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Vigil.Cli.Psi;
using Vigil.Hashing.Pdq;
using Vigil.Media;
using Vigil.Privacy.Psi;

namespace Vigil.Cli.Benchmarks;

/// <summary>
/// Recall of private matching on real edits: the given images (benign fixtures) are the list, with
/// random hashes as filler; ImageMagick makes the issue's five edits of each; every edited copy gets
/// a banded and an exact voucher, and the server's key says whether its outer layer opens. Prints a
/// Markdown table (image, edit, PDQ distance, what opened) and a summary per edit, plus how many
/// probes opened per opening voucher (what a synthetic voucher must imitate).
/// </summary>
internal static class PsiRecallBenchmark
{
    private sealed record Edit(string Name, string Extension, Func<int, string[]> Arguments);

    private static readonly Edit[] Edits =
    [
        new("JPEG quality 50", ".jpg", _ => ["-quality", "50"]),
        new("resize to half", ".png", _ => ["-resize", "50%"]),
        new("2% crop", ".png", _ => ["-gravity", "center", "-crop", "98%x98%+0+0", "+repage"]),
        new("brightness +20%", ".png", _ => ["-brightness-contrast", "20x0"]),
        new("small text overlay", ".png", height =>
        [
            "-gravity", "south", "-pointsize", Math.Max(8, height / 25).ToString(CultureInfo.InvariantCulture),
            "-fill", "white", "-stroke", "black", "-annotate", "+0+" + Math.Max(2, height / 40).ToString(CultureInfo.InvariantCulture), "Vigil test 2026",
        ]),
    ];

    public static int Run(IReadOnlyList<string> paths, int filler, int negatives, int seeds, TextWriter output, TextWriter log)
    {
        var hasher = new PdqHasher();
        using var decoder = new ImageDecoder();
        var originals = new List<(string Path, PdqHash Hash, int Quality, int Height)>();
        foreach (string path in paths)
        {
            using var image = decoder.DecodeFile(path);
            var result = hasher.HashRgb(image.Pixels, image.Width, image.Height);
            originals.Add((path, result.Hash, result.Quality, image.Height));
        }

        var key = ServerKey.Generate();
        var list = new List<byte[]>(originals.Count + filler);
        foreach (var original in originals)
            list.Add(Bytes(original.Hash));
        for (int i = 0; i < filler; i++)
            list.Add(RandomNumberGenerator.GetBytes(32));
        // Which probes open depends on the permutation, drawn anew by every publish: try several.
        log.WriteLine($"building exact pdata and banded pdata with {seeds} permutation seeds for {originals.Count} images and {filler:N0} random hashes...");
        var banded = new PublicTable[seeds];
        for (int i = 0; i < seeds; i++)
            (banded[i], _, _) = PublicTable.Build(list, key, 1, BandParameters.Default());
        var (exact, _, _) = PublicTable.Build(list, key, 1);
        var account = AccountKeys.Create(30);

        var directory = Directory.CreateTempSubdirectory("vigil-recall-");
        var rows = new List<(string Image, string Edit, int Distance, int Quality, int[] BandedProbes, bool ExactOpens)>();
        var createClock = new Stopwatch();
        int made = 0;
        try
        {
            foreach (var original in originals)
            {
                foreach (var edit in Edits)
                {
                    string edited = Path.Combine(directory.FullName, Path.GetFileNameWithoutExtension(original.Path) + "-" + rows.Count + edit.Extension);
                    RunConvert(original.Path, edit.Arguments(original.Height), edited);
                    using var image = decoder.DecodeFile(edited);
                    var result = hasher.HashRgb(image.Pixels, image.Width, image.Height);
                    var payload = new VoucherPayload(Bytes(result.Hash), VisualDerivative.From(image), Path.GetFileName(edited));
                    var probes = new int[seeds];
                    for (int i = 0; i < seeds; i++)
                    {
                        createClock.Start();
                        var voucher = Voucher.CreateReal(banded[i], account, payload);
                        createClock.Stop();
                        made++;
                        VoucherProcessor.OpenOuter(key, 1, voucher, out var opened);
                        probes[i] = opened?.OpenedPairs ?? 0;
                    }
                    var exactOutcome = VoucherProcessor.OpenOuter(key, 1, Voucher.CreateReal(exact, account, payload), out _);
                    rows.Add((Path.GetFileName(original.Path), edit.Name, result.Hash.DistanceTo(original.Hash), result.Quality, probes, exactOutcome == OuterOutcome.Opened));
                    log.WriteLine($"  {rows[^1].Image}, {edit.Name}: distance {rows[^1].Distance}, banded probes opened {string.Join('/', probes)}");
                }
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }

        // Unlisted photos: random hashes far from every list entry must open nothing.
        int falseOpens = 0;
        for (int i = 0; i < negatives; i++)
        {
            var payload = new VoucherPayload(RandomNumberGenerator.GetBytes(32), new byte[VoucherPayload.ThumbnailSide * VoucherPayload.ThumbnailSide], "unlisted");
            if (VoucherProcessor.OpenOuter(key, 1, Voucher.CreateReal(banded[i % seeds], account, payload), out _) != OuterOutcome.Closed)
                falseOpens++;
        }

        static int Opens(int[] probes)
        {
            int opens = 0;
            foreach (int count in probes)
                opens += count > 0 ? 1 : 0;
            return opens;
        }

        output.WriteLine($"| image | edit | PDQ distance | quality | within 31 | banded: opens in {seeds} seeds (probes) | exact: opens |");
        output.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var row in rows)
            output.WriteLine($"| {row.Image} | {row.Edit} | {row.Distance} | {row.Quality} | {(row.Distance <= 31 ? "yes" : "no")} | {Opens(row.BandedProbes)} ({string.Join('/', row.BandedProbes)}) | {(row.ExactOpens ? "yes" : "no")} |");
        output.WriteLine();
        output.WriteLine("| edit | copies | PDQ distance (min / median / max) | within 31 (plain matcher) | banded opens (of copies x seeds) | exact opens |");
        output.WriteLine("|---|---|---|---|---|---|");
        foreach (var edit in Edits)
        {
            var distances = new List<int>();
            int bandedOpens = 0, exactOpens = 0, within = 0;
            foreach (var row in rows)
            {
                if (row.Edit != edit.Name)
                    continue;
                distances.Add(row.Distance);
                within += row.Distance <= 31 ? 1 : 0;
                bandedOpens += Opens(row.BandedProbes);
                exactOpens += row.ExactOpens ? 1 : 0;
            }
            distances.Sort();
            int tries = distances.Count * seeds;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {edit.Name} | {distances.Count} | {distances[0]} / {distances[distances.Count / 2]} / {distances[^1]} | {within} of {distances.Count} | {100.0 * bandedOpens / tries:F0}% | {exactOpens} of {distances.Count} |"));
        }
        output.WriteLine();
        output.WriteLine("| PDQ distance | copies | banded opens (of copies x seeds) |");
        output.WriteLine("|---|---|---|");
        foreach (var (low, high) in new[] { (0, 4), (5, 8), (9, 12), (13, 16), (17, 24), (25, 31), (32, 256) })
        {
            int copies = 0, opens = 0;
            foreach (var row in rows)
            {
                if (row.Distance < low || row.Distance > high)
                    continue;
                copies++;
                opens += Opens(row.BandedProbes);
            }
            if (copies > 0)
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {low}-{high} | {copies} | {100.0 * opens / (copies * seeds):F0}% |"));
        }
        int bandCount = banded[0].Bands!.Bands;
        var byCount = new int[bandCount + 2];
        foreach (var row in rows)
        {
            foreach (int count in row.BandedProbes)
                byCount[Math.Min(count, bandCount + 1)]++;
        }
        output.WriteLine();
        output.WriteLine($"Probes opened per edited copy and seed (0 .. {bandCount}, then more): {string.Join(", ", byCount)}");
        output.WriteLine($"Unlisted random hashes: {falseOpens} of {negatives} opened.");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Banded voucher: {Voucher.SizeFor(30, banded[0].Layout):N0} bytes at t = 30, {banded[0].Bands!.ProbeCount} probes; creation {createClock.Elapsed.TotalMilliseconds / Math.Max(1, made):F1} ms per photo on one thread (after hashing)."));
        return ExitCodes.Success;
    }

    private static byte[] Bytes(PdqHash hash) => Convert.FromHexString(hash.ToString());

    private static void RunConvert(string input, string[] arguments, string output)
    {
        var start = new ProcessStartInfo("convert") { RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(input);
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);
        start.ArgumentList.Add(output);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("could not start ImageMagick's convert");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("this benchmark makes its edits with ImageMagick: apt-get install imagemagick", e);
        }
        using (process)
        {
            string stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"convert failed on {input}: {stderr.Trim()}");
        }
    }
}
