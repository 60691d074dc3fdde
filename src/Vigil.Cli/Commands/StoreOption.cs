using System.CommandLine;
using Vigil.Storage;
using Vigil.Storage.Postgres;
using Vigil.Storage.Sqlite;

namespace Vigil.Cli.Commands;

/// <summary>
/// The global <c>--db PATH</c> and <c>--postgres CONNECTION_STRING</c> options and opening the store
/// they name: the SQLite file, or a PostgreSQL database (which several <c>vigil serve</c> replicas
/// share). Options win over environment variables: <c>--postgres</c>, else <c>--db</c>, else
/// <c>$VIGIL_POSTGRES</c>, else <c>$VIGIL_DB</c>, else the default SQLite file. Naming both stores
/// at once (both options, or both variables) is an error, never a silent choice.
/// </summary>
internal static class StoreOption
{
    /// <summary>The environment variable naming a PostgreSQL database to use instead of the SQLite file.</summary>
    public const string PostgresEnvironmentVariable = "VIGIL_POSTGRES";

    /// <summary>One instance for the whole tree, recursive so it works after any subcommand.</summary>
    public static readonly Option<string?> Db = new("--db")
    {
        Description = "SQLite database (default: $VIGIL_DB, else ~/.local/share/vigil/vigil.db)",
        Recursive = true,
    };

    /// <summary>One instance for the whole tree, recursive so it works after any subcommand (<c>vigil serve --postgres ...</c>).</summary>
    public static readonly Option<string?> Postgres = new("--postgres")
    {
        Description = "Use this PostgreSQL database instead of the SQLite file: an Npgsql connection string, " +
            "e.g. 'Host=db;Database=vigil;Username=vigil' (default: $VIGIL_POSTGRES). Replicas of 'vigil serve' share one",
        HelpName = "CONNECTION_STRING",
        Recursive = true,
    };

    static StoreOption()
    {
        Postgres.Validators.Add(result =>
        {
            if (result.GetResult(Db) is { Implicit: false })
                result.AddError("--db and --postgres name two different stores: give one of them");
        });
    }

    /// <summary>Opens the store the options (or environment) name; a connection failure is a <see cref="StoreException"/> naming the server.</summary>
    public static Task<IVigilStore> OpenAsync(ParseResult parse, CancellationToken cancellationToken) =>
        OpenAsync(parse.GetValue(Db), parse.GetValue(Postgres), Environment.GetEnvironmentVariable, cancellationToken);

    /// <summary>Opens the store named by the options, falling back to the environment as the class remarks say.</summary>
    internal static async Task<IVigilStore> OpenAsync(string? db, string? postgres, Func<string, string?> getEnvironment,
        CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(db) && !string.IsNullOrWhiteSpace(postgres))
            throw new StoreException("--db and --postgres name two different stores: give one of them");
        if (string.IsNullOrWhiteSpace(db) && string.IsNullOrWhiteSpace(postgres))
        {
            postgres = getEnvironment(PostgresEnvironmentVariable);
            if (!string.IsNullOrWhiteSpace(postgres) && !string.IsNullOrWhiteSpace(getEnvironment(StoreLocation.EnvironmentVariable)))
            {
                throw new StoreException(
                    $"both ${StoreLocation.EnvironmentVariable} and ${PostgresEnvironmentVariable} are set: unset one, or choose with --db or --postgres");
            }
        }
        if (!string.IsNullOrWhiteSpace(postgres))
            return await PostgresVigilStore.OpenAsync(postgres, cancellationToken);
        return await SqliteVigilStore.OpenAsync(StoreLocation.Resolve(db), cancellationToken);
    }
}
