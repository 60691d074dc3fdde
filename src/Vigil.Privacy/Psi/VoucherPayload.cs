using System.Buffers.Binary;
using System.Text;

namespace Vigil.Privacy.Psi;

/// <summary>
/// What a revealed voucher shows the server: the photo's PDQ hash, a 64x64 greyscale visual
/// derivative for the reviewer, and caller metadata (the file name). Always encoded at one fixed
/// size, so payloads say nothing by their length.
/// </summary>
/// <param name="Pdq">The 32-byte PDQ hash.</param>
/// <param name="Thumbnail">64 x 64 greyscale pixels, row by row.</param>
/// <param name="Name">Caller metadata, at most 256 bytes of UTF-8 (longer names are cut).</param>
public sealed record VoucherPayload(byte[] Pdq, byte[] Thumbnail, string Name)
{
    /// <summary>Thumbnail side in pixels.</summary>
    public const int ThumbnailSide = 64;

    /// <summary>Most bytes of name kept.</summary>
    public const int MaxNameBytes = 256;

    /// <summary>Encoded size: hash, thumbnail, name length and the name's room.</summary>
    public const int Size = 32 + ThumbnailSide * ThumbnailSide + 2 + MaxNameBytes;

    /// <summary>The fixed-size encoding.</summary>
    public byte[] Encode()
    {
        if (Pdq.Length != 32 || Thumbnail.Length != ThumbnailSide * ThumbnailSide)
            throw new ArgumentException("a payload holds a 32-byte hash and a 64x64 thumbnail");
        var bytes = new byte[Size];
        Pdq.CopyTo(bytes, 0);
        Thumbnail.CopyTo(bytes, 32);
        var name = Encoding.UTF8.GetBytes(Name);
        int length = name.Length;
        if (length > MaxNameBytes)
        {
            length = MaxNameBytes;
            while (length > 0 && (name[length] & 0xC0) == 0x80)
                length--;
        }
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(32 + Thumbnail.Length), (ushort)length);
        name.AsSpan(0, length).CopyTo(bytes.AsSpan(34 + Thumbnail.Length));
        return bytes;
    }

    /// <summary>Reads the encoding; throws <see cref="InvalidDataException"/> when it is malformed.</summary>
    public static VoucherPayload Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size)
            throw new InvalidDataException($"a payload is {Size} bytes, not {bytes.Length}");
        int thumbnail = ThumbnailSide * ThumbnailSide;
        int length = BinaryPrimitives.ReadUInt16LittleEndian(bytes[(32 + thumbnail)..]);
        if (length > MaxNameBytes)
            throw new InvalidDataException("a payload's name is longer than its room");
        return new VoucherPayload(bytes[..32].ToArray(), bytes.Slice(32, thumbnail).ToArray(),
            Encoding.UTF8.GetString(bytes.Slice(34 + thumbnail, length)));
    }
}
