namespace Vigil.Storage.Schema;

/// <summary>
/// One concern's part of a numbered schema step, as each engine runs it: the statements differ
/// where the engines' types or features do (integer microseconds against <c>timestamptz</c>,
/// triggers per row against per statement), and a part may be for one engine only (null: nothing
/// to do on the other). A step the engines run alike is written once with <see cref="Both"/>.
/// </summary>
/// <param name="Version">The schema version the step produces (1, 2, ...); parts of one version run in <see cref="VigilSchema"/>'s concern order.</param>
/// <param name="Sqlite">SQLite's statements, or null.</param>
/// <param name="Postgres">PostgreSQL's statements, or null.</param>
internal sealed record SchemaStep(int Version, string? Sqlite, string? Postgres)
{
    /// <summary>A part whose statements are the same on both engines.</summary>
    public static SchemaStep Both(int version, string sql) => new(version, sql, sql);
}
