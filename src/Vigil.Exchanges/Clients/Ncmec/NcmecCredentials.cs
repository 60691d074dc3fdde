using System.Text;
using System.Text.Json;

namespace Vigil.Exchanges.Clients.Ncmec;

/// <summary>
/// An NCMEC hash-sharing account (HTTP Basic auth). <see cref="ToString"/> and every error here name the user at most,
/// never the password.
/// </summary>
public sealed class NcmecCredentials
{
    /// <summary>The JSON key and environment variable names this type reads.</summary>
    public const string UserKey = "user", PasswordKey = "password",
        UserVariable = "VIGIL_NCMEC_USER", PasswordVariable = "VIGIL_NCMEC_PASSWORD";

    /// <summary>An account of <paramref name="user"/> with <paramref name="password"/>; neither may be empty, and the user may not hold <c>:</c>.</summary>
    public NcmecCredentials(string user, string password)
    {
        if (string.IsNullOrWhiteSpace(user))
            throw new ArgumentException("NCMEC credentials need a user", nameof(user));
        if (user.Contains(':', StringComparison.Ordinal))
            throw new ArgumentException("an NCMEC user name cannot hold ':' (HTTP Basic auth)", nameof(user));
        if (string.IsNullOrEmpty(password))
            throw new ArgumentException("NCMEC credentials need a password", nameof(password));
        User = user;
        Password = password;
    }

    /// <summary>The account's user name.</summary>
    public string User { get; }

    /// <summary>The account's password.</summary>
    public string Password { get; }

    /// <summary>
    /// Reads a JSON object file with <c>"user"</c> (or <c>"username"</c>) and <c>"password"</c>.
    /// </summary>
    /// <exception cref="FormatException">The file is not such an object (the message names the file and the key, never a value).</exception>
    public static NcmecCredentials FromFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes = File.ReadAllBytes(path);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes);
        }
        catch (JsonException)
        {
            // The parser's message can quote the text near the error, which may be the password.
            throw new FormatException($"NCMEC credentials file {path} is not valid JSON");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new FormatException($"NCMEC credentials file {path} must hold a JSON object with \"{UserKey}\" and \"{PasswordKey}\"");
            string user = Read(document.RootElement, path, UserKey, "username");
            string password = Read(document.RootElement, path, PasswordKey);
            return new NcmecCredentials(user, password);
        }
    }

    /// <summary>Reads <c>VIGIL_NCMEC_USER</c> and <c>VIGIL_NCMEC_PASSWORD</c> through <paramref name="variable"/> (e.g. <see cref="System.Environment.GetEnvironmentVariable(string)"/>); null when either is unset or empty.</summary>
    public static NcmecCredentials? FromEnvironment(Func<string, string?> variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        string? user = variable(UserVariable), password = variable(PasswordVariable);
        return string.IsNullOrWhiteSpace(user) || string.IsNullOrEmpty(password) ? null : new NcmecCredentials(user, password);
    }

    /// <summary>The <c>Authorization</c> header value.</summary>
    internal System.Net.Http.Headers.AuthenticationHeaderValue BasicHeader() =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{Password}")));

    /// <summary>The user and a mask for the password.</summary>
    public override string ToString() => $"NcmecCredentials(user={User}, password=***)";

    private static string Read(JsonElement root, string path, string key, string? alias = null)
    {
        if ((root.TryGetProperty(key, out var value) || (alias is not null && root.TryGetProperty(alias, out value)))
            && value.ValueKind == JsonValueKind.String && !string.IsNullOrEmpty(value.GetString()))
            return value.GetString()!;
        throw new FormatException($"NCMEC credentials file {path} has no \"{key}\" string");
    }
}
