using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Vigil.Storage;

namespace Vigil.Review.Evidence;

/// <summary>
/// A short text (a conversation message) sealed by the evidence vault as one byte string for one column: the vault's
/// <see cref="SealedMedia"/> under content type <see cref="ContentType"/>, laid out as
/// <c>version(1) | key id length(2) | key id | wrapped key length(2) | wrapped key | nonce length(1) | nonce |
/// text length(4) | ciphertext and tag</c>, lengths big-endian. The vault binds the content type, length and key id to
/// the ciphertext, so a change to any byte fails <see cref="Open"/>.
/// </summary>
public static class SealedText
{
    /// <summary>The content type the texts are sealed under.</summary>
    public const string ContentType = "text/plain; charset=utf-8";

    private const byte Version = 1;

    /// <summary>Seals <paramref name="text"/> under a fresh data key.</summary>
    public static byte[] Seal(IMediaVault vault, string text)
    {
        ArgumentNullException.ThrowIfNull(vault);
        ArgumentNullException.ThrowIfNull(text);
        byte[] plain = Encoding.UTF8.GetBytes(text);
        SealedMedia media;
        try
        {
            media = vault.Seal(plain, ContentType);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
        byte[] keyId = Encoding.UTF8.GetBytes(media.KeyId);
        if (keyId.Length > ushort.MaxValue || media.WrappedKey.Length > ushort.MaxValue || media.Nonce.Length > byte.MaxValue)
            throw new InvalidOperationException("the vault's key id, wrapped key or nonce is too long for a sealed text");
        var sealedText = new byte[1 + 2 + keyId.Length + 2 + media.WrappedKey.Length + 1 + media.Nonce.Length + 4 + media.Ciphertext.Length];
        var span = sealedText.AsSpan();
        span[0] = Version;
        int at = 1;
        BinaryPrimitives.WriteUInt16BigEndian(span[at..], (ushort)keyId.Length);
        keyId.CopyTo(span[(at += 2)..]);
        at += keyId.Length;
        BinaryPrimitives.WriteUInt16BigEndian(span[at..], (ushort)media.WrappedKey.Length);
        media.WrappedKey.CopyTo(span[(at += 2)..]);
        at += media.WrappedKey.Length;
        span[at++] = (byte)media.Nonce.Length;
        media.Nonce.CopyTo(span[at..]);
        at += media.Nonce.Length;
        BinaryPrimitives.WriteUInt32BigEndian(span[at..], checked((uint)media.Length));
        media.Ciphertext.CopyTo(span[(at + 4)..]);
        return sealedText;
    }

    /// <summary>Opens a text <see cref="Seal"/> made.</summary>
    /// <exception cref="CryptographicException">The bytes are not a sealed text, were altered, or were sealed under another master key.</exception>
    public static string Open(IMediaVault vault, ReadOnlySpan<byte> sealedText)
    {
        ArgumentNullException.ThrowIfNull(vault);
        var reader = new Reader(sealedText);
        if (reader.Byte() != Version)
            throw new CryptographicException("not a sealed text of a version this build reads");
        string keyId;
        try
        {
            keyId = new UTF8Encoding(false, true).GetString(reader.Bytes(reader.UInt16()));
        }
        catch (DecoderFallbackException e)
        {
            throw new CryptographicException("a sealed text's key id is not UTF-8", e);
        }
        byte[] wrapped = reader.Bytes(reader.UInt16()).ToArray();
        byte[] nonce = reader.Bytes(reader.Byte()).ToArray();
        long length = reader.UInt32();
        byte[] ciphertext = reader.Rest().ToArray();
        byte[] plain = vault.Open(new SealedMedia(ContentType, length, keyId, wrapped, nonce, ciphertext));
        try
        {
            return new UTF8Encoding(false, true).GetString(plain);
        }
        catch (DecoderFallbackException e)
        {
            throw new CryptographicException("a sealed text opened to bytes that are not UTF-8", e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    /// <summary>Reads the layout, failing on any length that runs past the end.</summary>
    private ref struct Reader(ReadOnlySpan<byte> bytes)
    {
        private ReadOnlySpan<byte> _rest = bytes;

        public byte Byte() => Bytes(1)[0];

        public ushort UInt16() => BinaryPrimitives.ReadUInt16BigEndian(Bytes(2));

        public uint UInt32() => BinaryPrimitives.ReadUInt32BigEndian(Bytes(4));

        public ReadOnlySpan<byte> Bytes(int count)
        {
            if (count > _rest.Length)
                throw new CryptographicException("a sealed text is cut short");
            var taken = _rest[..count];
            _rest = _rest[count..];
            return taken;
        }

        public readonly ReadOnlySpan<byte> Rest() => _rest;
    }
}
