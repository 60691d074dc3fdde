using Vigil.Hashing.Signals;
using Vigil.Storage.Sql;

namespace Vigil.Storage;

/// <summary>
/// The store as one object: each concern is one implementation over ADO.NET and the engine's
/// <see cref="SqlDialect"/> (or, where the engines differ in kind, the engine's own), and this class
/// hands every call to the concern that owns it. <see cref="Sqlite.SqliteVigilStore"/> and
/// <see cref="Postgres.PostgresVigilStore"/> choose the implementations and open the database.
/// </summary>
public abstract class VigilStore : IVigilStore
{
    private readonly IBankStore _banks;
    private readonly IContentStore _content;
    private readonly IImportStore _import;
    private readonly IChangeFeed _feed;
    private readonly IApiKeyStore _apiKeys;
    private readonly IAuditLog _audit;
    private readonly IPrivateMatchingStore _privateMatching;
    private readonly IActionOutboxStore _actions;

    private protected VigilStore(SqlDatabase db, BankContentWriterFactory createWriter, FeedScans scans)
    {
        Database = db;
        _banks = new SqlBankStore(db);
        _content = new SqlContentStore(db, createWriter, scans);
        _import = new SqlImportStore(db, createWriter);
        _feed = new SqlChangeFeed(db, scans);
        _apiKeys = new SqlApiKeyStore(db);
        _audit = new SqlAuditLog(db);
        var cases = new SqlCaseStore(db);
        Cases = cases;
        _privateMatching = new SqlPrivateMatchingStore(db, cases);
        _actions = new SqlActionOutboxStore(db);
        Reports = new SqlReportOutboxStore(db);
        Exchanges = new SqlExchangeStore(db);
        ExchangeFeedback = new SqlExchangeFeedbackStore(db);
        Conversations = new SqlConversationStore(db);
    }

    private protected SqlDatabase Database { get; }

    /// <inheritdoc/>
    public abstract string Location { get; }

    /// <inheritdoc/>
    public abstract IIndexSnapshotStore IndexSnapshots { get; }

    /// <inheritdoc/>
    public ICaseStore Cases { get; }

    /// <inheritdoc/>
    public IReportOutboxStore Reports { get; }

    /// <inheritdoc/>
    public IExchangeStore Exchanges { get; }

    /// <inheritdoc/>
    public IExchangeFeedbackStore ExchangeFeedback { get; }

    /// <inheritdoc/>
    public IConversationStore Conversations { get; }

    /// <summary>Closes the pooled connections.</summary>
    public abstract ValueTask DisposeAsync();

    /// <inheritdoc cref="IBankStore.CreateBankAsync"/>
    public Task<Bank> CreateBankAsync(NewBank bank, CancellationToken cancellationToken = default) => _banks.CreateBankAsync(bank, cancellationToken);

    /// <inheritdoc cref="IBankStore.GetBankAsync"/>
    public Task<Bank?> GetBankAsync(string name, CancellationToken cancellationToken = default) => _banks.GetBankAsync(name, cancellationToken);

    /// <inheritdoc cref="IBankStore.ListBanksAsync"/>
    public Task<IReadOnlyList<BankSummary>> ListBanksAsync(CancellationToken cancellationToken = default) => _banks.ListBanksAsync(cancellationToken);

    /// <inheritdoc cref="IBankStore.ListBankSettingsAsync"/>
    public Task<IReadOnlyList<Bank>> ListBankSettingsAsync(CancellationToken cancellationToken = default) => _banks.ListBankSettingsAsync(cancellationToken);

    /// <inheritdoc cref="IBankStore.UpdateBankAsync"/>
    public Task<Bank> UpdateBankAsync(string name, BankUpdate update, CancellationToken cancellationToken = default) =>
        _banks.UpdateBankAsync(name, update, cancellationToken);

    /// <inheritdoc cref="IBankStore.DeleteBankAsync"/>
    public Task<bool> DeleteBankAsync(string name, CancellationToken cancellationToken = default) => _banks.DeleteBankAsync(name, cancellationToken);

