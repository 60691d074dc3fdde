using Vigil.Hashing.Signals;

namespace Vigil.Storage;

/// <summary>
/// One item of a bank: a piece of known media, described by one or more signals (its PDQ hash,
/// its MD5, ...) and where it came from. The store never holds the media itself.
/// </summary>
public sealed record BankContent
{
    /// <summary>The content id, unique across all banks.</summary>
    public required long Id { get; init; }

    /// <summary>The id of the bank that holds it.</summary>
    public required long BankId { get; init; }

    /// <summary>The name of the bank that holds it.</summary>
    public required string BankName { get; init; }

    /// <summary>Its signals (at least one), in the order they were added.</summary>
    public required IReadOnlyList<Signal> Signals { get; init; }

    /// <summary>Free metadata as JSON text, or null.</summary>
    public string? Metadata { get; init; }

    /// <summary>A free note, or null.</summary>
    public string? Note { get; init; }

    /// <summary>Provenance: the organisation or exchange it came from (e.g. <c>NCMEC</c>), or null.</summary>
    public string? Source { get; init; }

    /// <summary>The source's own id for this entry, or null.</summary>
    public string? SourceId { get; init; }

    /// <summary>Its classification (see <see cref="Classifications"/>) or another label, or null.</summary>
    public string? Classification { get; init; }

    /// <summary>When it was added to the bank, in UTC.</summary>
    public required DateTimeOffset AddedAt { get; init; }

    /// <summary>Until when it is left out of matching (in UTC), or null when it is active.</summary>
    public DateTimeOffset? DisabledUntil { get; init; }

    /// <summary>True when it is left out of matching at <paramref name="now"/>.</summary>
    public bool IsDisabledAt(DateTimeOffset now) => DisabledUntil is { } until && until > now;
}

/// <summary>A content item to add: its signals and the optional fields.</summary>
/// <param name="Signals">One or more signals in canonical form; repeats of the same signal are stored once.</param>
public sealed record NewContent(IReadOnlyList<Signal> Signals)
{
    /// <summary>Free metadata as JSON text, or null. It must be valid JSON.</summary>
    public string? Metadata { get; init; }

    /// <summary>A free note, or null.</summary>
    public string? Note { get; init; }

    /// <summary>The organisation or exchange it came from, or null.</summary>
    public string? Source { get; init; }

    /// <summary>The source's id for the entry, or null. Together with <see cref="Source"/> it identifies the entry in its bank.</summary>
    public string? SourceId { get; init; }

    /// <summary>Its classification, or null.</summary>
    public string? Classification { get; init; }

    /// <summary>Until when it is left out of matching, or null.</summary>
    public DateTimeOffset? DisabledUntil { get; init; }
}

/// <summary>
/// A change to a content item's editable fields. A field left unset (<c>default</c>) keeps its value;
/// setting it to null clears it. Signals and provenance cannot be changed: remove and re-add instead.
/// </summary>
public sealed record ContentUpdate
{
    /// <summary>New note.</summary>
    public Optional<string?> Note { get; init; }

    /// <summary>New metadata (valid JSON text).</summary>
    public Optional<string?> Metadata { get; init; }

    /// <summary>New classification.</summary>
    public Optional<string?> Classification { get; init; }

    /// <summary>New end of the disabled period.</summary>
    public Optional<DateTimeOffset?> DisabledUntil { get; init; }
}

/// <summary>
/// The industry classification categories the exchanges share (NCMEC, Tech Coalition):
/// A = prepubescent, B = pubescent; 1 = sex act, 2 = lascivious exhibition. Any other label may be
/// stored as well.
/// </summary>
public static class Classifications
{
    /// <summary>Prepubescent, sex act.</summary>
    public const string A1 = "A1";

    /// <summary>Prepubescent, lascivious exhibition.</summary>
    public const string A2 = "A2";

    /// <summary>Pubescent, sex act.</summary>
    public const string B1 = "B1";

    /// <summary>Pubescent, lascivious exhibition.</summary>
    public const string B2 = "B2";
}

/// <summary>A value that may be absent, so that an update can tell "leave it" from "set it to null".</summary>
/// <typeparam name="T">The value's type.</typeparam>
public readonly struct Optional<T>
{
    private readonly T _value;

    /// <summary>A present value.</summary>
    public Optional(T value)
    {
        _value = value;
        HasValue = true;
    }

    /// <summary>True when a value is present.</summary>
    public bool HasValue { get; }

    /// <summary>The value; throws when absent.</summary>
    public T Value => HasValue ? _value : throw new InvalidOperationException("no value");

    /// <summary>The value when present, else <paramref name="fallback"/>.</summary>
    public T GetValueOrDefault(T fallback) => HasValue ? _value : fallback;

    /// <summary>Wraps a value.</summary>
    public static implicit operator Optional<T>(T value) => new(value);

    /// <inheritdoc/>
    public override string ToString() => HasValue ? $"{_value}" : "(unset)";
}
