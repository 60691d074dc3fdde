using System.Security.Cryptography;
using System.Text;

namespace Vigil.Storage;

/// <summary>What an API key may do. Each role includes nothing of the others: a key has exactly one.</summary>
public enum ApiKeyRole
{
    /// <summary>Everything, including keys and the audit log.</summary>
    Admin,

    /// <summary>Creates and edits banks and their content.</summary>
    Curator,

    /// <summary>Hashes and looks up media.</summary>
    Matcher,

    /// <summary>Works the review queue.</summary>
    Reviewer,

    /// <summary>A platform backend uploading safety vouchers on behalf of its devices (<c>POST /v1/vouchers</c>), and nothing else.</summary>
    Device,

    /// <summary>A platform backend opening review cases (<c>POST /v1/cases</c>: media and its context), and nothing else; it cannot read cases.</summary>
    Submitter,
}

/// <summary>A stored API key: its name and role; the key itself is never stored, only its SHA-256.</summary>
/// <param name="Id">The key's number in the store.</param>
/// <param name="Name">Its unique name (who or what uses it); the audit log's actor for its requests.</param>
/// <param name="Role">What it may do.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="RevokedAt">When it was revoked, or null.</param>
/// <param name="ExpiresAt">When it stops working by itself, or null for a key that does not expire (every key made before expiry existed).</param>
public sealed record ApiKey(long Id, string Name, ApiKeyRole Role, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt, DateTimeOffset? ExpiresAt = null)
{
    /// <summary>True until the key is revoked (whether it has expired is <see cref="IsExpiredAt"/>).</summary>
    public bool IsActive => RevokedAt is null;

    /// <summary>True when the key has an expiry and <paramref name="now"/> is at or past it.</summary>
    public bool IsExpiredAt(DateTimeOffset now) => ExpiresAt is { } expiry && now >= expiry;

    /// <summary>True when the key may be used at <paramref name="now"/>: neither revoked nor expired.</summary>
    public bool IsValidAt(DateTimeOffset now) => IsActive && !IsExpiredAt(now);
}

/// <summary>Making and hashing API key secrets.</summary>
public static class ApiKeySecrets
{
    /// <summary>Prefix of every key, so that leaked keys are easy to find (secret scanners, logs).</summary>
    public const string Prefix = "vgl_";

    /// <summary>A new random key: the prefix and 256 bits from the CSPRNG, base64url.</summary>
    public static string Generate() => Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>The stored form of a key: lowercase hex SHA-256 of its UTF-8 bytes.</summary>
    public static string Hash(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
    }

    /// <summary>The role's name as stored and shown (<c>admin</c>, <c>curator</c>, ...).</summary>
    public static string RoleName(ApiKeyRole role) => role.ToString().ToLowerInvariant();

    /// <summary>Parses a role name, ignoring case.</summary>
    public static bool TryParseRole(string? name, out ApiKeyRole role) =>
        Enum.TryParse(name, ignoreCase: true, out role) && Enum.IsDefined(role) && !int.TryParse(name, out _);

    /// <summary>The audit log's actor prefix for the command line (<c>cli:USER@HOST</c>); no key's name starts with it.</summary>
    public const string CliActorPrefix = "cli:";

    /// <summary>The audit log's actor prefix for Vigil's own work (<c>vigil:psi</c>); no key's name starts with it.</summary>
    public const string VigilActorPrefix = "vigil:";

    /// <summary>
    /// Checks a key's name: 1 to 100 printable characters, not starting with <see cref="CliActorPrefix"/>
    /// or <see cref="VigilActorPrefix"/> (in any case): the audit log names a key's requests by the
    /// key's name, so such a key could pass for an operator at the command line or for Vigil itself.
    /// </summary>
    public static void ValidateName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length is 0 or > 100 || name.Any(char.IsControl) || name.Trim().Length != name.Length)
            throw new ArgumentException($"API key name '{name}' must be 1 to 100 printable characters without leading or trailing spaces", nameof(name));
        foreach (string reserved in (ReadOnlySpan<string>)[CliActorPrefix, VigilActorPrefix])
        {
            if (name.StartsWith(reserved, StringComparison.OrdinalIgnoreCase))
                throw new ArgumentException($"API key name '{name}' may not start with '{reserved}': the audit log keeps that for its own actors", nameof(name));
        }
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
