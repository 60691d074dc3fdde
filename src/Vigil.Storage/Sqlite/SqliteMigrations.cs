using Vigil.Storage.Schema;

namespace Vigil.Storage.Sqlite;

/// <summary>One numbered step of the schema as SQLite runs it (see <see cref="VigilSchema"/>).</summary>
internal sealed record SqliteMigration(int Version, string Name, string Sql) : Migration(Version, Name, Sql);

/// <summary>
/// The SQLite schema, step by step (each concern's steps are in <c>Schema/</c>). The PostgreSQL
/// schema mirrors it table for table and column for column; only the types differ (INTEGER flags
/// are booleans there, INTEGER times microseconds since the Unix epoch are <c>timestamptz</c>,
/// INTEGER PRIMARY KEY is <c>bigint generated always as identity</c>).
/// </summary>
internal static class SqliteMigrations
{
    public static IReadOnlyList<SqliteMigration> All { get; } = VigilSchema.ForSqlite((version, name, sql) => new SqliteMigration(version, name, sql));
}
