using System.CommandLine;
using System.Globalization;
using Vigil.Cli.Commands;
using Vigil.Cli.Serve;
using Vigil.Review.Evidence;
using Vigil.Server;
using Vigil.Storage;

namespace Vigil.Cli.Reports;

/// <summary>
/// What the <c>vigil report</c> commands read besides their arguments: the serve config file
/// (<c>--config</c>: its <c>reporting</c> section, its store, its vault key), the store, the evidence
/// vault and the CyberTipline settings. Each problem is an exception whose message says what to give.
/// </summary>
internal static class ReportInputs
{
    /// <summary><c>--format text|json</c>.</summary>
    public static Option<string> Format()
    {
        var format = new Option<string>("--format", "-f") { Description = "Output format", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        return format;
    }

    /// <summary><c>--config FILE</c>: the serve config file whose reporting section (and store, and review.vault_key) the command uses.</summary>
    public static Option<string?> Config() => new("--config")
    {
        Description = "The serve config file ('vigil serve --config FILE'): its reporting section says who files and where, its store and review.vault_key are used " +
                      "unless --db/--postgres/--vault-key say otherwise ('vigil report init-config FILE' writes one)",
        HelpName = "FILE",
    };

    /// <summary><c>--vault-key FILE</c>: the evidence vault's master key.</summary>
    public static Option<string?> VaultKey() => new("--vault-key")
    {
        Description = "The evidence vault's master key file the reported files are opened with (default: review.vault_key of --config)",
        HelpName = "FILE",
    };

    /// <summary>A positive id argument with a message that names it when it is not a number (0 when an optional one is not given).</summary>
    public static Argument<long> Id(string name, string what, string listedBy) => new(name)
    {
        Description = $"The {what} id",
        CustomParser = result =>
        {
            if (result.Tokens.Count == 0)
                return 0;
            string text = result.Tokens[0].Value;
            if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long id) && id > 0)
                return id;
            result.AddError($"{name} must be a {what} number (see '{listedBy}'), not '{text}'");
            return 0;
        },
    };

    /// <summary>The config file, or null when none was given.</summary>
    /// <exception cref="ArgumentException">It cannot be read or has a bad key.</exception>
    public static ServeConfig? LoadConfig(string? path)
    {
        if (path is null)
            return null;
        var (config, error) = ServeConfigResolver.LoadFile(path);
        return error is null ? config : throw new ArgumentException(error);
    }

    /// <summary>The store the options name, else the environment's, else the config file's, else the default (as <c>vigil serve</c> layers them).</summary>
    public static Task<IVigilStore> OpenStoreAsync(ParseResult parse, ServeConfig? config, CancellationToken cancellationToken)
    {
        string? db = parse.GetValue(StoreOption.Db), postgres = parse.GetValue(StoreOption.Postgres);
        bool environmentNamesOne = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(StoreLocation.EnvironmentVariable))
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(StoreOption.PostgresEnvironmentVariable));
        if (db is null && postgres is null && !environmentNamesOne && config?.Store is { } store)
            (db, postgres) = (store.Db, store.Postgres);
        return StoreOption.OpenAsync(db, postgres, Environment.GetEnvironmentVariable, cancellationToken);
    }

    /// <summary>The reporting settings of the config's section and <c>--cybertipline</c>.</summary>
    /// <exception cref="ArgumentException">No config or no reporting section, the environments disagree, or no credentials.</exception>
    public static ReportingSettings Reporting(ServeConfig? config, string? cybertipline, string actor)
    {
        if (config?.Reporting is not { } section)
        {
            throw new ArgumentException(config is null
                ? "this needs the reporting settings: give --config FILE, a serve config with a reporting section ('vigil report init-config FILE' writes one)"
                : "the config file has no reporting section ('vigil report init-config FILE' writes an example)");
        }
        var (settings, error) = ReportingSetup.Resolve(section, cybertipline, Environment.GetEnvironmentVariable, actor);
        return settings ?? throw new ArgumentException(error);
    }

    /// <summary>The vault key of <c>--vault-key</c>, else of the config's review section.</summary>
    /// <exception cref="ArgumentException">Neither names one, or it cannot be loaded.</exception>
    public static KeyFileWrapper LoadVaultKey(string? vaultKey, ServeConfig? config)
    {
        string path = vaultKey ?? config?.Review?.VaultKey
            ?? throw new ArgumentException("filing needs the evidence vault, where the reported files are kept: give --vault-key FILE or review.vault_key in the config");
        try
        {
            return KeyFileWrapper.Load(path);
        }
        catch (KeyFileException e)
        {
            throw new ArgumentException($"--vault-key {path}: {e.Message}");
        }
    }
}
