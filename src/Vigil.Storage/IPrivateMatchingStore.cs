namespace Vigil.Storage;

/// <summary>Private matching: accounts, the vouchers they upload, and the reveals recorded over them.</summary>
/// <remarks>Part of <see cref="IVigilStore"/>; an implementation is safe to use from several threads at once.</remarks>
public interface IPrivateMatchingStore
{
    /// <summary>Which of <paramref name="voucherIds"/> the account has stored already (so an upload need not open them again).</summary>
    /// <exception cref="ArgumentException">The account name or an id is not valid.</exception>
    Task<IReadOnlyCollection<string>> FindPsiVoucherIdsAsync(string account, IReadOnlyList<string> voucherIds, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores one upload's vouchers for an account (creating the account on its first), in one
    /// transaction that holds the account's lock, so uploads for one account are stored one at a
    /// time in every process while other accounts' go on in parallel. A voucher whose id the
    /// account already holds, or that comes twice in the upload, is counted as a duplicate and
    /// not stored again; the account's counts are updated with what was stored.
    /// </summary>
    /// <exception cref="ArgumentException">The account name, an id, or an outcome and inner key that do not go together.</exception>
    Task<PsiVoucherBatchResult> AddPsiVouchersAsync(string account, IReadOnlyList<NewPsiVoucher> vouchers, CancellationToken cancellationToken = default);

    /// <summary>The account's state, or null when it has sent nothing.</summary>
    Task<PsiAccount?> GetPsiAccountAsync(string account, CancellationToken cancellationToken = default);

    /// <summary>Every voucher of the account whose outer layer opened, in the order they were stored.</summary>
    Task<IReadOnlyList<OpenedPsiVoucher>> ReadOpenedPsiVouchersAsync(string account, CancellationToken cancellationToken = default);

    /// <summary>Accounts with more than <paramref name="threshold"/> opened vouchers that no recorded reveal has looked at all of (a reveal is due).</summary>
    Task<IReadOnlyList<string>> ListPsiAccountsAwaitingRevealAsync(int threshold, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records a reveal in one transaction holding the account's lock: creates its cases, once per
    /// (source, account, voucher id) whoever records them and however often; marks the account
    /// revealed (or flagged, with the reason; a flag stays); and notes how many opened vouchers the
    /// reveal saw, unless a reveal that saw more was recorded first (its status then stands).
    /// </summary>
    /// <exception cref="ArgumentException">A field is not valid.</exception>
    /// <exception cref="StoreException">The account does not exist.</exception>
    Task<PsiRevealResult> RecordPsiRevealAsync(PsiReveal reveal, CancellationToken cancellationToken = default);
}
