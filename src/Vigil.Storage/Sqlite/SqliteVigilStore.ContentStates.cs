using System.Runtime.CompilerServices;

namespace Vigil.Storage.Sqlite;

public sealed partial class SqliteVigilStore
{
    /// <inheritdoc/>
    public async IAsyncEnumerable<ContentBank> StreamContentBanksAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        // bank_content_bank covers (bank_id, id): a scan of the index, not of the rows.
        using var statement = new SqliteStatement(connection, "SELECT id, bank_id FROM bank_content INDEXED BY bank_content_bank");
        try
        {
            while (statement.Step())
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return new ContentBank(statement.GetInt64(0), statement.GetInt64(1));
            }
        }
        finally
        {
            statement.Reset();
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<DisabledContent>> ListDisabledContentAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        using var command = connection.CreateCommand();
        // Served by the partial index bank_content_disabled.
        command.CommandText = "SELECT id, disabled_until FROM bank_content WHERE disabled_until IS NOT NULL AND disabled_until > $now";
        command.Parameters.AddWithValue("$now", UnixMicros.From(now));
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var disabled = new List<DisabledContent>();
        while (reader.Read())
            disabled.Add(new DisabledContent(reader.GetInt64(0), UnixMicros.ToTime(reader.GetInt64(1))));
        return disabled;
    }
}
