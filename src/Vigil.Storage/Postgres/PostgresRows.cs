using Npgsql;
using NpgsqlTypes;
using Vigil.Hashing.Signals;
using Vigil.Storage.Sqlite;

namespace Vigil.Storage.Postgres;

/// <summary>Typed parameters and value conversions for the PostgreSQL-only paths (bulk writes with arrays, the snapshot's chunks).</summary>
internal static class PostgresRows
{
    public static Signal ReadSignal(NpgsqlDataReader reader, int typeOrdinal, int valueOrdinal) =>
        new(SignalType.FromName(reader.GetString(typeOrdinal)), reader.GetString(valueOrdinal));

    /// <summary>Microseconds since the Unix epoch (for arrays of times, converted in SQL with <see cref="MicrosToTime"/>).</summary>
    public static long? ToMicros(DateTimeOffset? time) => time is { } t ? UnixMicros.From(t) : null;

    /// <summary>SQL turning a bigint of microseconds since the epoch into a timestamptz (NULL stays NULL).</summary>
    public static string MicrosToTime(string expression) => $"(timestamptz 'epoch' + {expression} * interval '1 microsecond')";

    public static NpgsqlParameter Param(object? value, NpgsqlDbType type) => new() { Value = value ?? DBNull.Value, NpgsqlDbType = type };
}
