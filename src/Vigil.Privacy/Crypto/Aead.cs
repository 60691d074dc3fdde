using System.Security.Cryptography;

namespace Vigil.Privacy.Crypto;

/// <summary>
/// AES-256-GCM with a fresh random 96-bit nonce per message, written as nonce, ciphertext, tag. GCM's
/// tag makes it key-robust for this protocol: a ciphertext fails to open under any other key.
/// </summary>
public static class Aead
{
    /// <summary>Bytes a sealed message adds to its plaintext (nonce and tag).</summary>
    public const int Overhead = NonceSize + TagSize;

    /// <summary>Key size in bytes.</summary>
    public const int KeySize = 32;

    private const int NonceSize = 12;
    private const int TagSize = 16;

    /// <summary>Encrypts <paramref name="plaintext"/> under <paramref name="key"/> into <paramref name="sealedMessage"/> (plaintext length + <see cref="Overhead"/>).</summary>
    public static void Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData, Span<byte> sealedMessage)
    {
        if (key.Length != KeySize)
            throw new ArgumentException("AES-256-GCM needs a 32-byte key", nameof(key));
        if (sealedMessage.Length != plaintext.Length + Overhead)
            throw new ArgumentException("the output must be the plaintext's length plus the overhead", nameof(sealedMessage));
        var nonce = sealedMessage[..NonceSize];
        RandomNumberGenerator.Fill(nonce);
        using var gcm = new AesGcm(key, TagSize);
        gcm.Encrypt(nonce, plaintext, sealedMessage.Slice(NonceSize, plaintext.Length), sealedMessage[^TagSize..], associatedData);
    }

    /// <summary>Encrypts into a new array.</summary>
    public static byte[] Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        var sealedMessage = new byte[plaintext.Length + Overhead];
        Seal(key, plaintext, associatedData, sealedMessage);
        return sealedMessage;
    }

    /// <summary>Decrypts into <paramref name="plaintext"/>; false (and nothing learned) when the key, data or message is wrong.</summary>
    public static bool TryOpen(ReadOnlySpan<byte> key, ReadOnlySpan<byte> sealedMessage, ReadOnlySpan<byte> associatedData, Span<byte> plaintext)
    {
        if (key.Length != KeySize || sealedMessage.Length < Overhead || plaintext.Length != sealedMessage.Length - Overhead)
            return false;
        using var gcm = new AesGcm(key, TagSize);
        try
        {
            gcm.Decrypt(sealedMessage[..NonceSize], sealedMessage.Slice(NonceSize, plaintext.Length), sealedMessage[^TagSize..], plaintext, associatedData);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            plaintext.Clear();
            return false;
        }
    }
}
