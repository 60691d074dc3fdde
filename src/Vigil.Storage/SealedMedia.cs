namespace Vigil.Storage;

/// <summary>
/// A case item's media as the evidence vault sealed it (AES-256-GCM under a random data key, the
/// data key wrapped by a master key): all the store ever holds of it. The plaintext is never stored.
/// </summary>
/// <param name="ContentType">The media's type as submitted (<c>image/jpeg</c>, <c>video/mp4</c>, ...).</param>
/// <param name="Length">The plaintext's length in bytes.</param>
/// <param name="KeyId">Which master key wrapped the data key (a key file's id, or a KMS key's name).</param>
/// <param name="WrappedKey">The data key, wrapped by the master key.</param>
/// <param name="Nonce">The 12-byte AES-GCM nonce of the media's encryption.</param>
/// <param name="Ciphertext">The encrypted media followed by its 16-byte AES-GCM tag.</param>
public sealed record SealedMedia(string ContentType, long Length, string KeyId, byte[] WrappedKey, byte[] Nonce, byte[] Ciphertext);
