namespace Vigil.Reporting.Client;

/// <summary>The CyberTipline's hosts. The test host is the default everywhere; production must be chosen explicitly.</summary>
public static class CyberTiplineEnvironments
{
    /// <summary>NCMEC's test environment (reports are discarded): <c>https://exttest.cybertip.org/ispws/</c>.</summary>
    public static readonly Uri Test = new("https://exttest.cybertip.org/ispws/");

    /// <summary>NCMEC's production environment (real reports): <c>https://report.cybertip.org/ispws/</c>.</summary>
    public static readonly Uri Production = new("https://report.cybertip.org/ispws/");

    /// <summary>True when <paramref name="baseAddress"/> is NCMEC's production host.</summary>
    public static bool IsProduction(Uri baseAddress) =>
        string.Equals(baseAddress.Host, Production.Host, StringComparison.OrdinalIgnoreCase);
}

/// <summary>The user name and password NCMEC issued (HTTP Basic). <see cref="ToString"/> never shows the password.</summary>
public sealed class CyberTiplineCredentials
{
    /// <summary>Credentials from a user name and password.</summary>
    public CyberTiplineCredentials(string user, string password)
    {
        ArgumentException.ThrowIfNullOrEmpty(user);
        ArgumentException.ThrowIfNullOrEmpty(password);
        if (user.Contains(':'))
            throw new ArgumentException("a Basic auth user name cannot contain ':'", nameof(user));
        User = user;
        Password = password;
    }

    /// <summary>The user name.</summary>
    public string User { get; }

    /// <summary>The password (never logged).</summary>
    internal string Password { get; }

    /// <summary>Credentials with the password read from a file (its first line; the file should be readable by the service only).</summary>
    public static CyberTiplineCredentials FromPasswordFile(string user, string passwordFile)
    {
        string password = File.ReadLines(passwordFile).FirstOrDefault()?.TrimEnd('\r', '\n') ?? "";
        if (password.Length == 0)
            throw new ArgumentException($"the password file {passwordFile} is empty", nameof(passwordFile));
        return new CyberTiplineCredentials(user, password);
    }

    internal string BasicHeaderValue() =>
        Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(User + ":" + Password));

    /// <summary>The user name and a mask: <c>user:***</c>.</summary>
    public override string ToString() => User + ":***";
}

/// <summary>Where and how <see cref="CyberTiplineClient"/> talks to the CyberTipline.</summary>
public sealed class CyberTiplineClientOptions
{
    /// <summary>Environment variable with the base URL (any, e.g. a fake server's).</summary>
    public const string UrlVariable = "VIGIL_CYBERTIPLINE_URL";
    /// <summary>Environment variable with the user name.</summary>
    public const string UserVariable = "VIGIL_CYBERTIPLINE_USER";
    /// <summary>Environment variable with the password.</summary>
    public const string PasswordVariable = "VIGIL_CYBERTIPLINE_PASSWORD";

    /// <summary>The API's base address, ending in <c>/ispws/</c> for NCMEC. Default: the test environment.</summary>
    public Uri BaseAddress { get; set; } = CyberTiplineEnvironments.Test;

    /// <summary>Must be true for <see cref="BaseAddress"/> to be NCMEC's production host: real reports need an explicit opt-in.</summary>
    public bool AllowProduction { get; set; }

    /// <summary>The credentials NCMEC issued.</summary>
    public required CyberTiplineCredentials Credentials { get; set; }

    /// <summary>Retries after the first attempt, for network errors, timeouts, HTTP 5xx and 429, and NCMEC's server-error code. Default 4.</summary>
    public int MaxRetryAttempts { get; set; } = 4;

    /// <summary>The first retry's delay; later ones grow exponentially, with jitter. Default 2 s.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest delay between attempts (also caps a server's Retry-After). Default 2 min.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long one attempt may take, upload included. Default 2 min; <see cref="Timeout.InfiniteTimeSpan"/> for none.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The longest one call can take through every attempt and delay, or null when <see cref="AttemptTimeout"/> is infinite.</summary>
    public TimeSpan? LongestCall => AttemptTimeout == Timeout.InfiniteTimeSpan
        ? null
        : AttemptTimeout * (MaxRetryAttempts + 1) + MaxRetryDelay * MaxRetryAttempts;

    /// <summary>The clock for delays and timeouts (tests inject one).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Responses larger than this are refused (NCMEC's are small XML documents). Default 1 MiB.</summary>
    public int MaxResponseBytes { get; set; } = 1 << 20;

    /// <summary>Options from the environment (<see cref="UrlVariable"/>, <see cref="UserVariable"/>,
    /// <see cref="PasswordVariable"/>), which win over <paramref name="user"/>, <paramref name="passwordFile"/> and
    /// <paramref name="baseAddress"/> from a configuration file. Production still needs <paramref name="allowProduction"/>.</summary>
    /// <exception cref="ArgumentException">No user or no password anywhere.</exception>
    public static CyberTiplineClientOptions Resolve(Func<string, string?> environment, Uri? baseAddress = null, string? user = null,
        string? passwordFile = null, bool allowProduction = false)
    {
        string? url = environment(UrlVariable);
        string? envUser = environment(UserVariable);
        string? envPassword = environment(PasswordVariable);
        string resolvedUser = !string.IsNullOrEmpty(envUser) ? envUser : user
            ?? throw new ArgumentException($"no CyberTipline user: set {UserVariable} or the configuration's user");
        CyberTiplineCredentials credentials = !string.IsNullOrEmpty(envPassword)
            ? new CyberTiplineCredentials(resolvedUser, envPassword)
            : passwordFile is not null
                ? CyberTiplineCredentials.FromPasswordFile(resolvedUser, passwordFile)
                : throw new ArgumentException($"no CyberTipline password: set {PasswordVariable} or a password file (never a command-line argument)");
        return new CyberTiplineClientOptions
        {
            BaseAddress = !string.IsNullOrEmpty(url) ? new Uri(url) : baseAddress ?? CyberTiplineEnvironments.Test,
            Credentials = credentials,
            AllowProduction = allowProduction,
        };
    }
}
