using Vigil.Hashing.Signals;

namespace Vigil.Storage;

/// <summary>
/// Vigil's store of banks, their content and signals, and the change sequence replicas follow.
/// The CLI and the HTTP service use only this interface; <see cref="Sqlite.SqliteVigilStore"/> is the
/// embedded implementation and a PostgreSQL one sits beside it with the same schema.
/// </summary>
/// <remarks>
/// Errors the user can act on are <see cref="StoreException"/>s (<see cref="BankNotFoundException"/>
/// for an unknown bank name); invalid arguments are <see cref="ArgumentException"/>s. An instance is
/// safe to use from several threads at once.
/// </remarks>
public interface IVigilStore : IAsyncDisposable
{
    /// <summary>A description of where the data lives (a file path, a server), for messages.</summary>
    string Location { get; }

    /// <summary>Creates a bank.</summary>
    /// <exception cref="InvalidBankNameException">The name breaks the naming rule.</exception>
    /// <exception cref="BankAlreadyExistsException">A bank has that name already.</exception>
    Task<Bank> CreateBankAsync(NewBank bank, CancellationToken cancellationToken = default);

    /// <summary>The bank with this name, or null.</summary>
    Task<Bank?> GetBankAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Every bank with its content count, ordered by name.</summary>
    Task<IReadOnlyList<BankSummary>> ListBanksAsync(CancellationToken cancellationToken = default);

    /// <summary>Every bank's settings, ordered by name, without counting content: cheap enough for a replica to poll.</summary>
    Task<IReadOnlyList<Bank>> ListBankSettingsAsync(CancellationToken cancellationToken = default);

    /// <summary>Changes a bank's settings and returns the bank as it now is.</summary>
    /// <exception cref="BankNotFoundException">No bank has that name.</exception>
    Task<Bank> UpdateBankAsync(string name, BankUpdate update, CancellationToken cancellationToken = default);

    /// <summary>Deletes a bank and all its content (logging the removal of every signal); false if there was no such bank.</summary>
    Task<bool> DeleteBankAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Adds one content item to a bank.</summary>
    /// <exception cref="BankNotFoundException">No bank has that name.</exception>
    /// <exception cref="DuplicateContentException">The bank holds one of its signals, or its source and source id, already.</exception>
    Task<BankContent> AddContentAsync(string bankName, NewContent content, CancellationToken cancellationToken = default);

    /// <summary>The content item with this id, or null.</summary>
    Task<BankContent?> GetContentAsync(long contentId, CancellationToken cancellationToken = default);

    /// <summary>Changes a content item's note, metadata, classification or disabled period and returns it as it now is.</summary>
    /// <exception cref="ContentNotFoundException">No content item has that id.</exception>
    Task<BankContent> UpdateContentAsync(long contentId, ContentUpdate update, CancellationToken cancellationToken = default);

    /// <summary>Removes a content item and its signals; false if there was no such item.</summary>
    Task<bool> RemoveContentAsync(long contentId, CancellationToken cancellationToken = default);

    /// <summary>Every content item of a bank in id order (for export). The bank is looked up when enumeration starts.</summary>
    /// <exception cref="BankNotFoundException">No bank has that name.</exception>
    IAsyncEnumerable<BankContent> StreamContentAsync(string bankName, CancellationToken cancellationToken = default);

    /// <summary>How many content items a bank holds.</summary>
    /// <exception cref="BankNotFoundException">No bank has that name.</exception>
    Task<long> CountContentAsync(string bankName, CancellationToken cancellationToken = default);

    /// <summary>How many signals of one type all the banks hold (a scan of the signals: for status pages, not per lookup).</summary>
    Task<long> CountSignalsAsync(SignalType type, CancellationToken cancellationToken = default);

