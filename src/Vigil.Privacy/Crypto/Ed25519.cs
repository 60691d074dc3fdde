using Vigil.Privacy.Group;

namespace Vigil.Privacy.Crypto;

/// <summary>Ed25519 signatures (libsodium): the server signs the manifest that pins pdata's SHA-256 root.</summary>
public static class Ed25519
{
    /// <summary>Seed, public key and signature sizes.</summary>
    public const int SeedSize = 32, PublicKeySize = 32, SignatureSize = 64;

    /// <summary>The public key of a 32-byte seed.</summary>
    public static byte[] PublicKey(ReadOnlySpan<byte> seed)
    {
        var (pk, _) = KeyPair(seed);
        return pk;
    }

    /// <summary>Signs <paramref name="message"/> with the key of <paramref name="seed"/>.</summary>
    public static byte[] Sign(ReadOnlySpan<byte> seed, ReadOnlySpan<byte> message)
    {
        var (_, sk) = KeyPair(seed);
        var signature = new byte[SignatureSize];
        if (Sodium.crypto_sign_ed25519_detached(signature, out _, message, (ulong)message.Length, sk) != 0)
            throw new System.Security.Cryptography.CryptographicException("libsodium could not sign");
        Array.Clear(sk);
        return signature;
    }

    /// <summary>Whether <paramref name="signature"/> is a valid signature of <paramref name="message"/> under <paramref name="publicKey"/>.</summary>
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != PublicKeySize || signature.Length != SignatureSize)
            return false;
        Sodium.EnsureReady();
        return Sodium.crypto_sign_ed25519_verify_detached(signature, message, (ulong)message.Length, publicKey) == 0;
    }

    private static (byte[] PublicKey, byte[] SecretKey) KeyPair(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != SeedSize)
            throw new ArgumentException("an Ed25519 seed is 32 bytes", nameof(seed));
        Sodium.EnsureReady();
        var pk = new byte[PublicKeySize];
        var sk = new byte[64];
        if (Sodium.crypto_sign_ed25519_seed_keypair(pk, sk, seed) != 0)
            throw new System.Security.Cryptography.CryptographicException("libsodium could not make the key pair");
        return (pk, sk);
    }
}
