using System.Globalization;

namespace Vigil.Cli.Quality;

/// <summary>The text report of <c>vigil bench quality</c>: recall per transform and mode, then the impostor figures.</summary>
internal static class QualityText
{
    public static void Write(QualityReport report, TextWriter output)
    {
        output.WriteLine($"vigil bench quality: {report.Images} images x {report.Transforms.Count} transforms" +
            $"{(report.ImpostorImages > 0 ? $", {report.ImpostorImages} impostor images" : "")}; a match is distance <= {report.MaxDistance}" +
            $" (hashes of quality >= {report.MinQuality}); seed {report.Seed}; images shrunk to {report.MaxSide} px; {report.Seconds:0.#} s");
        if (report.Failed.Count > 0)
            output.WriteLine($"skipped {report.Failed.Count} image(s) that did not decode: {string.Join("; ", report.Failed.Take(3))}{(report.Failed.Count > 3 ? "; ..." : "")}");
        if (report.NearDuplicates.Count > 0)
            output.WriteLine($"left out {report.NearDuplicates.Count} near-duplicate(s) of an earlier image (plain distance <= {report.MaxDistance}): " +
                $"{string.Join("; ", report.NearDuplicates.Take(3).Select(Path.GetFileName))}{(report.NearDuplicates.Count > 3 ? "; ..." : "")}");
        var modes = report.Modes;
        int nameWidth = Math.Max(16, report.Transforms.Max(t => t.Name.Length) + 2);
        int[] widths = [.. modes.Select(m => Math.Max(8, m.Mode.Length + 2))];
        output.WriteLine();
        output.Write("recall at <= " + report.MaxDistance);
        output.WriteLine();
        output.Write("transform".PadRight(nameWidth));
        for (int m = 0; m < modes.Count; m++)
            output.Write(modes[m].Mode.PadLeft(widths[m]));
        output.WriteLine("  low-quality");
        for (int t = 0; t < report.Transforms.Count; t++)
        {
            output.Write(report.Transforms[t].Name.PadRight(nameWidth));
            for (int m = 0; m < modes.Count; m++)
                output.Write(Percent(modes[m].Transforms[t].Recall).PadLeft(widths[m]));
            output.WriteLine(Percent(modes[0].Transforms[t].LowQuality).PadLeft(13));
        }
        output.Write("overall (mean)".PadRight(nameWidth));
        for (int m = 0; m < modes.Count; m++)
            output.Write(Percent(modes[m].OverallRecall).PadLeft(widths[m]));
        output.WriteLine();
        output.WriteLine();
        var first = modes[0].Impostors;
        output.WriteLine($"impostor pairs (a query against an original it was not made from): {first.Pairs.ToString("N0", CultureInfo.InvariantCulture)} per mode");
        foreach (var mode in modes)
        {
            var i = mode.Impostors;
            output.WriteLine($"  {mode.Mode,-12} false matches at <= {report.MaxDistance}: {i.Matches.ToString("N0", CultureInfo.InvariantCulture)}" +
                $" ({Rate(i.Rate)}, 95% CI {Rate(i.RateLow)}..{Rate(i.RateHigh)}); distance at a false-match rate of 1e-3: {Threshold(i.ThresholdFmr1e3, 1e-3)}," +
                $" of 1e-6: {Threshold(i.ThresholdFmr1e6, 1e-6)}");
        }
    }

    private static string Percent(double share) => (share * 100).ToString("0", CultureInfo.InvariantCulture) + "%";

    private static string Rate(double rate) => rate == 0 ? "0" : rate.ToString("0.###e+0", CultureInfo.InvariantCulture);

    private static string Threshold(int? threshold, double rate) =>
        threshold is { } t ? t.ToString(CultureInfo.InvariantCulture) : $"n/a (needs {(1 / rate).ToString("N0", CultureInfo.InvariantCulture)} pairs)";
}
