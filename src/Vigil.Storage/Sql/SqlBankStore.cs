using System.Data.Common;

namespace Vigil.Storage.Sql;

/// <summary>Banks on either engine.</summary>
internal sealed class SqlBankStore(SqlDatabase db) : IBankStore
{
    private const string BankColumns = "id, name, enabled, enabled_ratio, is_negative, labels, created_at";

    /// <inheritdoc/>
    public async Task<Bank> CreateBankAsync(NewBank bank, CancellationToken cancellationToken = default)
    {
        InputValidation.ValidateNewBank(bank);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var command = db.Command(connection, $"""
            INSERT INTO banks (name, enabled, enabled_ratio, is_negative, labels, created_at)
            VALUES ($1, $2, $3, $4, $5, $6)
            RETURNING {BankColumns}
            """)
            .With(bank.Name).With(bank.Enabled).With(bank.EnabledRatio).With(bank.IsNegative).With(LabelsJson.Serialize(bank.Labels))
            .WithTime(DateTimeOffset.UtcNow);
        try
        {
            return (await command.FirstOrNullAsync(ReadBank, cancellationToken))!;
        }
        catch (DbException ex) when (db.Dialect.IsUniqueViolation(ex))
        {
            throw new BankAlreadyExistsException(bank.Name);
        }
    }

    /// <inheritdoc/>
    public async Task<Bank?> GetBankAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var command = db.Command(connection, $"SELECT {BankColumns} FROM banks WHERE name = $1").With(name);
        return await command.FirstOrNullAsync(ReadBank, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<BankSummary>> ListBanksAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var command = db.Command(connection, $"""
            SELECT {BankColumns}, (SELECT COUNT(*) FROM bank_content c WHERE c.bank_id = b.id)
            FROM banks b
            ORDER BY b.name{db.Dialect.BinaryCollation}
            """);
        return await command.ListAsync(reader => new BankSummary(ReadBank(reader), reader.GetInt64(7)), cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<Bank>> ListBankSettingsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var command = db.Command(connection, $"SELECT {BankColumns} FROM banks b ORDER BY b.name{db.Dialect.BinaryCollation}");
        return await command.ListAsync(ReadBank, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<Bank> UpdateBankAsync(string name, BankUpdate update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        InputValidation.ValidateBankUpdate(update);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var command = db.Command(connection, $"""
            UPDATE banks SET
                enabled = COALESCE($2, enabled),
                enabled_ratio = COALESCE($3, enabled_ratio),
                is_negative = COALESCE($4, is_negative),
                labels = COALESCE($5, labels)
            WHERE name = $1
            RETURNING {BankColumns}
            """)
            .With(name).With(update.Enabled).With(update.EnabledRatio).With(update.IsNegative)
            .With(update.Labels is null ? null : LabelsJson.Serialize(update.Labels));
        return await command.FirstOrNullAsync(ReadBank, cancellationToken) ?? throw new BankNotFoundException(name);
    }

    /// <inheritdoc/>
    public async Task<bool> DeleteBankAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        // The content and its signals go by ON DELETE CASCADE; the triggers log every signal's removal.
        // On PostgreSQL the DELETE waits for any writer holding the bank's row lock.
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await db.Dialect.BeginWriteAsync(connection, cancellationToken);
        await using var command = db.Command(connection, "DELETE FROM banks WHERE name = $1", transaction).With(name);
        bool deleted = await command.ExecuteAsync(cancellationToken) > 0;
        await transaction.CommitAsync(cancellationToken);
        return deleted;
    }

    /// <summary>The id of the bank with this name, or null.</summary>
    public static async Task<long?> FindIdAsync(SqlDatabase db, DbConnection connection, DbTransaction? transaction, string name,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        await using var command = db.Command(connection, "SELECT id FROM banks WHERE name = $1", transaction).With(name);
        return await command.Int64Async(cancellationToken);
    }

    /// <summary>The id of the bank with this name; throws <see cref="BankNotFoundException"/> when there is none.</summary>
    public static async Task<long> RequireIdAsync(SqlDatabase db, DbConnection connection, DbTransaction? transaction, string name,
        CancellationToken cancellationToken) =>
        await FindIdAsync(db, connection, transaction, name, cancellationToken) ?? throw new BankNotFoundException(name);

    /// <summary>
    /// Inside a write transaction: keeps other writers off the bank for the rest of it (on
    /// PostgreSQL its row lock, where writers to one bank queue; SQLite's write lock is already
    /// held) and returns its id; throws <see cref="BankNotFoundException"/> when there is no such
    /// bank (or it was deleted while we waited).
    /// </summary>
    public static async Task<long> LockAsync(SqlDatabase db, DbConnection connection, DbTransaction transaction, string name,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        await using var command = db.Command(connection, $"SELECT id FROM banks WHERE name = $1{db.Dialect.ForUpdate()}", transaction).With(name);
        return await command.Int64Async(cancellationToken) ?? throw new BankNotFoundException(name);
    }

    private Bank ReadBank(DbDataReader reader) => new()
    {
        Id = reader.GetInt64(0),
        Name = reader.GetString(1),
        Enabled = reader.GetBoolean(2),
        EnabledRatio = reader.GetDouble(3),
        IsNegative = reader.GetBoolean(4),
        Labels = LabelsJson.Parse(reader.GetString(5)),
        CreatedAt = db.Dialect.ReadTime(reader, 6),
    };
}
