using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Vigil.Storage.Postgres;
using Vigil.Storage.Sqlite;

namespace Vigil.Storage.Tests;

/// <summary>
/// Released schema steps are never edited: databases made by them upgrade in place only if a new
/// build runs the same statements for every step it shares with them. This pins each released
/// step's statements (whitespace aside) for both engines, as released up to step 6.
/// </summary>
public sealed partial class ReleasedSchemaTests
{
    private static readonly string[] SqliteSteps =
    [
        "aedaa24cb1efddd9", "10c2b225eeb8aba3", "4d23be85645b1891", "8dfba2f6aa26666b", "22b656cd6c316a4a",
        "d840b923c52857a4",
    ];

    private static readonly string[] PostgresSteps =
    [
        "253f66c3e5f13726", "3e32d15aa2d5264e", "5a77a1b53fd48b5c", "c1b88b6b89b7fcf1", "920159a1b41c0643", "acb4ae8670ba345b",
    ];

    [Fact]
    public void TheReleasedSqliteStepsAreUnchanged()
    {
        Assert.Equal(SqliteSteps, SqliteMigrations.All.Take(SqliteSteps.Length).Select(step => Fingerprint(step.Sql)));
    }

    [Fact]
    public void TheReleasedPostgresStepsAreUnchanged()
    {
        Assert.Equal(PostgresSteps, PostgresMigrations.All.Take(PostgresSteps.Length).Select(step => Fingerprint(step.Sql)));
    }

    /// <summary>The SHA-256 of the statements with every run of whitespace made one space.</summary>
    private static string Fingerprint(string sql) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Whitespace().Replace(sql, " ").Trim())))[..16];

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
