using Vigil.Storage.Schema;

namespace Vigil.Storage.Postgres;

/// <summary>One numbered step of the schema as PostgreSQL runs it (see <see cref="VigilSchema"/>).</summary>
internal sealed record PostgresMigration(int Version, string Name, string Sql) : Migration(Version, Name, Sql);

/// <summary>
/// The PostgreSQL schema, step by step (each concern's steps are in <c>Schema/</c>): table for table
/// and column for column the SQLite one, with PostgreSQL's types: flags are <c>boolean</c>, times
/// are <c>timestamptz</c> (microsecond precision, as the SQLite integers), ids are
/// <c>bigint generated always as identity</c>, signal keys and PDQ limbs <c>bigint</c>. Labels and
/// metadata stay <c>text</c> so that they come back exactly as they were written. One table has no
/// SQLite twin: <c>index_snapshot_chunks</c> (step 4) holds the index snapshot's bytes, which SQLite
/// keeps in a file next to the database.
/// </summary>
/// <remarks>
/// The change log is written by statement-level triggers with transition tables, so that a bulk
/// insert of thousands of signals logs them with one INSERT ... SELECT rather than a trigger call
/// per row. <c>changes.seq</c> comes from an identity sequence, which hands out numbers at insert
/// time, not at commit; since step 4 the triggers first take one transaction-scoped advisory lock
/// (<see cref="ChangeLogLockKey"/>), so change-writing transactions draw their numbers and commit
/// one at a time, in number order (see <see cref="PostgresVigilStore"/>). A rolled-back
/// transaction still leaves a gap.
/// </remarks>
internal static class PostgresMigrations
{
    /// <summary>
    /// The advisory lock every transaction that writes to <c>changes</c> holds from just before its
    /// first change row until it commits ("VIGILCHG" in ASCII).
    /// </summary>
    public const long ChangeLogLockKey = 0x5649_4749_4C43_4847;

    /// <summary>The advisory lock a replica holds while it stores an index snapshot ("VIGILSNP" in ASCII).</summary>
    public const long SnapshotLockKey = 0x5649_4749_4C53_4E50;

    public static IReadOnlyList<PostgresMigration> All { get; } = VigilSchema.ForPostgres((version, name, sql) => new PostgresMigration(version, name, sql));
}
