using System.Data.Common;

namespace Vigil.Storage.Sql;

/// <summary>One store's database as the storage concerns see it: where connections come from and the dialect they speak.</summary>
/// <param name="dialect">The engine's differences.</param>
/// <param name="openConnection">Opens a pooled connection with the engine's per-connection settings applied.</param>
internal sealed class SqlDatabase(SqlDialect dialect, Func<CancellationToken, ValueTask<DbConnection>> openConnection)
{
    public SqlDialect Dialect => dialect;

    /// <summary>An open connection of the pool; dispose it to give it back.</summary>
    public ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken) => openConnection(cancellationToken);

    /// <summary>A command on <paramref name="connection"/> (in <paramref name="transaction"/>, which SQLite requires when one is open).</summary>
    public StoreCommand Command(DbConnection connection, string sql, DbTransaction? transaction = null) =>
        new(dialect, connection, transaction, sql);
}
