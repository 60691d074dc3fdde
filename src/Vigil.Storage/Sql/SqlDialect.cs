using System.Data;
using System.Data.Common;

namespace Vigil.Storage.Sql;

/// <summary>
/// What truly differs between the engines the store runs on, so that each storage concern is written
/// once against ADO.NET (<see cref="DbConnection"/>, <see cref="DbCommand"/>, <see cref="DbDataReader"/>):
/// how a positional parameter is bound, how times are stored, which errors mean what, how a writer
/// locks, and the few functions whose names differ. SQL text is shared and uses <c>$1</c>, <c>$2</c>, ...
/// for parameters, which both engines read.
/// </summary>
internal abstract class SqlDialect
{
    /// <summary>The engine's name, for messages.</summary>
    public abstract string Name { get; }

    /// <summary>Binds the next positional parameter (<c>$1</c> for the first) of <paramref name="command"/>.</summary>
    public abstract void AddParameter(DbCommand command, object? value, DbType type);

    /// <summary>Binds a time (null: NULL) as the next positional parameter, in the engine's time encoding.</summary>
    public abstract void AddTime(DbCommand command, DateTimeOffset? time);

    /// <summary>Binds a list of strings as the next parameter, to be used through <see cref="InList"/>.</summary>
    public abstract void AddStringList(DbCommand command, IReadOnlyList<string> values);

    /// <summary>Binds a list of integers as the next parameter, to be used through <see cref="InList"/>.</summary>
    public abstract void AddInt64List(DbCommand command, IReadOnlyList<long> values);

    /// <summary>SQL that is true when <paramref name="expression"/> is one of the list bound as <paramref name="parameter"/> (<c>$2</c>).</summary>
    public abstract string InList(string expression, string parameter);

    /// <summary>Reads a time column (never NULL) as a UTC instant.</summary>
    public abstract DateTimeOffset ReadTime(DbDataReader reader, int ordinal);

    /// <summary>Reads a time column that may be NULL.</summary>
    public DateTimeOffset? ReadNullableTime(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : ReadTime(reader, ordinal);

    /// <summary>The error is a UNIQUE (or primary key) constraint refusing a row.</summary>
    public abstract bool IsUniqueViolation(Exception exception);

    /// <summary>
    /// The error says the transaction lost to another one and may simply be run again: SQLite's busy
    /// or locked database (after its busy timeout), PostgreSQL's serialisation failure or deadlock.
    /// </summary>
    public abstract bool IsRetryableConflict(Exception exception);

    /// <summary>
    /// What follows a <c>SELECT</c> of rows the transaction is about to change so that no other writer
    /// changes them first (<c>FOR UPDATE</c>, or <c>FOR UPDATE OF</c> <paramref name="table"/> when
    /// given); empty where the write transaction already excludes every other writer (SQLite).
    /// </summary>
    public abstract string ForUpdate(string? table = null);

    /// <summary>
    /// What follows a <c>SELECT</c> that claims rows for work (a queue): rows another transaction has
    /// claimed are passed over rather than waited for. Empty on SQLite, whose single writer never
    /// meets another's claim.
    /// </summary>
    public abstract string ForUpdateSkipLocked { get; }

    /// <summary>
    /// A statement that keeps every other writer of <paramref name="table"/> out until the transaction
    /// ends while plain reads go on, or null where the write transaction already does (SQLite).
    /// </summary>
    public abstract string? LockTableForWriting(string table);

    /// <summary>
    /// What follows a table name in FROM to make the engine read it through <paramref name="index"/>
    /// (SQLite's <c>INDEXED BY</c>, where the planner without statistics picks a worse one); empty on
    /// PostgreSQL, whose planner has them.
    /// </summary>
    public abstract string UseIndex(string index);

    /// <summary>The larger of two values (<c>MAX(a, b)</c> in SQLite, <c>GREATEST(a, b)</c> in PostgreSQL).</summary>
    public abstract string Greatest(string a, string b);

    /// <summary>The smaller of two values (<c>MIN(a, b)</c> in SQLite, <c>LEAST(a, b)</c> in PostgreSQL).</summary>
    public abstract string Least(string a, string b);

    /// <summary>What follows an ORDER BY text expression so that text sorts by code point in both engines.</summary>
    public abstract string BinaryCollation { get; }

    /// <summary>
    /// Starts a transaction that writes: on SQLite it takes the file's write lock first, so writers
    /// queue on the busy timeout instead of failing on a stale snapshot.
    /// </summary>
    public virtual ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        connection.BeginTransactionAsync(cancellationToken);

    /// <summary>The column type times are stored in (SQLite: INTEGER microseconds; PostgreSQL: timestamptz).</summary>
    public abstract string TimeColumnType { get; }

    /// <summary>A query of the names of the tables the store's schema holds (the file's, or the current PostgreSQL schema's).</summary>
    public abstract string ListTablesSql { get; }

    /// <summary>
    /// A statement that keeps other processes from migrating the schema at the same time, run first in
    /// the migration's transaction; null where that transaction's write lock already does (SQLite).
    /// </summary>
    public abstract string? MigrationLockSql { get; }

    /// <summary>Starts a read-only transaction whose reads all see one snapshot of the database.</summary>
    public abstract ValueTask<DbTransaction> BeginSnapshotReadAsync(DbConnection connection, CancellationToken cancellationToken);
}
