using System.Text.Json.Serialization;

namespace Vigil.Cli.Serve;

/// <summary>The <c>store</c> section: the SQLite file or the PostgreSQL database (one of them), as <c>--db</c> and <c>--postgres</c>.</summary>
internal sealed record StoreSection
{
    /// <summary>The SQLite database file (<c>--db</c>, <c>$VIGIL_DB</c>).</summary>
    [JsonPropertyName("db")]
    public string? Db { get; init; }

    /// <summary>An Npgsql connection string (<c>--postgres</c>, <c>$VIGIL_POSTGRES</c>); its password is masked when printed.</summary>
    [JsonPropertyName("postgres")]
    public string? Postgres { get; init; }
}