    /// <inheritdoc cref="IContentStore.AddContentAsync"/>
    public Task<BankContent> AddContentAsync(string bankName, NewContent content, CancellationToken cancellationToken = default) =>
        _content.AddContentAsync(bankName, content, cancellationToken);

    /// <inheritdoc cref="IContentStore.GetContentAsync"/>
    public Task<BankContent?> GetContentAsync(long contentId, CancellationToken cancellationToken = default) =>
        _content.GetContentAsync(contentId, cancellationToken);

    /// <inheritdoc cref="IContentStore.UpdateContentAsync"/>
    public Task<BankContent> UpdateContentAsync(long contentId, ContentUpdate update, CancellationToken cancellationToken = default) =>
        _content.UpdateContentAsync(contentId, update, cancellationToken);

    /// <inheritdoc cref="IContentStore.RemoveContentAsync"/>
    public Task<bool> RemoveContentAsync(long contentId, CancellationToken cancellationToken = default) =>
        _content.RemoveContentAsync(contentId, cancellationToken);

    /// <inheritdoc cref="IContentStore.StreamContentAsync"/>
    public IAsyncEnumerable<BankContent> StreamContentAsync(string bankName, CancellationToken cancellationToken = default) =>
        _content.StreamContentAsync(bankName, cancellationToken);

    /// <inheritdoc cref="IContentStore.CountContentAsync"/>
    public Task<long> CountContentAsync(string bankName, CancellationToken cancellationToken = default) =>
        _content.CountContentAsync(bankName, cancellationToken);

    /// <inheritdoc cref="IContentStore.CountSignalsAsync"/>
    public Task<long> CountSignalsAsync(SignalType type, CancellationToken cancellationToken = default) =>
        _content.CountSignalsAsync(type, cancellationToken);

    /// <inheritdoc cref="IContentStore.LookupSignalAsync"/>
    public Task<IReadOnlyList<SignalMatch>> LookupSignalAsync(Signal signal, CancellationToken cancellationToken = default) =>
        _content.LookupSignalAsync(signal, cancellationToken);

    /// <inheritdoc cref="IContentStore.StreamContentBanksAsync"/>
    public IAsyncEnumerable<ContentBank> StreamContentBanksAsync(CancellationToken cancellationToken = default) =>
        _content.StreamContentBanksAsync(cancellationToken);

    /// <inheritdoc cref="IContentStore.ListDisabledContentAsync"/>
    public Task<IReadOnlyList<DisabledContent>> ListDisabledContentAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
        _content.ListDisabledContentAsync(now, cancellationToken);

    /// <inheritdoc cref="IImportStore.ImportAsync(string, IAsyncEnumerable{ImportItem}, ImportOptions?, IProgress{ImportSummary}?, CancellationToken)"/>
    public Task<ImportSummary> ImportAsync(string bankName, IAsyncEnumerable<ImportItem> items, ImportOptions? options = null,
        IProgress<ImportSummary>? progress = null, CancellationToken cancellationToken = default) =>
        _import.ImportAsync(bankName, items, options, progress, cancellationToken);

    /// <inheritdoc cref="IImportStore.ImportAsync(string, IEnumerable{ImportItem}, ImportOptions?, IProgress{ImportSummary}?, CancellationToken)"/>
    public Task<ImportSummary> ImportAsync(string bankName, IEnumerable<ImportItem> items, ImportOptions? options = null,
        IProgress<ImportSummary>? progress = null, CancellationToken cancellationToken = default) =>
        _import.ImportAsync(bankName, items, options, progress, cancellationToken);

    /// <inheritdoc cref="IChangeFeed.StreamPdqSignalsAsync"/>
    public IAsyncEnumerable<PdqFeedEntry> StreamPdqSignalsAsync(IReadOnlyCollection<string>? bankNames = null, bool includeDisabledContent = false,
        CancellationToken cancellationToken = default) =>
        _feed.StreamPdqSignalsAsync(bankNames, includeDisabledContent, cancellationToken);

