using System.Data.Common;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Vigil.Storage.Sql;

/// <summary>The exchanges on either engine. A fetch's hold is one statement; saves are guarded by its token.</summary>
internal sealed partial class SqlExchangeStore(SqlDatabase db) : IExchangeStore
{
    /// <summary>The exchange types the store accepts.</summary>
    public static readonly string[] Types = ["ncmec", "stopncii", "threatexchange", "url"];

    private const string Columns = """
        e.id, e.name, e.type, b.name, e.base_url, e.options_json, e.credentials_file, e.interval_seconds, e.enabled, e.created_at,
        e.checkpoint, e.checkpoint_at, e.last_status, e.last_error, e.last_started_at, e.last_finished_at,
        e.last_added, e.last_removed, e.last_skipped, e.total_added, e.total_removed, e.total_skipped
        """;

    private const string From = "exchanges e JOIN banks b ON b.id = e.bank_id";

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")]
    private static partial Regex NamePattern();

    /// <inheritdoc/>
    public async Task<Exchange> AddExchangeAsync(NewExchange exchange, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(exchange);
        if (!NamePattern().IsMatch(exchange.Name ?? ""))
            throw new ArgumentException($"exchange name '{exchange.Name}': use 1-100 letters, digits, '_', '-' or '.', starting with a letter or digit", nameof(exchange));
        if (Array.IndexOf(Types, exchange.Type) < 0)
            throw new ArgumentException($"exchange type '{exchange.Type}': use one of {string.Join(", ", Types)}", nameof(exchange));
        CheckInterval(exchange.Interval, nameof(exchange));
        InputValidation.ValidateMetadata(exchange.OptionsJson);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        long? bankId;
        await using (var bank = db.Command(connection, "SELECT id FROM banks WHERE name = $1").With(exchange.Bank))
            bankId = await bank.Int64Async(cancellationToken);
        if (bankId is null)
            throw new BankNotFoundException(exchange.Bank);
        try
        {
            await using var insert = db.Command(connection, """
                INSERT INTO exchanges (name, type, bank_id, base_url, options_json, credentials_file, interval_seconds, created_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                """)
                .With(exchange.Name).With(exchange.Type).With(bankId.Value).With(exchange.BaseUrl).With(exchange.OptionsJson).With(exchange.CredentialsFile)
                .With((long)exchange.Interval.TotalSeconds).WithTime(now);
            await insert.ExecuteAsync(cancellationToken);
        }
        catch (Exception e) when (db.Dialect.IsUniqueViolation(e))
        {
            throw new ExchangeExistsException(exchange.Name!);
        }
        return (await GetExchangeAsync(exchange.Name!, cancellationToken))!;
    }

