using System.Text.Json;

namespace Vigil.Exchanges.Clients.ThreatExchange;

/// <summary>
/// A ThreatExchange app access token (<c>APP_ID|SECRET</c>). The token travels in the query string, as the Graph API
/// wants; <see cref="ToString"/> and every message the client writes show the app id only.
/// </summary>
public sealed class ThreatExchangeCredentials
{
    /// <summary>The environment variable <see cref="FromEnvironment"/> reads by default (the one python-threatexchange's tools read).</summary>
    public const string DefaultEnvironmentVariable = "TX_ACCESS_TOKEN";

    private const int MinSecretLength = 8;

    /// <summary>Wraps a token of the form <c>APP_ID|SECRET</c> (the <c>|</c> may be URL-encoded as <c>%7C</c>).</summary>
    /// <exception cref="ArgumentException">The token is not of that form (the message never repeats it).</exception>
    public ThreatExchangeCredentials(string accessToken)
    {
        ArgumentNullException.ThrowIfNull(accessToken);
        string token = accessToken.Trim().Replace("%7C", "|", StringComparison.OrdinalIgnoreCase);
        int bar = token.IndexOf('|', StringComparison.Ordinal);
        if (bar <= 0 || token.Length - bar - 1 < MinSecretLength || !OnlyDigits(token.AsSpan(0, bar))
            || !OnlyTokenCharacters(token.AsSpan(bar + 1)))
            throw new ArgumentException("a ThreatExchange access token has the form APP_ID|SECRET (digits, '|', then at least 8 letters, digits, '-' or '_')", nameof(accessToken));
        AccessToken = token;
        AppId = token[..bar];
    }

    /// <summary>The token, for the query string. Never log it.</summary>
    public string AccessToken { get; }

    /// <summary>The app the token belongs to (the part before <c>|</c>): the owner id of the descriptors this app uploaded.</summary>
    public string AppId { get; }

    /// <summary>Reads a JSON file of the form <c>{"access_token": "APP_ID|SECRET"}</c>.</summary>
    /// <exception cref="ArgumentException">The file is not such an object (the message names the file, never its contents).</exception>
    public static ThreatExchangeCredentials FromFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var document = ParseFile(path);
        if (document.RootElement.ValueKind != JsonValueKind.Object
            || !document.RootElement.TryGetProperty("access_token", out var token) || token.ValueKind != JsonValueKind.String)
            throw new ArgumentException($"ThreatExchange credentials file {path} must be a JSON object with a string \"access_token\"", nameof(path));
        try
        {
            return new ThreatExchangeCredentials(token.GetString()!);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"ThreatExchange credentials file {path}: {e.Message}", nameof(path));
        }
    }

    /// <summary>Reads the token from the environment variable <paramref name="variable"/>; null when it is unset or empty.</summary>
    /// <exception cref="ArgumentException">The variable is set but not a token.</exception>
    public static ThreatExchangeCredentials? FromEnvironment(string variable = DefaultEnvironmentVariable)
    {
        string? value = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrWhiteSpace(value))
            return null;
        try
        {
            return new ThreatExchangeCredentials(value);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"environment variable {variable}: {e.Message}", nameof(variable));
        }
    }

    /// <summary>Removes the token (raw or URL-encoded) from <paramref name="text"/>, e.g. an error message that quotes a URL.</summary>
    public string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string secret = AccessToken[(AppId.Length + 1)..];
        return text
            .Replace(AccessToken, Masked, StringComparison.Ordinal)
            .Replace(Uri.EscapeDataString(AccessToken), Masked, StringComparison.OrdinalIgnoreCase)
            .Replace(secret, "***", StringComparison.Ordinal);
    }

    /// <summary>The app id with the secret masked, e.g. <c>ThreatExchange app 1234|***</c>.</summary>
    public override string ToString() => $"ThreatExchange app {Masked}";

    private string Masked => AppId + "|***";

    private static JsonDocument ParseFile(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return JsonDocument.Parse(stream);
        }
        catch (JsonException)
        {
            throw new ArgumentException($"ThreatExchange credentials file {path} is not JSON", nameof(path));
        }
    }

    private static bool OnlyDigits(ReadOnlySpan<char> text)
    {
        foreach (char c in text)
        {
            if (!char.IsAsciiDigit(c))
                return false;
        }
        return true;
    }

    private static bool OnlyTokenCharacters(ReadOnlySpan<char> text)
    {
        foreach (char c in text)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-' && c != '_')
                return false;
        }
        return true;
    }
}
