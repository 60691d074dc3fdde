using System.CommandLine;
using Vigil.Banks;
using Vigil.Cli.Banks;
using Vigil.Cli.Hashing;
using Vigil.Hashing.Pdq;
using Vigil.Matching;

namespace Vigil.Cli.Commands;

/// <summary>The options <c>vigil match</c> and <c>vigil scan</c> share, and turning a hashed file into a <see cref="QueryResult"/>.</summary>
internal sealed class MatchOptions
{
    public Option<string[]> Banks { get; } = new("--bank", "-b")
    {
        Description = "Match only against this bank (repeatable; default: every enabled bank). Negative banks always apply",
    };

    public Option<int> MaxDistance { get; } = new("--max-distance", "-d")
    {
        Description = $"Largest Hamming distance that counts as a match (0..{PdqIndex.MaxSearchDistance})",
        DefaultValueFactory = _ => PdqIndex.DefaultMaxDistance,
        Validators = { r => { if (r.Tokens.Count == 1 && int.TryParse(r.Tokens[0].Value, out int d) && d is < 0 or > PdqIndex.MaxSearchDistance) r.AddError($"--max-distance must be 0..{PdqIndex.MaxSearchDistance}"); } },
    };

    public Option<bool> Dihedral { get; } = new("--dihedral")
    {
        Description = "Also match rotated and flipped copies (all eight dihedral variants of each image)",
    };

    public Option<bool> Robust { get; } = new("--robust")
    {
        Description = "Also match the picture inside bars, borders and plain canvases (letterboxed, framed, screenshot copies); implies --dihedral",
    };

    public Option<int> MinQuality { get; } = new("--min-quality")
    {
        Description = $"Images whose PDQ quality is below this are reported, not matched (default {PdqResult.MinimumTrustedQuality})",
        DefaultValueFactory = _ => PdqResult.MinimumTrustedQuality,
        Validators = { r => { if (r.Tokens.Count == 1 && int.TryParse(r.Tokens[0].Value, out int q) && q is < 0 or > 100) r.AddError("--min-quality must be 0..100"); } },
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Banks);
        command.Options.Add(MaxDistance);
        command.Options.Add(Dihedral);
        command.Options.Add(Robust);
        command.Options.Add(MinQuality);
    }

    /// <summary>The values given on the command line.</summary>
    public MatchSettings Read(ParseResult parse) => new(
        parse.GetValue(Banks) ?? [], parse.GetValue(Dihedral) || parse.GetValue(Robust), parse.GetValue(MaxDistance), parse.GetValue(MinQuality))
    {
        Robust = parse.GetValue(Robust),
    };

    /// <summary>
    /// Matches one hashed file: its PDQ (unless the quality is too low) and its MD5; a file hashed robustly
    /// (<see cref="HashRecord.Query"/>) by every hash of good enough quality, each match saying which one found it.
    /// </summary>
    public static async Task<QueryResult> EvaluateAsync(HashRecord record, BankMatcher matcher, bool dihedral, int maxDistance, int minQuality, CancellationToken ct)
    {
        if (record.Error is not null)
            return new QueryResult(record.Path, null, null, QueryStatus.Failed, QueryOutcome.None, record.Error);
        string md5;
        try
        {
            md5 = await FileHasher.Md5HexAsync(record.Path, ct);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new QueryResult(record.Path, null, null, QueryStatus.Failed, QueryOutcome.None, e.Message);
        }
        var pdq = record.Pdq;
        bool trusted = pdq.Quality >= minQuality;
        PdqHash[] variants;
        string[]? names = null;
        if (record.Query is { } query)
        {
            (variants, names) = query.Trusted(minQuality);
            trusted = variants.Length > 0;
        }
        else if (!trusted)
        {
            variants = [];
        }
        else if (dihedral)
        {
            variants = new PdqHash[PdqDihedralHashes.Count];
            for (int v = 0; v < variants.Length; v++)
                variants[v] = record.Dihedral[(DihedralVariant)v];
            variants[0] = pdq.Hash;
        }
        else
        {
            variants = [pdq.Hash];
        }
        // A robust query also matches the banks' own variants (crops of their media, from bank add --robust).
        var robust = record.Query is { } asked ? RobustSearch.For(maxDistance, asked.TrustedWholeCount(minQuality)) : null;
        var outcome = await matcher.MatchAsync(variants, maxDistance, md5, withContent: true, robust, ct);
        var status = StatusOf(outcome);
        if (status == QueryStatus.NoMatch && !trusted)
            status = QueryStatus.LowQuality;
        return new QueryResult(record.Path, pdq.Hash, pdq.Quality, status, outcome) { Warnings = record.Warnings, VariantNames = names };
    }

    public static QueryStatus StatusOf(QueryOutcome outcome) =>
        outcome.Matches.Count > 0 ? QueryStatus.Matched
        : outcome.SuppressedBy.Count > 0 ? QueryStatus.Suppressed
        : QueryStatus.NoMatch;
}

/// <summary>How to match: which banks, whether rotations and flips count, how near, how good an image must be.</summary>
internal sealed record MatchSettings(string[] Banks, bool Dihedral, int MaxDistance, int MinQuality)
{
    /// <summary>Whether the pictures inside each image are matched too (<c>--robust</c>; <see cref="Dihedral"/> is then true).</summary>
    public bool Robust { get; init; }
}
