using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Vigil.Storage;

namespace Vigil.Review.Evidence;

/// <summary>
/// Seals a case item's media for storage and opens it again, in memory only: AES-256-GCM under a fresh random
/// 32-byte data key per item, the data key wrapped by an <see cref="IKeyWrapper"/> (a key file, a KMS, an HSM).
/// </summary>
/// <remarks>
/// <para>The associated data binds the content type, the plaintext length and the master key id to the
/// ciphertext, so a change to any field of <see cref="SealedMedia"/> fails <see cref="Open"/>: the nonce, the
/// ciphertext or tag and the wrapped key through AES-GCM, the id through the wrapper. The data key lives on
/// the stack and is cleared as soon as it has been used. Nothing is written to disk.</para>
/// <para>Thread-safe when the wrapper is (<see cref="KeyFileWrapper"/> is).</para>
/// </remarks>
public sealed class EvidenceVault : IMediaVault
{
    /// <summary>Length of each item's random data key (AES-256).</summary>
    public const int DataKeyLength = 32;

    /// <summary>Length of the AES-GCM nonce.</summary>
    public const int NonceLength = 12;

    /// <summary>Length of the AES-GCM tag, appended to the ciphertext.</summary>
    public const int TagLength = 16;

    /// <summary>Longest content type accepted (printable ASCII, as MIME types are).</summary>
    public const int MaxContentTypeLength = 255;

    /// <summary>Longest master key id accepted, in UTF-8 bytes.</summary>
    private const int MaxKeyIdBytes = 1024;

    private static ReadOnlySpan<byte> Context => "vigil.vault.media.v1\0"u8;

    private readonly IKeyWrapper _keyWrapper;

    /// <summary>Creates a vault over <paramref name="keyWrapper"/>, which wraps each item's data key.</summary>
    public EvidenceVault(IKeyWrapper keyWrapper)
    {
        ArgumentNullException.ThrowIfNull(keyWrapper);
        _keyWrapper = keyWrapper;
    }