    /// <inheritdoc cref="IChangeFeed.ReadPdqSignalsAsync"/>
    public Task<long> ReadPdqSignalsAsync(Action<PdqFeedEntry> onEntry, CancellationToken cancellationToken = default) =>
        _feed.ReadPdqSignalsAsync(onEntry, cancellationToken);

    /// <inheritdoc cref="IChangeFeed.ReadPdqVariantSignalsAsync"/>
    public Task<long> ReadPdqVariantSignalsAsync(Action<PdqFeedEntry> onEntry, CancellationToken cancellationToken = default) =>
        _feed.ReadPdqVariantSignalsAsync(onEntry, cancellationToken);

    /// <inheritdoc cref="IChangeFeed.GetLatestChangeSeqAsync"/>
    public Task<long> GetLatestChangeSeqAsync(CancellationToken cancellationToken = default) => _feed.GetLatestChangeSeqAsync(cancellationToken);

    /// <inheritdoc cref="IChangeFeed.ReadChangesAsync"/>
    public Task<IReadOnlyList<SignalChange>> ReadChangesAsync(long afterSeq, int limit, CancellationToken cancellationToken = default) =>
        _feed.ReadChangesAsync(afterSeq, limit, cancellationToken);

    /// <inheritdoc cref="IApiKeyStore.CreateApiKeyAsync(string, ApiKeyRole, string, CancellationToken)"/>
    public Task<ApiKey> CreateApiKeyAsync(string name, ApiKeyRole role, string keyHash, CancellationToken cancellationToken = default) =>
        _apiKeys.CreateApiKeyAsync(name, role, keyHash, cancellationToken);

    /// <inheritdoc cref="IApiKeyStore.CreateApiKeyAsync(string, ApiKeyRole, string, DateTimeOffset?, CancellationToken)"/>
    public Task<ApiKey> CreateApiKeyAsync(string name, ApiKeyRole role, string keyHash, DateTimeOffset? expiresAt,
        CancellationToken cancellationToken = default) =>
        _apiKeys.CreateApiKeyAsync(name, role, keyHash, expiresAt, cancellationToken);

    /// <inheritdoc cref="IApiKeyStore.FindApiKeyAsync"/>
    public Task<ApiKey?> FindApiKeyAsync(string keyHash, CancellationToken cancellationToken = default) => _apiKeys.FindApiKeyAsync(keyHash, cancellationToken);

    /// <inheritdoc cref="IApiKeyStore.ListApiKeysAsync"/>
    public Task<IReadOnlyList<ApiKey>> ListApiKeysAsync(CancellationToken cancellationToken = default) => _apiKeys.ListApiKeysAsync(cancellationToken);

    /// <inheritdoc cref="IApiKeyStore.RevokeApiKeyAsync"/>
    public Task<bool> RevokeApiKeyAsync(string name, CancellationToken cancellationToken = default) => _apiKeys.RevokeApiKeyAsync(name, cancellationToken);

    /// <inheritdoc cref="IAuditLog.AppendAuditAsync(string, string, string, string?, CancellationToken)"/>
    public Task<AuditEntry> AppendAuditAsync(string actor, string action, string subject, string? detailJson,
        CancellationToken cancellationToken = default) =>
        _audit.AppendAuditAsync(actor, action, subject, detailJson, cancellationToken);

    /// <inheritdoc cref="IAuditLog.AppendAuditAsync(IReadOnlyList{AuditRecord}, CancellationToken)"/>
    public Task<IReadOnlyList<AuditEntry>> AppendAuditAsync(IReadOnlyList<AuditRecord> records, CancellationToken cancellationToken = default) =>
        _audit.AppendAuditAsync(records, cancellationToken);

    /// <inheritdoc cref="IAuditLog.ReadAuditAsync"/>
    public IAsyncEnumerable<AuditEntry> ReadAuditAsync(long afterSeq = 0, CancellationToken cancellationToken = default) =>
        _audit.ReadAuditAsync(afterSeq, cancellationToken);

    /// <inheritdoc cref="IPrivateMatchingStore.FindPsiVoucherIdsAsync"/>
    public Task<IReadOnlyCollection<string>> FindPsiVoucherIdsAsync(string account, IReadOnlyList<string> voucherIds,
        CancellationToken cancellationToken = default) =>
        _privateMatching.FindPsiVoucherIdsAsync(account, voucherIds, cancellationToken);

