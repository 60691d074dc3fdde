using System.Data.Common;

namespace Vigil.Storage.Sql;

/// <summary>The action outbox on either engine: one statement per claim, so a claim is atomic on both.</summary>
internal sealed class SqlActionOutboxStore(SqlDatabase db) : IActionOutboxStore
{
    private const string Columns =
        "id, rule_name, target, event_json, status, attempts, next_attempt_at, last_status, last_error, created_at, give_up_at, delivered_at";

    /// <inheritdoc/>
    public async Task<IReadOnlyList<long>> AddActionDeliveriesAsync(IReadOnlyList<NewActionDelivery> deliveries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deliveries);
        if (deliveries.Count == 0)
            return [];
        foreach (var delivery in deliveries)
        {
            ArgumentException.ThrowIfNullOrEmpty(delivery.RuleName);
            ArgumentException.ThrowIfNullOrEmpty(delivery.Target);
            ArgumentException.ThrowIfNullOrEmpty(delivery.EventJson);
        }
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await db.Dialect.BeginWriteAsync(connection, cancellationToken);
        var ids = new long[deliveries.Count];
        for (int i = 0; i < deliveries.Count; i++)
        {
            var delivery = deliveries[i];
            await using var command = db.Command(connection, """
                INSERT INTO action_deliveries (rule_name, target, event_json, status, attempts, next_attempt_at, created_at, give_up_at)
                VALUES ($1, $2, $3, 'pending', 0, $4, $4, $5) RETURNING id
                """, transaction)
                .With(delivery.RuleName).With(delivery.Target).With(delivery.EventJson).WithTime(delivery.CreatedAt).WithTime(delivery.GiveUpAt);
            ids[i] = (await command.Int64Async(cancellationToken))!.Value;
        }
        await transaction.CommitAsync(cancellationToken);
        return ids;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ClaimedActionDelivery>> ClaimDueActionDeliveriesAsync(DateTimeOffset now, TimeSpan lease, int limit,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        string token = Guid.NewGuid().ToString("N");
        var until = now + lease;
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        // One statement: the rows are chosen and leased together. PostgreSQL passes over rows another
        // claim holds (SKIP LOCKED) and re-checks the others once it holds them; SQLite has one writer.
        await using var command = db.Command(connection, $"""
            UPDATE action_deliveries SET lease_token = $2, lease_until = $3
            WHERE id IN (
                SELECT id FROM action_deliveries
                WHERE status = 'pending' AND next_attempt_at <= $1 AND (lease_until IS NULL OR lease_until <= $1)
                ORDER BY next_attempt_at, id LIMIT $4{db.Dialect.ForUpdateSkipLocked})
            RETURNING {Columns}
            """)
            .WithTime(now).With(token).WithTime(until).With((long)limit);
        var claimed = await command.ListAsync(reader => new ClaimedActionDelivery(Read(reader), token, until), cancellationToken);
        claimed.Sort((a, b) => a.Delivery.NextAttemptAt != b.Delivery.NextAttemptAt
            ? a.Delivery.NextAttemptAt.CompareTo(b.Delivery.NextAttemptAt) : a.Delivery.Id.CompareTo(b.Delivery.Id));
        return claimed;
    }

    /// <inheritdoc/>
    public async Task<bool> RecordActionAttemptAsync(ClaimedActionDelivery claim, ActionAttempt attempt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(claim);
        ArgumentNullException.ThrowIfNull(attempt);
        if (attempt.Status == ActionDeliveryStatus.Pending && attempt.NextAttemptAt is null)
            throw new ArgumentException("a pending attempt says when to try again", nameof(attempt));
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var command = db.Command(connection, """
            UPDATE action_deliveries
            SET status = $3, attempts = attempts + 1, last_status = $4, last_error = $5,
                next_attempt_at = COALESCE($6, next_attempt_at), delivered_at = $7, lease_token = NULL, lease_until = NULL
            WHERE id = $1 AND lease_token = $2 AND status = 'pending'
            """)
            .With(claim.Delivery.Id).With(claim.Lease).With(StatusName(attempt.Status)).With(attempt.HttpStatus)
            .With(attempt.Error is { Length: > 2000 } long_ ? long_[..2000] : attempt.Error)
            .WithTime(attempt.Status == ActionDeliveryStatus.Pending ? attempt.NextAttemptAt : null)
            .WithTime(attempt.Status == ActionDeliveryStatus.Delivered ? attempt.At : null);
        return await command.ExecuteAsync(cancellationToken) == 1;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ActionDelivery>> ListActionDeliveriesAsync(ActionDeliveryStatus? status, long afterId, int limit,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var command = db.Command(connection, $"""
            SELECT {Columns} FROM action_deliveries
            WHERE id > $1 AND (CAST($2 AS text) IS NULL OR status = $2) ORDER BY id LIMIT $3
            """)
            .With(afterId).With(status is { } s ? StatusName(s) : null).With((long)limit);
        return await command.ListAsync(Read, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<ActionDelivery?> GetActionDeliveryAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var command = db.Command(connection, $"SELECT {Columns} FROM action_deliveries WHERE id = $1").With(id);
        return await command.FirstOrNullAsync(Read, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<bool> RetryActionDeliveryAsync(long id, DateTimeOffset now, DateTimeOffset giveUpAt, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var command = db.Command(connection, """
            UPDATE action_deliveries SET status = 'pending', next_attempt_at = $2, give_up_at = $3, lease_token = NULL, lease_until = NULL
            WHERE id = $1 AND status = 'dead'
            """)
            .With(id).WithTime(now).WithTime(giveUpAt);
        return await command.ExecuteAsync(cancellationToken) == 1;
    }

    /// <summary>The status as stored.</summary>
    internal static string StatusName(ActionDeliveryStatus status) => status switch
    {
        ActionDeliveryStatus.Pending => "pending",
        ActionDeliveryStatus.Delivered => "delivered",
        ActionDeliveryStatus.Dead => "dead",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    private ActionDelivery Read(DbDataReader reader) => new()
    {
        Id = reader.GetInt64(0),
        RuleName = reader.GetString(1),
        Target = reader.GetString(2),
        EventJson = reader.GetString(3),
        Status = reader.GetString(4) switch
        {
            "pending" => ActionDeliveryStatus.Pending,
            "delivered" => ActionDeliveryStatus.Delivered,
            "dead" => ActionDeliveryStatus.Dead,
            string other => throw new StoreException($"action delivery {reader.GetInt64(0)} has an unknown status '{other}'"),
        },
        Attempts = Convert.ToInt32(reader.GetValue(5), System.Globalization.CultureInfo.InvariantCulture),
        NextAttemptAt = db.Dialect.ReadTime(reader, 6),
        LastStatus = reader.IsDBNull(7) ? null : Convert.ToInt32(reader.GetValue(7), System.Globalization.CultureInfo.InvariantCulture),
        LastError = reader.IsDBNull(8) ? null : reader.GetString(8),
        CreatedAt = db.Dialect.ReadTime(reader, 9),
        GiveUpAt = db.Dialect.ReadTime(reader, 10),
        DeliveredAt = db.Dialect.ReadNullableTime(reader, 11),
    };
}
