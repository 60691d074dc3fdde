using Vigil.Hashing.Pdq;

namespace Vigil.Cli.Hashing;

/// <summary>The outcome for one file: its hash(es) or the reason it failed.</summary>
internal sealed class HashRecord
{
    public required string Path { get; init; }
    public string? Error { get; init; }
    /// <summary>The exact hash in hex (md5, sha256).</summary>
    public string? ExactHex { get; init; }
    public PdqResult Pdq { get; init; }
    public PdqDihedralHashes Dihedral { get; init; }
    /// <summary>With <c>--robust</c>: every hash the image is matched by (the dihedral variants, then the pictures inside it), with their names.</summary>
    public Vigil.ImageHashing.QueryHashes? Query { get; init; }
    /// <summary>With <c>bank add --robust</c>: the hashes of the variants a bank stores beside the image's (crops, a caption band greyed out).</summary>
    public IReadOnlyList<Vigil.ImageHashing.BankVariantHash>? BankVariants { get; init; }
    /// <summary>With <c>scan --classify</c>: the classifier's score of the pixels the hash was made from (no second decode).</summary>
    public Vigil.Classifiers.MediaScore? Score { get; init; }
    /// <summary>With <c>scan --classify</c>: why the classifier could not score the image, or null.</summary>
    public string? ClassifyError { get; init; }
    public int Width { get; init; }
    public int Height { get; init; }
    /// <summary>What the decoder reported about damage it decoded past (<see cref="Vigil.Media.RgbImage.Warnings"/>); empty when clean.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}
