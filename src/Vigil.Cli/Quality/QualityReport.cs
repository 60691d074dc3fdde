using System.Text.Json.Serialization;

namespace Vigil.Cli.Quality;

/// <summary>What <c>vigil bench quality --format json</c> prints.</summary>
internal sealed record QualityReport(
    [property: JsonPropertyName("images")] int Images,
    [property: JsonPropertyName("impostor_images")] int ImpostorImages,
    [property: JsonPropertyName("failed")] IReadOnlyList<string> Failed,
    [property: JsonPropertyName("near_duplicates")] IReadOnlyList<string> NearDuplicates,
    [property: JsonPropertyName("max_distance")] int MaxDistance,
    [property: JsonPropertyName("min_quality")] int MinQuality,
    [property: JsonPropertyName("seed")] int Seed,
    [property: JsonPropertyName("max_side")] int MaxSide,
    [property: JsonPropertyName("transforms")] IReadOnlyList<TransformInfo> Transforms,
    [property: JsonPropertyName("bank_variants")] IReadOnlyList<string> BankVariants,
    [property: JsonPropertyName("modes")] IReadOnlyList<ModeReport> Modes,
    [property: JsonPropertyName("seconds")] double Seconds);

/// <summary>A transform's name and what it does.</summary>
internal sealed record TransformInfo(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("description")] string Description);

/// <summary>One mode's figures: per transform, overall, and on impostor pairs.</summary>
internal sealed record ModeReport(
    [property: JsonPropertyName("mode")] string Mode,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("overall_recall")] double OverallRecall,
    [property: JsonPropertyName("impostors")] ImpostorReport Impostors,
    [property: JsonPropertyName("transforms")] IReadOnlyList<TransformReport> Transforms);

/// <summary>How often unrelated pairs match.</summary>
/// <param name="Pairs">Impostor pairs measured: each query against each original it was not made from, and each impostor image; a query with no hash of good enough quality is in <paramref name="Histogram"/> at 256 but not counted.</param>
/// <param name="Matches">Pairs at or under the distance.</param>
/// <param name="Rate">Matches / pairs.</param>
/// <param name="RateLow">The rate's 95% Wilson interval, low end.</param>
/// <param name="RateHigh">Its high end (with no match seen: the most the rate can be, at 95%).</param>
/// <param name="ThresholdFmr1e3">The largest distance whose false-match rate is at most 1e-3, or null with too few pairs to say.</param>
/// <param name="ThresholdFmr1e6">The same at 1e-6.</param>
/// <param name="Histogram">Pairs by their distance 0..256 (256: no hash of the query was good enough to match).</param>
internal sealed record ImpostorReport(
    [property: JsonPropertyName("pairs")] long Pairs,
    [property: JsonPropertyName("matches")] long Matches,
    [property: JsonPropertyName("rate")] double Rate,
    [property: JsonPropertyName("rate_ci95_low")] double RateLow,
    [property: JsonPropertyName("rate_ci95_high")] double RateHigh,
    [property: JsonPropertyName("threshold_fmr_1e-3")] int? ThresholdFmr1e3,
    [property: JsonPropertyName("threshold_fmr_1e-6")] int? ThresholdFmr1e6,
    [property: JsonPropertyName("histogram")] long[] Histogram);

/// <summary>One transform's figures in one mode.</summary>
internal sealed record TransformReport(
    [property: JsonPropertyName("transform")] string Transform,
    [property: JsonPropertyName("copies")] int Copies,
    [property: JsonPropertyName("recall")] double Recall,
    [property: JsonPropertyName("recall_fmr_1e-3")] double? RecallFmr1e3,
    [property: JsonPropertyName("recall_fmr_1e-6")] double? RecallFmr1e6,
    [property: JsonPropertyName("low_quality")] double LowQuality,
    [property: JsonPropertyName("distance_p10")] int DistanceP10,
    [property: JsonPropertyName("distance_p50")] int DistanceP50,
    [property: JsonPropertyName("distance_p90")] int DistanceP90,
    [property: JsonPropertyName("histogram")] int[] Histogram);

[JsonSourceGenerationOptions(WriteIndented = false, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(QualityReport))]
internal sealed partial class QualityJsonContext : JsonSerializerContext;
