namespace Vigil.Storage;

/// <summary>
/// A hash bank: a named list of known content (for example one exchange's CSAM list, or the
/// platform's own confirmed matches) whose signals are matched against uploads.
/// </summary>
public sealed record Bank
{
    /// <summary>The store's numeric id (what the index feed and the change log carry).</summary>
    public required long Id { get; init; }

    /// <summary>The bank's name, in CAPS_AND_UNDERSCORES (see <see cref="BankName"/>).</summary>
    public required string Name { get; init; }

    /// <summary>Whether the bank takes part in matching.</summary>
    public required bool Enabled { get; init; }

    /// <summary>
    /// The fraction (0..1) of this bank's matches that are acted on, as HMA's <c>enabled_ratio</c>:
    /// lets an operator roll a new bank out gradually. 1.0 acts on every match.
    /// </summary>
    public required double EnabledRatio { get; init; }

    /// <summary>
    /// True for a negative bank: a list of known false positives whose matches cancel matches of
    /// the same media against the other banks.
    /// </summary>
    public required bool IsNegative { get; init; }

    /// <summary>Free-form labels (for example the exchange or the kind of harm).</summary>
    public required IReadOnlyList<string> Labels { get; init; }

    /// <summary>When the bank was created, in UTC.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
}

/// <summary>A bank together with how many content items it holds, as a listing shows it.</summary>
/// <param name="Bank">The bank.</param>
/// <param name="ContentCount">Number of content items in the bank.</param>
public sealed record BankSummary(Bank Bank, long ContentCount);

/// <summary>What <see cref="IBankStore.CreateBankAsync"/> needs to create a bank.</summary>
/// <param name="Name">The name, in CAPS_AND_UNDERSCORES (see <see cref="BankName"/>).</param>
public sealed record NewBank(string Name)
{
    /// <summary>Whether the bank takes part in matching; true unless said otherwise.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Fraction (0..1) of matches acted on; 1.0 unless said otherwise.</summary>
    public double EnabledRatio { get; init; } = 1.0;

    /// <summary>True for a negative (false-positive) bank.</summary>
    public bool IsNegative { get; init; }

    /// <summary>Free-form labels.</summary>
    public IReadOnlyList<string> Labels { get; init; } = [];
}

/// <summary>A change to a bank's settings; a null property leaves that setting as it is.</summary>
public sealed record BankUpdate
{
    /// <summary>New enabled flag, or null to keep it.</summary>
    public bool? Enabled { get; init; }

    /// <summary>New enabled ratio (0..1), or null to keep it.</summary>
    public double? EnabledRatio { get; init; }

    /// <summary>New labels (replacing the old ones), or null to keep them.</summary>
    public IReadOnlyList<string>? Labels { get; init; }

    /// <summary>New negative flag, or null to keep it.</summary>
    public bool? IsNegative { get; init; }
}
