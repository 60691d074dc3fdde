namespace Vigil.Storage;

/// <summary>Where the embedded database lives.</summary>
public static class StoreLocation
{
    /// <summary>The environment variable naming the database file.</summary>
    public const string EnvironmentVariable = "VIGIL_DB";

    /// <summary>
    /// The database path: <paramref name="dbOption"/> (the <c>--db</c> option) when given, else
    /// <c>$VIGIL_DB</c>, else <c>$XDG_DATA_HOME/vigil/vigil.db</c> (by default
    /// <c>~/.local/share/vigil/vigil.db</c>). Returns a full path and creates its parent directory.
    /// </summary>
    public static string Resolve(string? dbOption) =>
        Resolve(dbOption, Environment.GetEnvironmentVariable, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));

    /// <summary>Resolve with the environment and home directory given (for tests).</summary>
    internal static string Resolve(string? dbOption, Func<string, string?> getEnvironment, string home)
    {
        string path = FirstNonEmpty(dbOption, getEnvironment(EnvironmentVariable)) ?? DefaultPath(getEnvironment, home);
        path = Path.GetFullPath(path);
        string? parent = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(parent))
            Directory.CreateDirectory(parent);
        return path;
    }

    private static string DefaultPath(Func<string, string?> getEnvironment, string home)
    {
        // The XDG spec says a relative XDG_DATA_HOME is invalid and must be ignored.
        string? dataHome = getEnvironment("XDG_DATA_HOME");
        if (string.IsNullOrWhiteSpace(dataHome) || !Path.IsPathRooted(dataHome))
            dataHome = Path.Combine(home, ".local", "share");
        return Path.Combine(dataHome, "vigil", "vigil.db");
    }

    private static string? FirstNonEmpty(params string?[] candidates)
    {
        foreach (var candidate in candidates)
        {
            if (!string.IsNullOrWhiteSpace(candidate))
                return candidate;
        }
        return null;
    }
}
