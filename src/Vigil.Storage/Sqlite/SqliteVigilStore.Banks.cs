using Microsoft.Data.Sqlite;

namespace Vigil.Storage.Sqlite;

public sealed partial class SqliteVigilStore
{
    private const int SqliteConstraintUnique = 2067;

    /// <inheritdoc/>
    public async Task<Bank> CreateBankAsync(NewBank bank, CancellationToken cancellationToken = default)
    {
        InputValidation.ValidateNewBank(bank);

        await using var connection = await OpenConnectionAsync(cancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            INSERT INTO banks (name, enabled, enabled_ratio, is_negative, labels, created_at)
            VALUES ($name, $enabled, $ratio, $negative, $labels, $created)
            RETURNING {SqliteRows.BankColumns}
            """;
        command.Parameters.AddWithValue("$name", bank.Name);
        command.Parameters.AddWithValue("$enabled", bank.Enabled);
        command.Parameters.AddWithValue("$ratio", bank.EnabledRatio);
        command.Parameters.AddWithValue("$negative", bank.IsNegative);
        command.Parameters.AddWithValue("$labels", LabelsJson.Serialize(bank.Labels));
        command.Parameters.AddWithValue("$created", UnixMicros.Now());
        try
        {
            using var reader = command.ExecuteReader();
            reader.Read();
            return SqliteRows.ReadBank(reader);
        }
        catch (SqliteException ex) when (ex.SqliteExtendedErrorCode == SqliteConstraintUnique)
        {
            throw new BankAlreadyExistsException(bank.Name);
        }
    }

    /// <inheritdoc/>
    public async Task<Bank?> GetBankAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        await using var connection = await OpenConnectionAsync(cancellationToken);
        return ReadBank(connection, name);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<BankSummary>> ListBanksAsync(CancellationToken cancellationToken = default) =>
        await ReadBanksAsync(countContent: true, cancellationToken);

    /// <inheritdoc/>
    public async Task<IReadOnlyList<Bank>> ListBankSettingsAsync(CancellationToken cancellationToken = default) =>
        (await ReadBanksAsync(countContent: false, cancellationToken)).Select(b => b.Bank).ToList();

    private async Task<List<BankSummary>> ReadBanksAsync(bool countContent, CancellationToken cancellationToken)
    {
        string count = countContent ? "(SELECT COUNT(*) FROM bank_content c WHERE c.bank_id = b.id)" : "0";
        await using var connection = await OpenConnectionAsync(cancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {SqliteRows.BankColumns}, {count}
            FROM banks b
            ORDER BY b.name
            """;
        using var reader = command.ExecuteReader();
        var banks = new List<BankSummary>();
        while (reader.Read())
            banks.Add(new BankSummary(SqliteRows.ReadBank(reader), reader.GetInt64(7)));
        return banks;
    }

    /// <inheritdoc/>
    public async Task<Bank> UpdateBankAsync(string name, BankUpdate update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        InputValidation.ValidateBankUpdate(update);

        await using var connection = await OpenConnectionAsync(cancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            UPDATE banks SET
                enabled = COALESCE($enabled, enabled),
                enabled_ratio = COALESCE($ratio, enabled_ratio),
                is_negative = COALESCE($negative, is_negative),
                labels = COALESCE($labels, labels)
            WHERE name = $name
            RETURNING {SqliteRows.BankColumns}
            """;
        command.Parameters.AddWithValue("$name", name);
        command.Parameters.AddWithValue("$enabled", (object?)update.Enabled ?? DBNull.Value);
        command.Parameters.AddWithValue("$ratio", (object?)update.EnabledRatio ?? DBNull.Value);
        command.Parameters.AddWithValue("$negative", (object?)update.IsNegative ?? DBNull.Value);
        command.Parameters.AddWithValue("$labels", update.Labels is null ? DBNull.Value : LabelsJson.Serialize(update.Labels));
        using var reader = command.ExecuteReader();
        return reader.Read() ? SqliteRows.ReadBank(reader) : throw new BankNotFoundException(name);
    }

    /// <inheritdoc/>
    public async Task<bool> DeleteBankAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        // The content and its signals go by ON DELETE CASCADE; the triggers log every signal's removal.
        return await DeleteRowAsync("DELETE FROM banks WHERE name = $key", name, cancellationToken);
    }

    private static Bank? ReadBank(SqliteConnection connection, string name)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {SqliteRows.BankColumns} FROM banks WHERE name = $name";
        command.Parameters.AddWithValue("$name", name);
        using var reader = command.ExecuteReader();
        return reader.Read() ? SqliteRows.ReadBank(reader) : null;
    }
}
