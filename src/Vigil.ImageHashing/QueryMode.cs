namespace Vigil.ImageHashing;

/// <summary>Which hashes of a query image are matched.</summary>
public enum QueryMode
{
    /// <summary>The plain PDQ hash only (what HMA and the exchanges compare).</summary>
    Plain,

    /// <summary>The eight rotations and flips of the image (<c>--dihedral</c>).</summary>
    Dihedral,

    /// <summary>The dihedral variants, and those of the picture found inside bars, borders or a plain canvas (<c>--robust</c>).</summary>
    Robust,
}
