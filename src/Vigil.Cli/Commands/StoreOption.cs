using System.CommandLine;
using Vigil.Storage;
using Vigil.Storage.Sqlite;

namespace Vigil.Cli.Commands;

/// <summary>The global <c>--db PATH</c> option and opening the store it names.</summary>
internal static class StoreOption
{
    /// <summary>One instance for the whole tree, recursive so it works after any subcommand.</summary>
    public static readonly Option<string?> Db = new("--db")
    {
        Description = "SQLite database (default: $VIGIL_DB, else ~/.local/share/vigil/vigil.db)",
        Recursive = true,
    };

    public static Task<SqliteVigilStore> OpenAsync(ParseResult parse, CancellationToken cancellationToken) =>
        SqliteVigilStore.OpenAsync(StoreLocation.Resolve(parse.GetValue(Db)), cancellationToken);
}
