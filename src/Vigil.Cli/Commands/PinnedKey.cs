using Vigil.Privacy.Crypto;

namespace Vigil.Cli.Commands;

/// <summary>An Ed25519 public key the operator pins: 64 hex digits, a file holding them, or the 32-byte key file itself.</summary>
internal static class PinnedKey
{
    /// <summary>Reads <paramref name="value"/>; null stays null (nothing pinned).</summary>
    public static bool TryRead(string? value, out byte[]? publicKey, out string? error)
    {
        publicKey = null;
        error = null;
        if (value is null)
            return true;
        string text = value.Trim();
        if (File.Exists(value))
        {
            byte[] bytes = File.ReadAllBytes(value);
            if (bytes.Length == Ed25519.SeedSize)
            {
                publicKey = Ed25519.PublicKey(bytes);
                return true;
            }
            text = System.Text.Encoding.UTF8.GetString(bytes).Trim();
        }
        if (text.Length == Ed25519.PublicKeySize * 2 && text.All(Uri.IsHexDigit))
        {
            publicKey = Convert.FromHexString(text);
            return true;
        }
        error = $"'{value}' is neither 64 hex digits nor a file holding them or the 32-byte key";
        return false;
    }
}
