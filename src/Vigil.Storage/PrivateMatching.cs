using Vigil.Hashing.Signals;

namespace Vigil.Storage;

/// <summary>Where an account stands in private matching (threshold PSI, <c>POST /v1/vouchers</c>).</summary>
public enum PsiAccountStatus
{
    /// <summary>Nothing revealed (what every account is until it passes the threshold).</summary>
    BelowThreshold,

    /// <summary>The account passed the threshold and its matched vouchers became review cases.</summary>
    Revealed,

    /// <summary>Past the threshold its shares did not rebuild its key (see <see cref="PsiAccount.FlagReason"/>); a flag stays until a person clears it.</summary>
    Flagged,
}

/// <summary>What the server key did to one voucher's outer layer.</summary>
public enum PsiVoucherOutcome
{
    /// <summary>No pair opened: not a match, nothing learnt.</summary>
    Closed,

    /// <summary>A pair opened (a match or a synthetic voucher); the inner key is kept.</summary>
    Opened,

    /// <summary>The pairs contradicted each other: refused.</summary>
    Rejected,
}

/// <summary>An account's private-matching state.</summary>
/// <param name="Account">The platform's account name (<see cref="PsiNames.IsValidAccount"/>).</param>
/// <param name="Vouchers">Vouchers stored for it, all outcomes.</param>
/// <param name="Opened">Vouchers whose outer layer opened (matches and synthetic ones alike; never shown below the threshold).</param>
/// <param name="Rejected">Vouchers refused as inconsistent.</param>
/// <param name="Status">Below the threshold, revealed or flagged.</param>
/// <param name="FlagReason">Why it was flagged, or null.</param>
/// <param name="RevealedThrough">How many opened vouchers the latest recorded reveal looked at (a reveal is due when <paramref name="Opened"/> is more).</param>
/// <param name="Cases">Review cases made from its vouchers.</param>
/// <param name="CreatedAt">When its first voucher arrived.</param>
/// <param name="UpdatedAt">When it last changed.</param>
public sealed record PsiAccount(string Account, long Vouchers, long Opened, long Rejected, PsiAccountStatus Status, string? FlagReason,
    long RevealedThrough, long Cases, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>A voucher to store, after the server key tried its outer layer.</summary>
/// <param name="VoucherId">The voucher's random id, 32 lowercase hex digits.</param>
/// <param name="ListVersion">The list version it was made against.</param>
/// <param name="Bytes">The voucher exactly as received.</param>
/// <param name="Outcome">What the server key did to it.</param>
/// <param name="InnerKey">The inner key its outer layer gave, when <see cref="PsiVoucherOutcome.Opened"/>; otherwise null.</param>
public sealed record NewPsiVoucher(string VoucherId, ulong ListVersion, byte[] Bytes, PsiVoucherOutcome Outcome, byte[]? InnerKey);

/// <summary>What storing one upload's vouchers did.</summary>
/// <param name="Accepted">Vouchers stored now.</param>
/// <param name="Duplicates">Vouchers whose id the account already had (or that came twice in the upload): not stored again.</param>
/// <param name="Account">The account after the upload.</param>
public sealed record PsiVoucherBatchResult(int Accepted, int Duplicates, PsiAccount Account);

/// <summary>A stored voucher whose outer layer opened: what a reveal rebuilds the protocol's opened voucher from.</summary>
/// <param name="VoucherId">The voucher's id (hex).</param>
/// <param name="ListVersion">The list version it was made against.</param>
/// <param name="Bytes">The voucher as received.</param>
/// <param name="InnerKey">The inner key its outer layer gave.</param>
public sealed record OpenedPsiVoucher(string VoucherId, ulong ListVersion, byte[] Bytes, byte[] InnerKey);

/// <summary>The re-check of a case's hash against the banks.</summary>
public static class ReviewRecheck
{
    /// <summary>The hash is within distance 31 of a bank entry (bank, content id and distance are set).</summary>
    public const string Matched = "matched";

    /// <summary>Nothing in the banks is within distance 31 any more (the entry was removed, or disabled, since the list was published).</summary>
    public const string Failed = "recheck_failed";

    /// <summary>A negative (false-positive) bank matched the hash, which suppresses its other matches.</summary>
    public const string Suppressed = "suppressed";
}

/// <summary>What a reveal over an account's opened vouchers decided, to record in one step.</summary>
/// <param name="Account">The account.</param>
/// <param name="OpenedSeen">How many opened vouchers the reveal looked at.</param>
/// <param name="Revealed">Whether it passed the threshold.</param>
/// <param name="FlagReason">Why the account is to be flagged, or null.</param>
/// <param name="Cases">One review item per revealed match (made once per voucher id), each joining its account's open case.</param>
public sealed record PsiReveal(string Account, long OpenedSeen, bool Revealed, string? FlagReason, IReadOnlyList<NewCaseItem> Cases);

/// <summary>What recording a reveal did.</summary>
/// <param name="CasesCreated">Review items new with this reveal (the others existed already).</param>
/// <param name="Account">The account after it.</param>
public sealed record PsiRevealResult(int CasesCreated, PsiAccount Account);

/// <summary>Names and codes of private matching's stored values.</summary>
public static class PsiNames
{
    /// <summary>The review-case source of revealed vouchers.</summary>
    public const string CaseSource = "psi";

    /// <summary>Most bytes of a case's thumbnail.</summary>
    public const int MaxThumbnailBytes = 64 * 1024;

    /// <summary>Most characters of an account name.</summary>
    public const int MaxAccountLength = 128;

    /// <summary>Whether <paramref name="account"/> is 1 to 128 characters of <c>[A-Za-z0-9._:-]</c>.</summary>
    public static bool IsValidAccount(string? account)
    {
        if (string.IsNullOrEmpty(account) || account.Length > MaxAccountLength)
            return false;
        foreach (char c in account)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '-'))
                return false;
        }
        return true;
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless <see cref="IsValidAccount"/>.</summary>
    public static void ValidateAccount(string? account)
    {
        if (!IsValidAccount(account))
            throw new ArgumentException($"account '{account}' must be 1 to {MaxAccountLength} characters of A-Z, a-z, 0-9, '.', '_', ':' and '-'", nameof(account));
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="voucherId"/> is 32 lowercase hex digits.</summary>
    public static void ValidateVoucherId(string? voucherId)
    {
        if (!LowerHex.Is(voucherId, 32))
            throw new ArgumentException($"voucher id '{voucherId}' must be 32 lowercase hex digits", nameof(voucherId));
    }


    /// <summary>The stored form of a status.</summary>
    public static string Name(PsiAccountStatus status) => status switch
    {
        PsiAccountStatus.BelowThreshold => "below_threshold",
        PsiAccountStatus.Revealed => "revealed",
        PsiAccountStatus.Flagged => "flagged",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    /// <summary>The status of a stored name.</summary>
    public static PsiAccountStatus ParseStatus(string name) => name switch
    {
        "below_threshold" => PsiAccountStatus.BelowThreshold,
        "revealed" => PsiAccountStatus.Revealed,
        "flagged" => PsiAccountStatus.Flagged,
        _ => throw new StoreException($"unknown private-matching account status '{name}'"),
    };

    /// <summary>The stored form of an outcome.</summary>
    public static string Name(PsiVoucherOutcome outcome) => outcome switch
    {
        PsiVoucherOutcome.Closed => "closed",
        PsiVoucherOutcome.Opened => "opened",
        PsiVoucherOutcome.Rejected => "rejected",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome)),
    };

    /// <summary>Checks the vouchers of one upload before they are stored.</summary>
    internal static void Validate(string account, IReadOnlyList<NewPsiVoucher> vouchers)
    {
        ValidateAccount(account);
        ArgumentNullException.ThrowIfNull(vouchers);
        foreach (var voucher in vouchers)
        {
            ArgumentNullException.ThrowIfNull(voucher);
            ValidateVoucherId(voucher.VoucherId);
            ArgumentNullException.ThrowIfNull(voucher.Bytes);
            if ((voucher.Outcome == PsiVoucherOutcome.Opened) != (voucher.InnerKey is not null))
                throw new ArgumentException($"voucher {voucher.VoucherId}: an inner key goes with an opened voucher, and only with one", nameof(vouchers));
        }
    }

    /// <summary>Checks a reveal before it is recorded.</summary>
    internal static void Validate(PsiReveal reveal)
    {
        ArgumentNullException.ThrowIfNull(reveal);
        ValidateAccount(reveal.Account);
        ArgumentOutOfRangeException.ThrowIfNegative(reveal.OpenedSeen);
        ArgumentNullException.ThrowIfNull(reveal.Cases);
        foreach (var item in reveal.Cases)
            Validate(item);
    }

    /// <summary>Checks a revealed item before it is stored.</summary>
    internal static void Validate(NewCaseItem item)
    {
        CaseValidation.Validate(item);
        if (item.Account is null || item.VoucherId is null)
            throw new ArgumentException("a private-matching review item names its account and voucher id", nameof(item));
        ValidateVoucherId(item.VoucherId);
    }
}
