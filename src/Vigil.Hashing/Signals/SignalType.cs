using System.Diagnostics.CodeAnalysis;
using Vigil.Hashing.Pdq;

namespace Vigil.Hashing.Signals;

/// <summary>
/// A kind of signal a bank can hold and a query can carry, named as the exchanges and HMA name it
/// (<c>pdq</c>, <c>md5</c>, <c>sha1</c>, <c>sha256</c>). Values are lowercase hex of a fixed length.
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

    /// <summary>Every signal type, in a stable order.</summary>
    public static IReadOnlyList<SignalType> All { get; } = [Pdq, Md5, Sha1, Sha256];

    private SignalType(string name, int hexLength, bool isPerceptual)
    {
        Name = name;
        HexLength = hexLength;
        IsPerceptual = isPerceptual;
    }

    /// <summary>The lowercase name used in files, the database and the API.</summary>
    public string Name { get; }

    /// <summary>Number of hex digits in a value.</summary>
    public int HexLength { get; }

    /// <summary>True when values are compared by distance rather than equality.</summary>
    public bool IsPerceptual { get; }

    /// <summary>Finds a signal type by name, ignoring case (<c>PDQ</c>, <c>pdq</c>).</summary>
    public static bool TryFromName(ReadOnlySpan<char> name, [NotNullWhen(true)] out SignalType? type)
    {
        foreach (var candidate in All)
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
            : throw new FormatException($"unknown signal type '{name}' (known: {string.Join(", ", All.Select(t => t.Name))})");

    /// <summary>
    /// Checks a value and returns it in canonical form (trimmed, lowercase hex), or says what is wrong.
    /// </summary>
    public bool TryNormalize(ReadOnlySpan<char> raw, [NotNullWhen(true)] out string? value, [NotNullWhen(false)] out string? error)
    {
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

    /// <inheritdoc/>
    public bool Equals(SignalType? other) => ReferenceEquals(this, other);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => ReferenceEquals(this, obj);

    /// <inheritdoc/>
    public override int GetHashCode() => Name.GetHashCode(StringComparison.Ordinal);

    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>One signal value of a known type, in canonical lowercase hex.</summary>
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
