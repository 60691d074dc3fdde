using Vigil.Privacy.Crypto;

namespace Vigil.Server.Audit;

/// <summary>
/// The Ed25519 key that signs audit checkpoints: a 32-byte seed in a file of its own (mode 0600),
/// outside the database, so write access to the database is not enough to forge a checkpoint.
/// </summary>
public sealed class AuditSigningKey
{
    private readonly byte[] _seed;

    private AuditSigningKey(byte[] seed)
    {
        _seed = seed;
        PublicKey = Ed25519.PublicKey(seed);
    }

    /// <summary>The public key, to pin for <c>vigil audit verify --key</c>.</summary>
    public byte[] PublicKey { get; }

    /// <summary>Whether <see cref="LoadOrCreateAsync"/> made the key just now.</summary>
    public bool Created { get; private init; }

    /// <summary>Reads the key at <paramref name="path"/>, making a new one there when there is no file.</summary>
    /// <exception cref="InvalidDataException">The file is not a 32-byte key.</exception>
    public static async Task<AuditSigningKey> LoadOrCreateAsync(string path, CancellationToken cancellationToken = default)
    {
        if (File.Exists(path))
        {
            byte[] seed = await File.ReadAllBytesAsync(path, cancellationToken);
            if (seed.Length != Ed25519.SeedSize)
                throw new InvalidDataException($"{path} is not an audit signing key (a key file holds {Ed25519.SeedSize} bytes; this one {seed.Length})");
            return new AuditSigningKey(seed);
        }
        byte[] fresh = System.Security.Cryptography.RandomNumberGenerator.GetBytes(Ed25519.SeedSize);
        await SecretFile.WriteNewAsync(path, fresh, cancellationToken);
        return new AuditSigningKey(fresh) { Created = true };
    }

    /// <summary>Signs <paramref name="message"/>.</summary>
    public byte[] Sign(ReadOnlySpan<byte> message) => Ed25519.Sign(_seed, message);
}