    /// <summary>
    /// Imports a hash list into a bank, idempotently: an addition whose signal (same type and value)
    /// or whose source and source id the bank already holds is counted as unchanged. Items are
    /// committed in batches of <see cref="ImportOptions.BatchSize"/>; if the import stops (an
    /// exception, cancellation, the process killed) the bank keeps exactly the batches committed
    /// before, never part of a batch.
    /// </summary>
    /// <param name="bankName">The bank to import into.</param>
    /// <param name="items">Valid items (the caller reports lines it could not parse).</param>
    /// <param name="options">Batch size; null for the defaults.</param>
    /// <param name="progress">Told the running totals after every committed batch.</param>
    /// <param name="cancellationToken">Stops the import, rolling back the batch in progress.</param>
    /// <exception cref="BankNotFoundException">No bank has that name.</exception>
    Task<ImportSummary> ImportAsync(string bankName, IAsyncEnumerable<ImportItem> items, ImportOptions? options = null,
        IProgress<ImportSummary>? progress = null, CancellationToken cancellationToken = default);

    /// <inheritdoc cref="ImportAsync(string, IAsyncEnumerable{ImportItem}, ImportOptions?, IProgress{ImportSummary}?, CancellationToken)"/>
    Task<ImportSummary> ImportAsync(string bankName, IEnumerable<ImportItem> items, ImportOptions? options = null,
        IProgress<ImportSummary>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every PDQ signal of the named banks (or, when <paramref name="bankNames"/> is null, of every
    /// enabled bank) for building a matching index, leaving out content disabled at the time of the
    /// call unless <paramref name="includeDisabledContent"/> is set (an index that checks
    /// <see cref="BankContent.DisabledUntil"/> at match time wants it all: re-enabling by the
    /// passing of time is not in the change log). Named banks are included even when disabled.
    /// </summary>
    /// <remarks>
    /// The feed reads one consistent snapshot, but does not say which change it reflects: to follow
    /// the change sequence from a feed, use <see cref="ReadPdqSignalsAsync"/>, which does.
    /// </remarks>
    /// <exception cref="BankNotFoundException">A named bank does not exist.</exception>
    IAsyncEnumerable<PdqFeedEntry> StreamPdqSignalsAsync(IReadOnlyCollection<string>? bankNames = null,
        bool includeDisabledContent = false, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads every PDQ signal in the store, of every bank (enabled or not) and every content item
    /// (disabled or not), and every matchable frame of every vpdq signal (quality at least 50,
    /// identical hashes once per signal; <see cref="PdqFeedEntry.IsVideoFrame"/> set), passing each
    /// to <paramref name="onEntry"/>, and returns the sequence number
    /// of the latest change the read reflects: the signals and the number come from one consistent
    /// snapshot of the store, so every change up to the number is in what was read and none after
    /// it. Replaying the changes after the number (<see cref="ReadChangesAsync"/>) on top of what was
    /// read is therefore exact: nothing is applied twice, nothing missed. This is what a matching
    /// index that follows the change log is built from.
    /// </summary>
    /// <param name="onEntry">Called for each signal, in no particular order.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<long> ReadPdqSignalsAsync(Action<PdqFeedEntry> onEntry, CancellationToken cancellationToken = default);

    /// <summary>Every content item's bank, in no particular order (a matcher keeps them in memory to decide matches without a read per match).</summary>
    IAsyncEnumerable<ContentBank> StreamContentBanksAsync(CancellationToken cancellationToken = default);

    /// <summary>The content items disabled at <paramref name="now"/> (<c>disabled_until</c> later than it), with when each matches again.</summary>
    Task<IReadOnlyList<DisabledContent>> ListDisabledContentAsync(DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Every content item, in any bank, holding exactly this signal (whatever the bank's or content's enabled state).</summary>
    Task<IReadOnlyList<SignalMatch>> LookupSignalAsync(Signal signal, CancellationToken cancellationToken = default);

    /// <summary>
    /// The sequence number of the latest change, or 0 when nothing has changed yet. Every change with a
    /// lower number is committed (or was rolled back, leaving its number unused) by the time this one
    /// is visible: numbers are committed in order, in both stores.
    /// </summary>
    Task<long> GetLatestChangeSeqAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Up to <paramref name="limit"/> changes with a sequence number above <paramref name="afterSeq"/>,
    /// in order. Numbers are committed in order (see <see cref="GetLatestChangeSeqAsync"/>), so a
    /// follower that asks for the changes after the last number it applied never misses one and never
    /// sees one twice; numbers may have gaps (rolled-back transactions), never repeats.
    /// </summary>
    Task<IReadOnlyList<SignalChange>> ReadChangesAsync(long afterSeq, int limit, CancellationToken cancellationToken = default);

    /// <summary>Where the store keeps the latest snapshot of the matching index built over it (see <see cref="IIndexSnapshotStore"/>).</summary>
    IIndexSnapshotStore IndexSnapshots { get; }

    /// <summary>Stores a new API key by its hash (see <see cref="ApiKeySecrets"/>); the name must be unused.</summary>
    /// <exception cref="StoreException">The name is taken.</exception>
    Task<ApiKey> CreateApiKeyAsync(string name, ApiKeyRole role, string keyHash, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores a new API key by its hash that stops working at <paramref name="expiresAt"/> (null: never,
    /// as the other overload); the name must be unused. A time already past makes a key that is expired from the start.
    /// </summary>
    /// <exception cref="StoreException">The name is taken.</exception>
    Task<ApiKey> CreateApiKeyAsync(string name, ApiKeyRole role, string keyHash, DateTimeOffset? expiresAt,
        CancellationToken cancellationToken = default);

    /// <summary>The key with this hash, active, revoked or expired, or null.</summary>
    Task<ApiKey?> FindApiKeyAsync(string keyHash, CancellationToken cancellationToken = default);

    /// <summary>Every key, revoked and expired ones included, by name.</summary>
    Task<IReadOnlyList<ApiKey>> ListApiKeysAsync(CancellationToken cancellationToken = default);

    /// <summary>Revokes the named key; false if there is no active key of that name.</summary>
    Task<bool> RevokeApiKeyAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends an entry to the audit log and returns it. The sequence number, time, previous hash
    /// and hash are computed inside one write transaction that holds the log's lock, so concurrent
    /// appenders (in any process) extend one chain, never fork it. There is no way to change or
    /// remove an entry: the database itself rejects UPDATE and DELETE on the log.
    /// </summary>
    /// <param name="actor">Who acted (an API key's name, <c>cli</c>): 1 to 200 characters.</param>
    /// <param name="action">What was done (<c>bank.create</c>, <c>lookup</c>): 1 to 200 characters.</param>
    /// <param name="subject">What it was done to (a bank, a content id, a hash); may be empty; at most 1,000 characters.</param>
    /// <param name="detailJson">A JSON document with more details (a lookup's outcome), or null.</param>
    /// <param name="cancellationToken">Cancels the append (nothing is written).</param>
    /// <exception cref="ArgumentException">A field breaks the rules of <see cref="AuditChain.ValidateFields(string, string, string, string?)"/>.</exception>
    Task<AuditEntry> AppendAuditAsync(string actor, string action, string subject, string? detailJson,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends several entries in order in one transaction (each chained to the one before, as
    /// <see cref="AppendAuditAsync(string, string, string, string?, CancellationToken)"/> does) and
    /// returns them: busy services write their audit trail in batches. All or none are written.
    /// </summary>
    /// <exception cref="ArgumentException">A record breaks the rules of <see cref="AuditChain.ValidateFields(string, string, string, string?)"/> (nothing is written).</exception>
    Task<IReadOnlyList<AuditEntry>> AppendAuditAsync(IReadOnlyList<AuditRecord> records, CancellationToken cancellationToken = default);

    /// <summary>Every audit entry with a sequence number above <paramref name="afterSeq"/>, in order, as stored (check them with <see cref="AuditChain"/>).</summary>
    IAsyncEnumerable<AuditEntry> ReadAuditAsync(long afterSeq = 0, CancellationToken cancellationToken = default);

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

    /// <summary>Review cases with an id above <paramref name="afterId"/>, in id order, at most <paramref name="limit"/>, of one status or all (null).</summary>
    Task<IReadOnlyList<ReviewCase>> ListReviewCasesAsync(ReviewCaseStatus? status, long afterId, int limit, CancellationToken cancellationToken = default);

    /// <summary>The review case with this id, or null.</summary>
    Task<ReviewCase?> GetReviewCaseAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>The case's thumbnail bytes; null when there is no such case or it has none.</summary>
    Task<byte[]?> GetReviewCaseThumbnailAsync(long id, CancellationToken cancellationToken = default);
}