    /// <inheritdoc/>
    public async Task<Exchange?> GetExchangeAsync(string name, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var command = db.Command(connection, $"SELECT {Columns} FROM {From} WHERE e.name = $1").With(name);
        return await command.FirstOrNullAsync(Read, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<Exchange>> ListExchangesAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var command = db.Command(connection, $"SELECT {Columns} FROM {From} ORDER BY e.name");
        return await command.ListAsync(Read, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<Exchange?> UpdateExchangeAsync(string name, ExchangeUpdate update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        if (update.Interval is { } interval)
            CheckInterval(interval, nameof(update));
        await using (var connection = await db.OpenConnectionAsync(cancellationToken))
        {
            // One statement, so a fetch's hold and checkpoint (other columns) are never overwritten.
            await using var command = db.Command(connection, """
                UPDATE exchanges SET enabled = COALESCE($2, enabled), interval_seconds = COALESCE($3, interval_seconds) WHERE name = $1
                """).With(name).With(update.Enabled).With(update.Interval is { } every ? (long)every.TotalSeconds : (long?)null);
            if (await command.ExecuteAsync(cancellationToken) != 1)
                return null;
        }
        return await GetExchangeAsync(name, cancellationToken);
    }

    private static void CheckInterval(TimeSpan interval, string parameter)
    {
        if (interval < TimeSpan.FromSeconds(1) || interval > TimeSpan.FromDays(7))
            throw new ArgumentException("the fetch interval must be between 1 s and 7 days", parameter);
    }

    /// <inheritdoc/>
    public async Task<bool> RemoveExchangeAsync(string name, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var command = db.Command(connection, "DELETE FROM exchanges WHERE name = $1").With(name);
        return await command.ExecuteAsync(cancellationToken) == 1;
    }

    /// <inheritdoc/>
    public async Task<ExchangeLease?> TakeExchangeAsync(string name, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default,
        string? holder = null, bool takeOver = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        string token = holder is null ? Guid.NewGuid().ToString("N") : holder + "/" + Guid.NewGuid().ToString("N");
        var until = now + lease;
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        // One statement takes the hold, so two fetchers (replicas, or the CLI beside a server) never both get it.
        await using (var take = db.Command(connection, """
            UPDATE exchanges SET lease_token = $2, lease_until = $3, last_started_at = $4
            WHERE name = $1 AND ($5 OR lease_until IS NULL OR lease_until <= $4)
            """).With(name).With(token).WithTime(until).WithTime(now).With(takeOver))
        {
            if (await take.ExecuteAsync(cancellationToken) != 1)
                return null;
        }
        var exchange = await GetExchangeAsync(name, cancellationToken);
        return exchange is null ? null : new ExchangeLease(exchange, token, until);
    }

    /// <inheritdoc/>
    public async Task<int> ReleaseHeldExchangesAsync(string holder, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(holder);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var command = db.Command(connection, """
            UPDATE exchanges SET lease_token = NULL, lease_until = NULL WHERE substr(lease_token, 1, length($1)) = $1
            """).With(holder + "/");
        return await command.ExecuteAsync(cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<bool> SaveCheckpointAsync(ExchangeLease lease, string checkpoint, DateTimeOffset checkpointAt, ExchangeCounts soFar, DateTimeOffset now,
        TimeSpan renewFor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(checkpoint);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var command = db.Command(connection, """
            UPDATE exchanges SET checkpoint = $3, checkpoint_at = $4, lease_until = $5,
                last_added = $6, last_removed = $7, last_skipped = $8
            WHERE id = $1 AND lease_token = $2
            """)
            .With(lease.Exchange.Id).With(lease.Token).With(checkpoint).WithTime(checkpointAt).WithTime(now + renewFor)
            .With(soFar.Added).With(soFar.Removed).With(soFar.Skipped);
        return await command.ExecuteAsync(cancellationToken) == 1;
    }

    /// <inheritdoc/>
    public async Task<bool> ClearCheckpointAsync(ExchangeLease lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var command = db.Command(connection, "UPDATE exchanges SET checkpoint = NULL, checkpoint_at = NULL WHERE id = $1 AND lease_token = $2")
            .With(lease.Exchange.Id).With(lease.Token);
        return await command.ExecuteAsync(cancellationToken) == 1;
    }

    /// <inheritdoc/>
    public async Task FinishFetchAsync(ExchangeLease lease, ExchangeRunStatus status, string? error, ExchangeCounts counts, DateTimeOffset now,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(counts);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var command = db.Command(connection, """
            UPDATE exchanges SET last_status = $3, last_error = $4, last_finished_at = $5,
                last_added = $6, last_removed = $7, last_skipped = $8,
                total_added = total_added + $6, total_removed = total_removed + $7, total_skipped = total_skipped + $8,
                lease_token = NULL, lease_until = NULL
            WHERE id = $1 AND lease_token = $2
            """)
            .With(lease.Exchange.Id).With(lease.Token).With(ExchangeNames.Name(status)).With(error is { Length: > 2000 } e ? e[..2000] : error).WithTime(now)
            .With(counts.Added).With(counts.Removed).With(counts.Skipped);
        await command.ExecuteAsync(cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<string>> ListSourceIdsAsync(string bank, string source, string? after, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var command = db.Command(connection, $"""
            SELECT c.source_id FROM bank_content c JOIN banks b ON b.id = c.bank_id
            WHERE b.name = $1 AND c.source = $2 AND c.source_id IS NOT NULL AND (CAST($3 AS text) IS NULL OR c.source_id{db.Dialect.BinaryCollation} > $3)
            ORDER BY c.source_id{db.Dialect.BinaryCollation} LIMIT $4
            """)
            .With(bank).With(source).With(after).With((long)limit);
        return await command.ListAsync(r => r.GetString(0), cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<bool> SetSharingAsync(string exchange, string bank, bool share, string actor, DateTimeOffset now,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(actor);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        long exchangeId, bankId;
        await using (var find = db.Command(connection, "SELECT id FROM exchanges WHERE name = $1").With(exchange))
            exchangeId = await find.Int64Async(cancellationToken) ?? throw new ExchangeNotFoundException(exchange);
        await using (var find = db.Command(connection, "SELECT id FROM banks WHERE name = $1").With(bank))
            bankId = await find.Int64Async(cancellationToken) ?? throw new BankNotFoundException(bank);
        await using var command = share
            ? db.Command(connection, """
                INSERT INTO exchange_shares (exchange_id, bank_id, enabled_by, enabled_at) VALUES ($1, $2, $3, $4)
                ON CONFLICT (exchange_id, bank_id) DO NOTHING
                """).With(exchangeId).With(bankId).With(actor).WithTime(now)
            : db.Command(connection, "DELETE FROM exchange_shares WHERE exchange_id = $1 AND bank_id = $2").With(exchangeId).With(bankId);
        return await command.ExecuteAsync(cancellationToken) == 1;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ExchangeShare>> ListSharesAsync(string? exchange = null, string? bank = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var command = db.Command(connection, $"""
            SELECT e.name, e.type, b.name, s.enabled_by, s.enabled_at
            FROM exchange_shares s JOIN exchanges e ON e.id = s.exchange_id JOIN banks b ON b.id = s.bank_id
            WHERE (CAST($1 AS text) IS NULL OR e.name = $1) AND (CAST($2 AS text) IS NULL OR b.name = $2)
            ORDER BY e.name{db.Dialect.BinaryCollation}, b.name{db.Dialect.BinaryCollation}
            """).With(exchange).With(bank);
        return await command.ListAsync(r => new ExchangeShare(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), db.Dialect.ReadTime(r, 4)),
            cancellationToken);
    }

    private static ExchangeRunStatus ParseStatus(string name) =>
        ExchangeNames.TryParseRunStatus(name, out var status) ? status : throw new StoreException($"an exchange has an unknown status '{name}'");

    private static long Long(DbDataReader r, int i) => Convert.ToInt64(r.GetValue(i), CultureInfo.InvariantCulture);

    private Exchange Read(DbDataReader r) => new()
    {
        Id = r.GetInt64(0),
        Name = r.GetString(1),
        Type = r.GetString(2),
        Bank = r.GetString(3),
        BaseUrl = r.IsDBNull(4) ? null : r.GetString(4),
        OptionsJson = r.GetString(5),
        CredentialsFile = r.IsDBNull(6) ? null : r.GetString(6),
        Interval = TimeSpan.FromSeconds(Long(r, 7)),
        Enabled = Convert.ToBoolean(r.GetValue(8), CultureInfo.InvariantCulture),
        CreatedAt = db.Dialect.ReadTime(r, 9),
        Checkpoint = r.IsDBNull(10) ? null : r.GetString(10),
        CheckpointAt = db.Dialect.ReadNullableTime(r, 11),
        LastStatus = ParseStatus(r.GetString(12)),
        LastError = r.IsDBNull(13) ? null : r.GetString(13),
        LastStartedAt = db.Dialect.ReadNullableTime(r, 14),
        LastFinishedAt = db.Dialect.ReadNullableTime(r, 15),
        Last = new ExchangeCounts(Long(r, 16), Long(r, 17), Long(r, 18)),
        Total = new ExchangeCounts(Long(r, 19), Long(r, 20), Long(r, 21)),
    };
}
