namespace Vigil.Storage.Sqlite;

/// <summary>
/// Times as SQLite stores them: integer microseconds since 1970-01-01 UTC. Microseconds are also
/// PostgreSQL's <c>timestamptz</c> precision, so both stores return the same instants.
/// </summary>
internal static class UnixMicros
{
    private const long TicksPerMicrosecond = TimeSpan.TicksPerMillisecond / 1000;

    public static long From(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TicksPerMicrosecond;

    public static DateTimeOffset ToTime(long micros) =>
        new(DateTimeOffset.UnixEpoch.UtcTicks + micros * TicksPerMicrosecond, TimeSpan.Zero);

    public static long Now() => From(DateTimeOffset.UtcNow);

    public static object FromNullable(DateTimeOffset? time) => time is { } t ? From(t) : DBNull.Value;
}
