using System.Runtime.CompilerServices;
using NpgsqlTypes;

namespace Vigil.Storage.Postgres;

public sealed partial class PostgresVigilStore
{
    /// <inheritdoc/>
    public async IAsyncEnumerable<ContentBank> StreamContentBanksAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, "SELECT id, bank_id FROM bank_content");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            yield return new ContentBank(reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<DisabledContent>> ListDisabledContentAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        // Served by the partial index bank_content_disabled.
        await using var command = Command(connection,
            "SELECT id, disabled_until FROM bank_content WHERE disabled_until IS NOT NULL AND disabled_until > $1",
            PostgresRows.Param(PostgresRows.ToDatabase(now), NpgsqlDbType.TimestampTz));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var disabled = new List<DisabledContent>();
        while (await reader.ReadAsync(cancellationToken))
            disabled.Add(new DisabledContent(reader.GetInt64(0), PostgresRows.ReadTime(reader, 1)));
        return disabled;
    }
}
