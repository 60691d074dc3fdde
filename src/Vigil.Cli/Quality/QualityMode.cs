namespace Vigil.Cli.Quality;

/// <summary>A way of matching that <c>vigil bench quality</c> measures.</summary>
/// <param name="Name">The name in reports and <c>--modes</c>.</param>
/// <param name="Description">What it is.</param>
/// <param name="Dihedral">Whether the query's eight dihedral variants are matched.</param>
/// <param name="QuerySide">Whether the pictures found inside the query (trimmed, region) are matched too.</param>
/// <param name="BankSide">Whether the bank holds the extra hashes made from its own media (crops, small rotations).</param>
internal sealed record QualityMode(string Name, string Description, bool Dihedral, bool QuerySide, bool BankSide)
{
    /// <summary>The modes, in report order.</summary>
    public static IReadOnlyList<QualityMode> All { get; } =
    [
        new("pdq", "plain PDQ: the copy's hash against the original's (vigil match)", false, false, false),
        new("dihedral", "the copy's eight rotations and flips (vigil match --dihedral)", true, false, false),
        new("robust-list", "--robust against a plain hash list: dihedral plus the trimmed and embedded pictures of the copy", true, true, false),
        new("robust", "--robust against a bank built from media: robust-list plus the bank's crops and small rotations", true, true, true),
    ];

    /// <summary>The modes named in <paramref name="list"/> (comma-separated), or every one.</summary>
    public static IReadOnlyList<QualityMode> Select(string? list) => NamedChoices.Select(list, All, All, m => m.Name, "--modes", "mode");

    /// <summary>Whether the query hash at <paramref name="index"/> of a robust query (8 whole-image variants, then the inner pictures') takes part.</summary>
    public bool Uses(int index) => index == 0 || (Dihedral && index < 8) || QuerySide;
}
