using Microsoft.Data.Sqlite;
using Vigil.Storage.Schema;
using Vigil.Storage.Sql;

namespace Vigil.Storage.Sqlite;

/// <summary>
/// The embedded store: one SQLite file in WAL mode (readers never wait for the writer), with
/// foreign keys on and a busy timeout so that several processes can share the file. Open it with
/// <see cref="OpenAsync(string, CancellationToken)"/>, which creates or migrates the schema.
/// </summary>
/// <remarks>
/// Each operation takes a pooled connection of its own, so one instance serves many threads.
/// Writes run in <c>BEGIN IMMEDIATE</c> transactions: a writer takes the write lock before it
/// reads, so concurrent writers queue on the busy timeout instead of failing on a stale snapshot.
/// </remarks>
public sealed class SqliteVigilStore : VigilStore
{
    /// <summary>How long a statement waits for another process's write lock before failing.</summary>
    public static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(60);

    private readonly string _connectionString;

    private SqliteVigilStore(string path, string connectionString)
        : base(new SqlDatabase(SqliteDialect.Instance, async cancellationToken => await OpenConnectionAsync(connectionString, cancellationToken)),
            SqliteContentWriter.Create, SqliteFeedScans.Instance)
    {
        Location = path;
        IndexSnapshots = new SqliteIndexSnapshotStore(this);
        _connectionString = connectionString;
    }

    private SqliteVigilStore(string path)
        : this(path, new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = (int)BusyTimeout.TotalSeconds,
        }.ToString())
    {
    }

    /// <summary>The full path of the database file.</summary>
    public override string Location { get; }

    /// <summary>The matching index's snapshot: a file next to the database (<c>vigil.db.pdq-index</c>).</summary>
    public override IIndexSnapshotStore IndexSnapshots { get; }

    /// <summary>
    /// Opens (creating if missing) the database at <paramref name="path"/> and brings its schema up
    /// to date. Throws <see cref="StoreException"/>, naming the file, when it is not a SQLite
    /// database, not a Vigil one, or was written by a newer Vigil.
    /// </summary>
    public static Task<SqliteVigilStore> OpenAsync(string path, CancellationToken cancellationToken = default) =>
        OpenAsync(path, SqliteMigrations.All, cancellationToken);

    /// <summary>Opens with a given list of migrations (tests use it to simulate older and newer versions).</summary>
    internal static async Task<SqliteVigilStore> OpenAsync(string path, IReadOnlyList<SqliteMigration> migrations, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var store = new SqliteVigilStore(Path.GetFullPath(path));
        try
        {
            await using var connection = await store.OpenConnectionAsync(cancellationToken);
            using (var wal = connection.CreateCommand())
            {
                // Persistent in the file; the first statement that reads the file, so it is the one
                // that finds out when the file is not a database at all.
                wal.CommandText = "PRAGMA journal_mode = WAL";
                wal.ExecuteScalar();
            }
            await SchemaMigrator.MigrateAsync(store.Database, connection, store.Location, migrations, cancellationToken);
            return store;
        }
        catch (SqliteException ex)
        {
            await store.DisposeAsync();
            throw new StoreException(DescribeOpenFailure(store.Location, ex), ex);
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }
    }

    /// <summary>Closes the pooled connections to the file.</summary>
    public override ValueTask DisposeAsync()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
        return ValueTask.CompletedTask;
    }

    /// <summary>A connection with Vigil's per-connection settings applied.</summary>
    internal Task<SqliteConnection> OpenConnectionAsync(CancellationToken cancellationToken) => OpenConnectionAsync(_connectionString, cancellationToken);

    private static async Task<SqliteConnection> OpenConnectionAsync(string connectionString, CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            using var pragmas = connection.CreateCommand();
            // synchronous = NORMAL is safe in WAL mode: a crash or kill never corrupts the file, and
            // committed transactions survive a killed process (only power loss can undo the last ones).
            pragmas.CommandText = $"""
                PRAGMA foreign_keys = ON;
                PRAGMA busy_timeout = {(int)BusyTimeout.TotalMilliseconds};
                PRAGMA synchronous = NORMAL;
                PRAGMA cache_size = -65536;
                """;
            pragmas.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static string DescribeOpenFailure(string path, SqliteException ex) => ex.SqliteErrorCode switch
    {
        SQLitePCL.raw.SQLITE_NOTADB => $"{path} is not a SQLite database",
        SQLitePCL.raw.SQLITE_CORRUPT => $"{path} is a corrupt SQLite database",
        SQLitePCL.raw.SQLITE_CANTOPEN => $"cannot open the database file {path} (does its directory exist, and may Vigil write to it?)",
        SQLitePCL.raw.SQLITE_READONLY => $"the database file {path} is read-only",
        _ => $"cannot open the database {path}: {ex.Message}",
    };
}
