using System.Diagnostics.CodeAnalysis;
using Vigil.Hashing.Pdq;

namespace Vigil.Hashing.Signals;

/// <summary>
/// A kind of signal a bank can hold and a query can carry, named as the exchanges and HMA name it
/// (<c>pdq</c>, <c>md5</c>, <c>sha1</c>, <c>sha256</c> for images and files; <c>vpdq</c> and
/// <c>video_md5</c> for video). Values are lowercase hex of a fixed length, except <c>vpdq</c>,
/// whose value is the reference's vPDQ text form (see <see cref="VpdqSignal"/>).
/// </summary>
public sealed class SignalType : IEquatable<SignalType>
{
    /// <summary>PDQ perceptual hash: 64 hex digits, matched by Hamming distance.</summary>
    public static readonly SignalType Pdq = new("pdq", PdqHash.HexLength, isPerceptual: true);

    /// <summary>MD5 of the file bytes: 32 hex digits, matched exactly.</summary>
    public static readonly SignalType Md5 = new("md5", 32, isPerceptual: false);

    /// <summary>SHA-1 of the file bytes (NCMEC hash sharing carries it): 40 hex digits, matched exactly.</summary>
    public static readonly SignalType Sha1 = new("sha1", 40, isPerceptual: false);

    /// <summary>SHA-256 of the file bytes: 64 hex digits, matched exactly.</summary>
    public static readonly SignalType Sha256 = new("sha256", 64, isPerceptual: false);

    /// <summary>
    /// vPDQ of a video: the PDQ hashes of its sampled frames. The value is the reference's text
    /// form, one line per frame (<c>frameNumber,quality,pdqHex,timestampSeconds</c>), not a
    /// fixed-length hex string (<see cref="HexLength"/> is 0). Matched frame by frame by distance.
    /// </summary>
    public static readonly SignalType Vpdq = new("vpdq", 0, isPerceptual: true, isVideo: true);

    /// <summary>MD5 of a video file's bytes (HMA's <c>video_md5</c>): 32 hex digits, matched exactly.</summary>
    public static readonly SignalType VideoMd5 = new("video_md5", 32, isPerceptual: false, isVideo: true);

    /// <summary>
    /// A PDQ hash of a picture the bank made from its own media (a crop of it, or it with a caption band greyed out),
    /// stored beside the content's <see cref="Pdq"/> so that a copy edited that way matches the content: 64 hex digits,
    /// matched by distance, and only by robust queries (plain matching never sees these). It is <see cref="IsDerived"/>:
    /// not what the content is, so never used to find duplicates or removals. Written to hash lists with a marker that
    /// other tools ignore.
    /// </summary>
    public static readonly SignalType PdqVariant = new("pdq_variant", PdqHash.HexLength, isPerceptual: true, isDerived: true);

    /// <summary>
    /// The image and file signal types, in a stable order: the columns of the hash-list formats and
    /// what HMA's <c>/c/signal_type</c> lists. Video types are in <see cref="Video"/>; <see cref="Known"/> has both.
    /// </summary>
    public static IReadOnlyList<SignalType> All { get; } = [Pdq, Md5, Sha1, Sha256];

    /// <summary>The video signal types: <see cref="Vpdq"/> and <see cref="VideoMd5"/>.</summary>
    public static IReadOnlyList<SignalType> Video { get; } = [Vpdq, VideoMd5];

    /// <summary>Every signal type a store can hold (<see cref="All"/>, then <see cref="Video"/>, then <see cref="PdqVariant"/>): what names are looked up in.</summary>
    public static IReadOnlyList<SignalType> Known { get; } = [Pdq, Md5, Sha1, Sha256, Vpdq, VideoMd5, PdqVariant];

    private SignalType(string name, int hexLength, bool isPerceptual, bool isVideo = false, bool isDerived = false)
    {
        Name = name;
        HexLength = hexLength;
        IsPerceptual = isPerceptual;
        IsVideo = isVideo;
        IsDerived = isDerived;
    }

    /// <summary>The lowercase name used in files, the database and the API.</summary>
    public string Name { get; }

