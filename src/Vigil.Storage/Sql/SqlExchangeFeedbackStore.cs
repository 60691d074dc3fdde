using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Vigil.Hashing.Signals;

namespace Vigil.Storage.Sql;

/// <summary>The exchange feedback queue on either engine: queueing is one idempotent insert, a claim one statement (atomic on both).</summary>
internal sealed class SqlExchangeFeedbackStore(SqlDatabase db) : IExchangeFeedbackStore
{
    private const string Columns =
        "id, exchange_name, content_id, entry_id, opinion, signals_json, status, attempts, next_attempt_at, last_error, created_at, sent_at";

    /// <inheritdoc/>
    public async Task<long?> EnqueueAsync(NewExchangeFeedback feedback, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(feedback);
        ArgumentException.ThrowIfNullOrEmpty(feedback.Exchange);
        ArgumentException.ThrowIfNullOrEmpty(feedback.EntryId);
        ArgumentNullException.ThrowIfNull(feedback.Signals);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        // The unique key is (exchange, entry, opinion): a second decision the same way inserts nothing and returns no row.
        await using var command = db.Command(connection, """
            INSERT INTO exchange_feedback (exchange_name, content_id, entry_id, opinion, signals_json, status, attempts, next_attempt_at, created_at)
            VALUES ($1, $2, $3, $4, $5, 'pending', 0, $6, $6)
            ON CONFLICT (exchange_name, entry_id, opinion) DO NOTHING
            RETURNING id
            """)
            .With(feedback.Exchange).With(feedback.ContentId).With(feedback.EntryId).With(ExchangeNames.Name(feedback.Opinion))
            .With(SignalsJson(feedback.Signals)).WithTime(feedback.CreatedAt);
        return await command.Int64Async(cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ClaimedExchangeFeedback>> ClaimDueAsync(DateTimeOffset now, TimeSpan lease, int limit,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        string token = Guid.NewGuid().ToString("N");
        var until = now + lease;
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        // Chosen and leased in one statement: PostgreSQL passes over rows another claim holds (SKIP LOCKED); SQLite has one writer.
        await using var command = db.Command(connection, $"""
            UPDATE exchange_feedback SET lease_token = $2, lease_until = $3
            WHERE id IN (
                SELECT id FROM exchange_feedback
                WHERE status = 'pending' AND next_attempt_at <= $1 AND (lease_until IS NULL OR lease_until <= $1)
                ORDER BY next_attempt_at, id LIMIT $4{db.Dialect.ForUpdateSkipLocked})
            RETURNING {Columns}
            """)
            .WithTime(now).With(token).WithTime(until).With((long)limit);
        var claimed = await command.ListAsync(reader => new ClaimedExchangeFeedback(Read(reader), token, until), cancellationToken);
        // RETURNING gives no order: oldest due first, as chosen.
        claimed.Sort(static (a, b) => a.Feedback.NextAttemptAt != b.Feedback.NextAttemptAt
            ? a.Feedback.NextAttemptAt.CompareTo(b.Feedback.NextAttemptAt) : a.Feedback.Id.CompareTo(b.Feedback.Id));
        return claimed;
    }

    /// <inheritdoc/>
    public async Task<bool> RecordAttemptAsync(ClaimedExchangeFeedback claim, ExchangeFeedbackAttempt attempt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(claim);
        ArgumentNullException.ThrowIfNull(attempt);
        if (attempt.Status == ExchangeFeedbackStatus.Pending && attempt.NextAttemptAt is null)
            throw new ArgumentException("a pending attempt says when to try again", nameof(attempt));
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var command = db.Command(connection, """
            UPDATE exchange_feedback
            SET status = $3, attempts = attempts + 1, last_error = $4, next_attempt_at = COALESCE($5, next_attempt_at), sent_at = $6,
                lease_token = NULL, lease_until = NULL
            WHERE id = $1 AND lease_token = $2 AND status = 'pending'
            """)
            .With(claim.Feedback.Id).With(claim.Lease).With(ExchangeNames.Name(attempt.Status))
            .With(attempt.Error is { Length: > 2000 } longError ? longError[..2000] : attempt.Error)
            .WithTime(attempt.Status == ExchangeFeedbackStatus.Pending ? attempt.NextAttemptAt : null)
            .WithTime(attempt.Status == ExchangeFeedbackStatus.Sent ? attempt.At : null);
        return await command.ExecuteAsync(cancellationToken) == 1;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ExchangeFeedbackItem>> ListAsync(string? exchange, long afterId, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var command = db.Command(connection, $"""
            SELECT {Columns} FROM exchange_feedback
            WHERE id > $1 AND (CAST($2 AS text) IS NULL OR exchange_name = $2) ORDER BY id LIMIT $3
            """)
            .With(afterId).With(exchange).With((long)limit);
        return await command.ListAsync(Read, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ExchangeFeedbackItem>> ListForEntryAsync(string exchange, string entryId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(exchange);
        ArgumentNullException.ThrowIfNull(entryId);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var command = db.Command(connection, $"SELECT {Columns} FROM exchange_feedback WHERE exchange_name = $1 AND entry_id = $2 ORDER BY id")
            .With(exchange).With(entryId);
        return await command.ListAsync(Read, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<int> RetryDeadAsync(string exchange, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(exchange);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var command = db.Command(connection, """
            UPDATE exchange_feedback SET status = 'pending', next_attempt_at = $2, lease_token = NULL, lease_until = NULL
            WHERE exchange_name = $1 AND status = 'dead'
            """).With(exchange).WithTime(now);
        return await command.ExecuteAsync(cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<ExchangeFeedbackItem?> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var command = db.Command(connection, $"SELECT {Columns} FROM exchange_feedback WHERE id = $1").With(id);
        return await command.FirstOrNullAsync(Read, cancellationToken);
    }

    /// <summary>The signals as stored: a JSON array of <c>{"type", "value"}</c> objects.</summary>
    internal static string SignalsJson(IReadOnlyList<Signal> signals)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartArray();
            foreach (var signal in signals)
            {
                writer.WriteStartObject();
                writer.WriteString("type", signal.Type.Name);
                writer.WriteString("value", signal.Value);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        return System.Text.Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    private static List<Signal> ParseSignals(long id, string json)
    {
        using var document = JsonDocument.Parse(json);
        var signals = new List<Signal>(document.RootElement.GetArrayLength());
        foreach (var element in document.RootElement.EnumerateArray())
        {
            string name = element.GetProperty("type").GetString() ?? "";
            if (!SignalType.TryFromName(name, out var type))
                throw new StoreException($"exchange feedback {id} has a signal of an unknown type '{name}'");
            signals.Add(new Signal(type, element.GetProperty("value").GetString() ?? ""));
        }
        return signals;
    }

    private ExchangeFeedbackItem Read(DbDataReader reader)
    {
        long id = reader.GetInt64(0);
        return new ExchangeFeedbackItem
        {
            Id = id,
            Exchange = reader.GetString(1),
            ContentId = reader.GetInt64(2),
            EntryId = reader.GetString(3),
            Opinion = ExchangeNames.TryParseOpinion(reader.GetString(4), out var opinion) ? opinion
                : throw new StoreException($"exchange feedback {id} has an unknown opinion '{reader.GetString(4)}'"),
            Signals = ParseSignals(id, reader.GetString(5)),
            Status = ExchangeNames.TryParseFeedbackStatus(reader.GetString(6), out var status) ? status
                : throw new StoreException($"exchange feedback {id} has an unknown status '{reader.GetString(6)}'"),
            Attempts = Convert.ToInt32(reader.GetValue(7), CultureInfo.InvariantCulture),
            NextAttemptAt = db.Dialect.ReadTime(reader, 8),
            LastError = reader.IsDBNull(9) ? null : reader.GetString(9),
            CreatedAt = db.Dialect.ReadTime(reader, 10),
            SentAt = db.Dialect.ReadNullableTime(reader, 11),
        };
    }
}
