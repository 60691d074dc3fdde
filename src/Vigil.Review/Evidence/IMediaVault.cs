using Vigil.Storage;

namespace Vigil.Review.Evidence;

/// <summary>Seals case media for the store and opens it again, in memory only.</summary>
public interface IMediaVault
{
    /// <summary>Encrypts media under a fresh data key.</summary>
    SealedMedia Seal(ReadOnlySpan<byte> plaintext, string contentType);

    /// <summary>Decrypts sealed media.</summary>
    /// <exception cref="System.Security.Cryptography.CryptographicException">It was altered, or the key that wrapped it is not this vault's.</exception>
    byte[] Open(SealedMedia media);
}
