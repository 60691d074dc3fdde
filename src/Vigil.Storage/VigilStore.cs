using Vigil.Storage.Sql;

namespace Vigil.Storage;

/// <summary>
/// The store as one object: each concern is one implementation over ADO.NET and the engine's
/// <see cref="SqlDialect"/> (or, where the engines differ in kind, the engine's own), and this class
/// hands every call to the concern that owns it. <see cref="Sqlite.SqliteVigilStore"/> and
/// <see cref="Postgres.PostgresVigilStore"/> choose the implementations and open the database.
/// </summary>
public abstract class VigilStore
{
    private readonly IBankStore _banks;
    private readonly IApiKeyStore _apiKeys;
    private readonly IAuditLog _audit;

    private protected VigilStore(SqlDatabase db)
    {
        Database = db;
        _banks = new SqlBankStore(db);
        _apiKeys = new SqlApiKeyStore(db);
        _audit = new SqlAuditLog(db);
    }

    private protected SqlDatabase Database { get; }

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
}