    /// <inheritdoc cref="IPrivateMatchingStore.AddPsiVouchersAsync"/>
    public Task<PsiVoucherBatchResult> AddPsiVouchersAsync(string account, IReadOnlyList<NewPsiVoucher> vouchers,
        CancellationToken cancellationToken = default) =>
        _privateMatching.AddPsiVouchersAsync(account, vouchers, cancellationToken);

    /// <inheritdoc cref="IPrivateMatchingStore.GetPsiAccountAsync"/>
    public Task<PsiAccount?> GetPsiAccountAsync(string account, CancellationToken cancellationToken = default) =>
        _privateMatching.GetPsiAccountAsync(account, cancellationToken);

    /// <inheritdoc cref="IPrivateMatchingStore.ReadOpenedPsiVouchersAsync"/>
    public Task<IReadOnlyList<OpenedPsiVoucher>> ReadOpenedPsiVouchersAsync(string account, CancellationToken cancellationToken = default) =>
        _privateMatching.ReadOpenedPsiVouchersAsync(account, cancellationToken);

    /// <inheritdoc cref="IPrivateMatchingStore.ListPsiAccountsAwaitingRevealAsync"/>
    public Task<IReadOnlyList<string>> ListPsiAccountsAwaitingRevealAsync(int threshold, CancellationToken cancellationToken = default) =>
        _privateMatching.ListPsiAccountsAwaitingRevealAsync(threshold, cancellationToken);

    /// <inheritdoc cref="IPrivateMatchingStore.RecordPsiRevealAsync"/>
    public Task<PsiRevealResult> RecordPsiRevealAsync(PsiReveal reveal, CancellationToken cancellationToken = default) =>
        _privateMatching.RecordPsiRevealAsync(reveal, cancellationToken);

    /// <inheritdoc cref="IActionOutboxStore.AddActionDeliveriesAsync"/>
    public Task<IReadOnlyList<long>> AddActionDeliveriesAsync(IReadOnlyList<NewActionDelivery> deliveries, CancellationToken cancellationToken = default) =>
        _actions.AddActionDeliveriesAsync(deliveries, cancellationToken);

    /// <inheritdoc cref="IActionOutboxStore.ClaimDueActionDeliveriesAsync"/>
    public Task<IReadOnlyList<ClaimedActionDelivery>> ClaimDueActionDeliveriesAsync(DateTimeOffset now, TimeSpan lease, int limit,
        CancellationToken cancellationToken = default) =>
        _actions.ClaimDueActionDeliveriesAsync(now, lease, limit, cancellationToken);

    /// <inheritdoc cref="IActionOutboxStore.RecordActionAttemptAsync"/>
    public Task<bool> RecordActionAttemptAsync(ClaimedActionDelivery claim, ActionAttempt attempt, CancellationToken cancellationToken = default) =>
        _actions.RecordActionAttemptAsync(claim, attempt, cancellationToken);

    /// <inheritdoc cref="IActionOutboxStore.ListActionDeliveriesAsync"/>
    public Task<IReadOnlyList<ActionDelivery>> ListActionDeliveriesAsync(ActionDeliveryStatus? status, long afterId, int limit,
        CancellationToken cancellationToken = default) =>
        _actions.ListActionDeliveriesAsync(status, afterId, limit, cancellationToken);

    /// <inheritdoc cref="IActionOutboxStore.GetActionDeliveryAsync"/>
    public Task<ActionDelivery?> GetActionDeliveryAsync(long id, CancellationToken cancellationToken = default) =>
        _actions.GetActionDeliveryAsync(id, cancellationToken);

    /// <inheritdoc cref="IActionOutboxStore.RetryActionDeliveryAsync"/>
    public Task<bool> RetryActionDeliveryAsync(long id, DateTimeOffset now, DateTimeOffset giveUpAt, CancellationToken cancellationToken = default) =>
        _actions.RetryActionDeliveryAsync(id, now, giveUpAt, cancellationToken);
}