    /// <summary>Number of hex digits in a value; 0 for a type whose values are not fixed-length hex (<see cref="Vpdq"/>).</summary>
    public int HexLength { get; }

    /// <summary>True when values are fixed-length lowercase hex (every type but <see cref="Vpdq"/>).</summary>
    public bool IsHex => HexLength > 0;

    /// <summary>True for the video signal types (<see cref="Vpdq"/>, <see cref="VideoMd5"/>).</summary>
    public bool IsVideo { get; }

    /// <summary>True when values are compared by distance rather than equality.</summary>
    public bool IsPerceptual { get; }

    /// <summary>
    /// True for a hash the bank derived from its own media (<see cref="PdqVariant"/>) rather than one that identifies
    /// the content: it matches, but content is never found as a duplicate or removed by it.
    /// </summary>
    public bool IsDerived { get; }

    /// <summary>True when values are PDQ hashes (<see cref="Pdq"/> and <see cref="PdqVariant"/>).</summary>
    public bool IsPdq => ReferenceEquals(this, Pdq) || ReferenceEquals(this, PdqVariant);

    /// <summary>Finds a signal type by name, ignoring case (<c>PDQ</c>, <c>pdq</c>), among the <see cref="Known"/> ones.</summary>
    public static bool TryFromName(ReadOnlySpan<char> name, [NotNullWhen(true)] out SignalType? type)
    {
        foreach (var candidate in Known)
        {
            if (name.Equals(candidate.Name, StringComparison.OrdinalIgnoreCase))
            {
                type = candidate;
                return true;
            }
        }
        type = null;
        return false;
    }

    /// <summary>Finds a signal type by name or throws <see cref="FormatException"/> naming the known ones.</summary>
    public static SignalType FromName(string name) =>
        TryFromName(name, out var type)
            ? type
            : throw new FormatException($"unknown signal type '{name}' (known: {string.Join(", ", Known.Select(t => t.Name))})");

    /// <summary>
    /// Checks a value and returns it in canonical form (trimmed, lowercase hex; for <see cref="Vpdq"/>
    /// the text form as <see cref="VpdqSignal.TryNormalize"/> writes it), or says what is wrong.
    /// </summary>
    public bool TryNormalize(ReadOnlySpan<char> raw, [NotNullWhen(true)] out string? value, [NotNullWhen(false)] out string? error)
    {
        if (!IsHex)
            return VpdqSignal.TryNormalize(raw, out value, out error);
        var trimmed = raw.Trim();
        value = null;
        if (trimmed.Length != HexLength)
        {
            error = $"{Name} value must be {HexLength} hex digits, got {trimmed.Length} characters";
            return false;
        }
        foreach (char c in trimmed)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                error = $"{Name} value contains '{c}', which is not a hex digit";
                return false;
            }
        }
        value = trimmed.ToString().ToLowerInvariant();
        error = null;
        return true;
    }

    /// <summary>True when <paramref name="value"/> is already in the canonical form <see cref="TryNormalize"/> returns.</summary>
    public bool IsCanonical(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return IsHex ? LowerHex.Is(value, HexLength) : TryNormalize(value, out var canonical, out _) && canonical == value;
    }

    /// <inheritdoc/>
    public bool Equals(SignalType? other) => ReferenceEquals(this, other);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => ReferenceEquals(this, obj);

    /// <inheritdoc/>
    public override int GetHashCode() => Name.GetHashCode(StringComparison.Ordinal);

    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>One signal value of a known type, in canonical form (lowercase hex; vPDQ's text form).</summary>
/// <param name="Type">The signal type.</param>
/// <param name="Value">The canonical value (see <see cref="SignalType.TryNormalize"/>).</param>
public readonly record struct Signal(SignalType Type, string Value)
{
    /// <summary>Builds a signal from a raw value, throwing <see cref="FormatException"/> if it is not valid for the type.</summary>
    public static Signal Create(SignalType type, string raw) =>
        type.TryNormalize(raw, out var value, out var error) ? new Signal(type, value) : throw new FormatException(error);

    /// <inheritdoc/>
    public override string ToString() => $"{Type.Name}:{Value}";
}
