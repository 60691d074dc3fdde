using System.Net.Sockets;
using Npgsql;
using NpgsqlTypes;
using Vigil.Storage.Schema;
using Vigil.Storage.Sql;

namespace Vigil.Storage.Postgres;

/// <summary>
/// The store on PostgreSQL, for several Vigil processes sharing one database: the same schema as
/// the SQLite store (see <see cref="PostgresMigrations"/>) and the same behaviour through
/// <see cref="IVigilStore"/>. Open it with <see cref="OpenAsync(string, CancellationToken)"/>, which
/// creates or migrates the schema (in the connection's first <c>search_path</c> schema).
/// </summary>
/// <remarks>
/// <para>Connections come from one <see cref="NpgsqlDataSource"/> pool, so an instance serves many
/// threads. Every write that could create a duplicate (adding content, each import batch, removing
/// content) first locks its bank's row with <c>SELECT ... FOR UPDATE</c>, so writers to one bank run
/// one at a time whichever process they are in, while writers to different banks run in
/// parallel.</para>
/// <para>The change log commits in sequence order. <c>changes.seq</c> comes from a sequence, which
/// hands out numbers when rows are inserted, not when they commit; left alone, a transaction that
/// drew 11 could commit before one that drew 10, and a follower reading "after 11" would miss 10
/// forever. So the triggers that write <c>changes</c> (schema step 4) take one transaction-scoped
/// advisory lock (<see cref="PostgresMigrations.ChangeLogLockKey"/>) just before they insert change
/// rows and keep it until commit: change-writing transactions draw their numbers and commit one at
/// a time, and a number becomes visible only after every lower number has committed or rolled back.
/// A follower that reads <see cref="VigilStore.ReadChangesAsync"/> after the last number it applied therefore
/// sees every change exactly once, in order; numbers of rolled-back transactions leave gaps, never
/// repeats. The lock is taken after the bank's row lock (every path locks its bank first: adding,
/// each import batch, removing content, deleting a bank; the triggers fire on the writes that
/// follow), so the two locks are always taken in the same order and cannot deadlock.</para>
/// <para>The cost: change-writing transactions, in every bank and process, are serialised from
/// their first change row to their commit (the rest of each transaction, its duplicate checks and
/// content inserts, still runs in parallel across banks). That tail is a few milliseconds, a
/// commit's WAL flush included, so writes top out at a few hundred transactions a second, each of
/// any size (an import batch is one); lookups, feeds and change reads never take the lock.</para>
/// </remarks>
public sealed class PostgresVigilStore : VigilStore
{
    private readonly NpgsqlDataSource _dataSource;

    private PostgresVigilStore(NpgsqlDataSource dataSource, string location)
        : base(new SqlDatabase(PostgresDialect.Instance, async cancellationToken => await dataSource.OpenConnectionAsync(cancellationToken)),
            PostgresContentWriter.Create, new FeedScans())
    {
        _dataSource = dataSource;
        Location = location;
        IndexSnapshots = new PostgresIndexSnapshotStore(dataSource, location);
    }

    /// <summary>The server and database, as <c>postgresql://user@host:port/database</c> (never the password).</summary>
    public override string Location { get; }

    /// <summary>The matching index's snapshot, kept in the database (<c>index_snapshots</c>) for every replica to start from.</summary>
    public override IIndexSnapshotStore IndexSnapshots { get; }

    /// <summary>
    /// Connects to the database named by <paramref name="connectionString"/> (Npgsql's
    /// <c>Host=...;Port=...;Database=...;Username=...</c> form) and brings its schema up to date.
    /// Throws <see cref="StoreException"/>, naming the server, when it cannot connect, the schema is
    /// not a Vigil one, or it was written by a newer Vigil.
    /// </summary>
    public static Task<PostgresVigilStore> OpenAsync(string connectionString, CancellationToken cancellationToken = default) =>
        OpenAsync(connectionString, PostgresMigrations.All, cancellationToken);

    /// <summary>Opens with a given list of migrations (tests use it to simulate older and newer versions).</summary>
    internal static async Task<PostgresVigilStore> OpenAsync(string connectionString, IReadOnlyList<PostgresMigration> migrations,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException ex)
        {
            throw new StoreException($"not a valid PostgreSQL connection string: {ex.Message}", ex);
        }
        string location = $"postgresql://{builder.Username}@{builder.Host}:{builder.Port}/{builder.Database}";
        var store = new PostgresVigilStore(NpgsqlDataSource.Create(builder), location);
        try
        {
            await using var connection = await store._dataSource.OpenConnectionAsync(cancellationToken);
            await SchemaMigrator.MigrateAsync(store.Database, connection, location, migrations, cancellationToken);
            return store;
        }
        catch (Exception ex) when (ex is NpgsqlException or SocketException or TimeoutException)
        {
            await store.DisposeAsync();
            // The message names the server and says what failed; the cause under it (shown by the
            // CLI as "caused by") is the underlying reason, e.g. "Connection refused", when there is one.
            string message = $"cannot open the PostgreSQL database {location}: {ex.Message}";
            throw ex.InnerException is { } cause && cause.Message != ex.Message
                ? new StoreException(message, cause)
                : new StoreException(message);
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }
    }

    /// <summary>Closes the pooled connections.</summary>
    public override ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    /// <summary>A pooled connection (tests use it to look at the schema).</summary>
    internal ValueTask<NpgsqlConnection> OpenConnectionAsync(CancellationToken cancellationToken) =>
        _dataSource.OpenConnectionAsync(cancellationToken);
}
