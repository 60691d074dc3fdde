using Vigil.Hashing.Pdq;

namespace Vigil.Cli.Quality;

/// <summary>One image of a study as the bank would hold it: its plain hash and the extra hashes of its crops and rotations.</summary>
/// <param name="Path">The file.</param>
/// <param name="Plain">Its plain PDQ hash.</param>
/// <param name="Quality">Its PDQ quality.</param>
/// <param name="Derived">The bank side's extra hashes (robust mode only).</param>
internal sealed record QualityOriginal(string Path, PdqHash Plain, int Quality, PdqHash[] Derived);

/// <summary>One query of a study: an edited copy of an original (or an impostor image as it is, <see cref="Transform"/> -1), hashed every way a mode may use.</summary>
/// <param name="Original">The index of the original it was made from (for an impostor image: its own bank entry, which is not an impostor pair).</param>
/// <param name="Transform">The index of the transform, or -1 for an impostor image.</param>
/// <param name="Hashes">Its hashes: the eight dihedral variants of the whole image (the plain hash first), then those of the pictures inside it.</param>
/// <param name="Qualities">Each hash's quality.</param>
/// <param name="PlainQuality">The plain hash's quality (the share of low-quality copies is reported per transform).</param>
internal sealed record QualityQuery(int Original, int Transform, PdqHash[] Hashes, int[] Qualities, int PlainQuality);