    /// <summary>Encrypts <paramref name="plaintext"/> under a new data key and wraps that key.</summary>
    /// <param name="plaintext">The media's bytes; not kept.</param>
    /// <param name="contentType">The media's type, e.g. <c>image/jpeg</c>: 1 to 255 printable ASCII characters.</param>
    /// <exception cref="ArgumentException"><paramref name="contentType"/> is empty, too long or not printable ASCII.</exception>
    /// <exception cref="InvalidOperationException">The wrapper's key id is empty, longer than 1024 bytes or not well-formed UTF-16, or it returned no wrapped key.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="plaintext"/> is too large for one array with its tag.</exception>
    public SealedMedia Seal(ReadOnlySpan<byte> plaintext, string contentType)
    {
        ArgumentNullException.ThrowIfNull(contentType);
        if (!IsValidContentType(contentType))
            throw new ArgumentException($"a content type is 1 to {MaxContentTypeLength} printable ASCII characters", nameof(contentType));
        if (plaintext.Length > Array.MaxLength - TagLength)
            throw new ArgumentOutOfRangeException(nameof(plaintext), "the media is too large to seal in one piece");
        string keyId = _keyWrapper.KeyId;
        if (string.IsNullOrEmpty(keyId) || !TryKeyIdBytes(keyId, out _))
            throw new InvalidOperationException($"the key wrapper's id must be 1 to {MaxKeyIdBytes} bytes of well-formed UTF-8");

        var nonce = new byte[NonceLength];
        RandomNumberGenerator.Fill(nonce);
        var ciphertext = new byte[plaintext.Length + TagLength];
        Span<byte> dataKey = stackalloc byte[DataKeyLength];
        byte[] wrapped;
        try
        {
            RandomNumberGenerator.Fill(dataKey);
            wrapped = _keyWrapper.Wrap(dataKey) ?? throw new InvalidOperationException("the key wrapper returned no wrapped key");
            var aad = AssociatedData(contentType, plaintext.Length, keyId);
            using var aes = new AesGcm(dataKey, TagLength);
            aes.Encrypt(nonce, plaintext, ciphertext.AsSpan(0, plaintext.Length), ciphertext.AsSpan(plaintext.Length), aad);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
        return new SealedMedia(contentType, plaintext.Length, keyId, wrapped, nonce, ciphertext);
    }

    /// <summary>Unwraps the data key and decrypts the media, checking every field against the tag.</summary>
    /// <returns>The media's bytes (<see cref="SealedMedia.Length"/> of them). Keep them in memory only.</returns>
    /// <exception cref="CryptographicException">
    /// A field is malformed or was altered, the master key is unknown or not the one the item was sealed with.
    /// </exception>
    public byte[] Open(SealedMedia sealedMedia)
    {
        ArgumentNullException.ThrowIfNull(sealedMedia);
        var (contentType, length, keyId, wrappedKey, nonce, ciphertext) = sealedMedia;
        if (contentType is null || !IsValidContentType(contentType))
            throw Malformed("the content type is not 1 to 255 printable ASCII characters");
        if (keyId is null || keyId.Length == 0 || !TryKeyIdBytes(keyId, out _))
            throw Malformed("the master key id is empty, too long or not well-formed");
        if (wrappedKey is null || wrappedKey.Length == 0)
            throw Malformed("the wrapped data key is missing");
        if (nonce is null || nonce.Length != NonceLength)
            throw Malformed($"the nonce is {nonce?.Length ?? 0} bytes, expected {NonceLength}");
        if (length < 0 || length > Array.MaxLength - TagLength)
            throw Malformed($"the recorded length {length} is not possible");
        if (ciphertext is null || ciphertext.Length != length + TagLength)
            throw Malformed($"the ciphertext is {ciphertext?.Length ?? 0} bytes, but the recorded length {length} needs {length + TagLength}");

        var aad = AssociatedData(contentType, length, keyId);
        byte[] dataKey = _keyWrapper.Unwrap(keyId, wrappedKey);
        var plaintext = new byte[length];
        try
        {
            if (dataKey is null || dataKey.Length != DataKeyLength)
                throw new CryptographicException($"the key wrapper returned a data key of {dataKey?.Length ?? 0} bytes, expected {DataKeyLength}");
            using var aes = new AesGcm(dataKey, TagLength);
            aes.Decrypt(nonce, ciphertext.AsSpan(0, (int)length), ciphertext.AsSpan((int)length), plaintext, aad);
            return plaintext;
        }
        catch (AuthenticationTagMismatchException e)
        {
            CryptographicOperations.ZeroMemory(plaintext);
            throw new CryptographicException("the sealed media failed authentication: its content type, length, nonce or ciphertext was altered, or its data key is not the one it was sealed with", e);
        }
        finally
        {
            if (dataKey is not null)
                CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    /// <summary>True for 1 to <see cref="MaxContentTypeLength"/> printable ASCII characters.</summary>
    public static bool IsValidContentType(string contentType)
    {
        ArgumentNullException.ThrowIfNull(contentType);
        if (contentType.Length is 0 or > MaxContentTypeLength)
            return false;
        foreach (char c in contentType)
            if (c is < ' ' or > '~')
                return false;
        return true;
    }

    private static CryptographicException Malformed(string why) => new($"the sealed media is malformed: {why}");

    private static bool TryKeyIdBytes(string keyId, out int count)
    {
        try
        {
            count = StrictUtf8.GetByteCount(keyId);
            return count <= MaxKeyIdBytes;
        }
        catch (EncoderFallbackException)
        {
            count = 0;
            return false;
        }
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// The associated data: the context, then each field length-prefixed so that no two field values share an
    /// encoding: u8 content type length, the content type (ASCII), u64 plaintext length, u16 key id length, the key
    /// id (UTF-8), all big-endian.
    /// </summary>
    internal static byte[] AssociatedData(string contentType, long length, string keyId)
    {
        int idBytes = StrictUtf8.GetByteCount(keyId);
        var aad = new byte[Context.Length + 1 + contentType.Length + 8 + 2 + idBytes];
        var span = aad.AsSpan();
        Context.CopyTo(span);
        int at = Context.Length;
        span[at++] = (byte)contentType.Length;
        at += Encoding.ASCII.GetBytes(contentType, span[at..]);
        BinaryPrimitives.WriteInt64BigEndian(span[at..], length);
        at += 8;
        BinaryPrimitives.WriteUInt16BigEndian(span[at..], (ushort)idBytes);
        at += 2;
        StrictUtf8.GetBytes(keyId, span[at..]);
        return aad;
    }
}
