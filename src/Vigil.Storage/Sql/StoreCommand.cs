using System.Data;
using System.Data.Common;

namespace Vigil.Storage.Sql;

/// <summary>
/// A command with positional parameters (<c>$1</c>, <c>$2</c>, ... in the order of the
/// <c>With</c> calls), bound in the dialect's encoding: <c>db.Command(connection, sql).With(name).WithTime(now)</c>.
/// </summary>
internal sealed class StoreCommand : IAsyncDisposable, IDisposable
{
    private readonly SqlDialect _dialect;
    private readonly DbCommand _command;

    public StoreCommand(SqlDialect dialect, DbConnection connection, DbTransaction? transaction, string sql)
    {
        _dialect = dialect;
        _command = connection.CreateCommand();
        _command.Transaction = transaction;
        _command.CommandText = sql;
    }

    /// <summary>The command itself, for what this wrapper does not cover.</summary>
    public DbCommand Command => _command;

    public StoreCommand With(string? value) => Bind(value, DbType.String);

    public StoreCommand With(long value) => Bind(value, DbType.Int64);

    public StoreCommand With(long? value) => Bind(value, DbType.Int64);

    public StoreCommand With(int? value) => Bind(value, DbType.Int32);

    public StoreCommand With(bool value) => Bind(value, DbType.Boolean);

    public StoreCommand With(bool? value) => Bind(value, DbType.Boolean);

    public StoreCommand With(double? value) => Bind(value, DbType.Double);

    public StoreCommand With(byte[]? value) => Bind(value, DbType.Binary);

    public StoreCommand WithTime(DateTimeOffset? time)
    {
        _dialect.AddTime(_command, time);
        return this;
    }

    public StoreCommand WithList(IReadOnlyList<string> values)
    {
        _dialect.AddStringList(_command, values);
        return this;
    }

    public StoreCommand WithList(IReadOnlyList<long> values)
    {
        _dialect.AddInt64List(_command, values);
        return this;
    }

    /// <summary>Runs a statement; returns the number of rows it changed.</summary>
    public Task<int> ExecuteAsync(CancellationToken cancellationToken) => _command.ExecuteNonQueryAsync(cancellationToken);

    /// <summary>The first column of the first row, or null (no row, or NULL).</summary>
    public async Task<object?> ScalarAsync(CancellationToken cancellationToken) =>
        await _command.ExecuteScalarAsync(cancellationToken) is { } value and not DBNull ? value : null;

    /// <summary>The first column of the first row as an integer, or null (no row, or NULL).</summary>
    public async Task<long?> Int64Async(CancellationToken cancellationToken) =>
        await ScalarAsync(cancellationToken) is { } value ? Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) : null;

    public Task<DbDataReader> ReaderAsync(CancellationToken cancellationToken) => _command.ExecuteReaderAsync(cancellationToken);

    /// <summary>Every row read by <paramref name="read"/>, in order.</summary>
    public async Task<List<T>> ListAsync<T>(Func<DbDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var reader = await _command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
            rows.Add(read(reader));
        return rows;
    }

    /// <summary>The first row read by <paramref name="read"/>, or null when there is none.</summary>
    public async Task<T?> FirstOrNullAsync<T>(Func<DbDataReader, T> read, CancellationToken cancellationToken) where T : class
    {
        await using var reader = await _command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? read(reader) : null;
    }

    public ValueTask DisposeAsync() => _command.DisposeAsync();

    public void Dispose() => _command.Dispose();

    private StoreCommand Bind(object? value, DbType type)
    {
        _dialect.AddParameter(_command, value, type);
        return this;
    }
}
