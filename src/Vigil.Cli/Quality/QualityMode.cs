using Vigil.Hashing.Pdq;

namespace Vigil.Cli.Quality;

/// <summary>A way of matching that <c>vigil bench quality</c> measures.</summary>
/// <param name="Name">The name in reports and <c>--modes</c>.</param>
/// <param name="Description">What it is.</param>
/// <param name="Dihedral">Whether the query's eight dihedral variants are matched.</param>
/// <param name="QuerySide">Whether the pictures found inside the query (trimmed, region) are matched too.</param>
/// <param name="BankSide">Whether the bank holds the extra hashes made from its own media (crops, small rotations).</param>
internal sealed record QualityMode(string Name, string Description, bool Dihedral, bool QuerySide, bool BankSide)
{
    /// <summary>
    /// The distance for what the extras find (the copy's inner pictures, the bank's own variants), where the whole
    /// copy's hashes match the original's within the study's; null: what <c>vigil match --robust</c> uses. Asked for as
    /// <c>MODE@N</c> in <c>--modes</c> (<c>robust@31</c>: no stricter than the whole image).
    /// </summary>
    public int? ExtraMaxDistance { get; init; }

    /// <summary>The modes, in report order.</summary>
    public static IReadOnlyList<QualityMode> All { get; } =
    [
        new("pdq", "plain PDQ: the copy's hash against the original's (vigil match)", false, false, false),
        new("dihedral", "the copy's eight rotations and flips (vigil match --dihedral)", true, false, false),
        new("robust-list", "--robust against a plain hash list: dihedral plus the trimmed and embedded pictures of the copy (these extras within two thirds of the distance)", true, true, false),
        new("robust", "--robust against a bank built from media: robust-list plus the bank's crops and caption-masked copies (extras within two thirds of the distance)", true, true, true),
    ];

    /// <summary>
    /// The modes named in <paramref name="list"/> (comma-separated), or every one. A robust mode may be given as
    /// <c>MODE@N</c> (e.g. <c>robust@24</c>): its extras then match within N, the copy's own hashes still within the study's distance.
    /// </summary>
    public static IReadOnlyList<QualityMode> Select(string? list)
    {
        var known = new List<QualityMode>(All);
        foreach (string raw in (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int at = raw.IndexOf('@', StringComparison.Ordinal);
            if (at < 0)
                continue;
            var mode = All.FirstOrDefault(m => m.Name == raw[..at] && (m.QuerySide || m.BankSide));
            if (mode is null || !int.TryParse(raw.AsSpan(at + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int extra)
                || extra > PdqHash.BitCount)
                throw new ArgumentException($"--modes: '{raw}' is not MODE@DISTANCE with a robust mode ({string.Join(", ", All.Where(m => m.QuerySide).Select(m => m.Name))}) and a distance 0..256");
            known.Add(mode with { Name = raw, Description = mode.Description + $"; its extras within {extra}", ExtraMaxDistance = extra });
        }
        return NamedChoices.Select(list, All, known, m => m.Name, "--modes", "mode");
    }

    /// <summary>Whether the query hash at <paramref name="index"/> is one of the whole image's (its plain hash, rotations and flips) rather than an extra.</summary>
    public static bool IsOwn(int index) => index < 8;

    /// <summary>
    /// The distance the extras match within in a study at <paramref name="maxDistance"/>: <see cref="ExtraMaxDistance"/>,
    /// else what <c>vigil match --robust</c> uses (<see cref="Vigil.Banks.RobustSearch.ExtraDistanceFor"/>); a mode without extras, the study's.
    /// </summary>
    public int ExtraDistance(int maxDistance) =>
        ExtraMaxDistance ?? (QuerySide || BankSide ? Vigil.Banks.RobustSearch.ExtraDistanceFor(maxDistance) : maxDistance);

    /// <summary>Whether the query hash at <paramref name="index"/> of a robust query (8 whole-image variants, then the inner pictures') takes part.</summary>
    public bool Uses(int index) => index == 0 || (Dihedral && index < 8) || QuerySide;
}
