using Npgsql;
using NpgsqlTypes;

namespace Vigil.Storage.Postgres;

public sealed partial class PostgresVigilStore
{
    /// <inheritdoc/>
    public async Task<Bank> CreateBankAsync(NewBank bank, CancellationToken cancellationToken = default)
    {
        InputValidation.ValidateNewBank(bank);

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, $"""
            INSERT INTO banks (name, enabled, enabled_ratio, is_negative, labels, created_at)
            VALUES ($1, $2, $3, $4, $5, $6)
            RETURNING {PostgresRows.BankColumns}
            """,
            PostgresRows.Param(bank.Name, NpgsqlDbType.Text),
            PostgresRows.Param(bank.Enabled, NpgsqlDbType.Boolean),
            PostgresRows.Param(bank.EnabledRatio, NpgsqlDbType.Double),
            PostgresRows.Param(bank.IsNegative, NpgsqlDbType.Boolean),
            PostgresRows.Param(LabelsJson.Serialize(bank.Labels), NpgsqlDbType.Text),
            PostgresRows.Param(PostgresRows.ToDatabase(DateTimeOffset.UtcNow), NpgsqlDbType.TimestampTz));
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            return PostgresRows.ReadBank(reader);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new BankAlreadyExistsException(bank.Name);
        }
    }

    /// <inheritdoc/>
    public async Task<Bank?> GetBankAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, $"SELECT {PostgresRows.BankColumns} FROM banks WHERE name = $1",
            PostgresRows.Param(name, NpgsqlDbType.Text));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? PostgresRows.ReadBank(reader) : null;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<BankSummary>> ListBanksAsync(CancellationToken cancellationToken = default) =>
        await ReadBanksAsync(countContent: true, cancellationToken);

    /// <inheritdoc/>
    public async Task<IReadOnlyList<Bank>> ListBankSettingsAsync(CancellationToken cancellationToken = default) =>
        (await ReadBanksAsync(countContent: false, cancellationToken)).Select(b => b.Bank).ToList();

    private async Task<List<BankSummary>> ReadBanksAsync(bool countContent, CancellationToken cancellationToken)
    {
        string count = countContent ? "(SELECT COUNT(*) FROM bank_content c WHERE c.bank_id = b.id)" : "0::bigint";
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, $"""
            SELECT {PostgresRows.BankColumns}, {count}
            FROM banks b
            ORDER BY b.name COLLATE "C"
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var banks = new List<BankSummary>();
        while (await reader.ReadAsync(cancellationToken))
            banks.Add(new BankSummary(PostgresRows.ReadBank(reader), reader.GetInt64(7)));
        return banks;
    }

    /// <inheritdoc/>
    public async Task<Bank> UpdateBankAsync(string name, BankUpdate update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        InputValidation.ValidateBankUpdate(update);

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, $"""
            UPDATE banks SET
                enabled = COALESCE($2, enabled),
                enabled_ratio = COALESCE($3, enabled_ratio),
                is_negative = COALESCE($4, is_negative),
                labels = COALESCE($5, labels)
            WHERE name = $1
            RETURNING {PostgresRows.BankColumns}
            """,
            PostgresRows.Param(name, NpgsqlDbType.Text),
            PostgresRows.Param(update.Enabled, NpgsqlDbType.Boolean),
            PostgresRows.Param(update.EnabledRatio, NpgsqlDbType.Double),
            PostgresRows.Param(update.IsNegative, NpgsqlDbType.Boolean),
            PostgresRows.Param(update.Labels is null ? null : LabelsJson.Serialize(update.Labels), NpgsqlDbType.Text));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? PostgresRows.ReadBank(reader) : throw new BankNotFoundException(name);
    }

    /// <inheritdoc/>
    public async Task<bool> DeleteBankAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        // The content and its signals go by ON DELETE CASCADE; the trigger logs every signal's removal.
        // The DELETE waits for any writer holding the bank's row lock.
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, "DELETE FROM banks WHERE name = $1", PostgresRows.Param(name, NpgsqlDbType.Text));
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }
}
