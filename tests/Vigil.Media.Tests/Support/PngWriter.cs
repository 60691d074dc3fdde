using System.Buffers.Binary;
using System.IO.Compression;

namespace Vigil.Media.Tests.Support;

/// <summary>
/// A minimal PNG encoder for generating test images in-process: any colour type and bit depth, filter 0, one
/// IDAT, optional PLTE/tRNS. Samples are given unpacked (one int per sample) and packed here.
/// </summary>
internal static class PngWriter
{
    public const int Grey = 0;
    public const int Rgb = 2;
    public const int Palette = 3;
    public const int GreyAlpha = 4;
    public const int Rgba = 6;

    public static int Channels(int colorType) => colorType switch
    {
        Grey or Palette => 1,
        GreyAlpha => 2,
        Rgb => 3,
        Rgba => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(colorType)),
    };

    /// <summary>Encodes <paramref name="samples"/> (width*height*channels values, row-major).</summary>
    public static byte[] Encode(int width, int height, int colorType, int bitDepth, int[] samples, byte[]? palette = null, byte[]? trns = null)
    {
        var channels = Channels(colorType);
        if (samples.Length != width * height * channels)
        {
            throw new ArgumentException("wrong sample count");
        }

        var rowBytes = ((width * channels * bitDepth) + 7) / 8;
        var raw = new byte[height * (rowBytes + 1)];
        for (var y = 0; y < height; y++)
        {
            var row = raw.AsSpan((y * (rowBytes + 1)) + 1, rowBytes);
            var bit = 0;
            for (var i = 0; i < width * channels; i++)
            {
                var v = samples[(y * width * channels) + i];
                if (bitDepth == 16)
                {
                    BinaryPrimitives.WriteUInt16BigEndian(row.Slice(i * 2, 2), (ushort)v);
                }
                else if (bitDepth == 8)
                {
                    row[i] = (byte)v;
                }
                else
                {
                    var shift = 8 - bitDepth - (bit % 8);
                    row[bit / 8] |= (byte)(v << shift);
                    bit += bitDepth;
                }
            }
        }

        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = (byte)bitDepth;
        ihdr[9] = (byte)colorType;
        WriteChunk(png, "IHDR", ihdr);
        if (palette is not null)
        {
            WriteChunk(png, "PLTE", palette);
        }

        if (trns is not null)
        {
            WriteChunk(png, "tRNS", trns);
        }

        WriteChunk(png, "IDAT", Deflate(raw));
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>A PNG whose IHDR claims the given size, with a tiny (invalid) image body: a decompression bomb header.</summary>
    public static byte[] HeaderOnly(int width, int height)
    {
        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8;
        ihdr[9] = Rgb;
        WriteChunk(png, "IHDR", ihdr);
        WriteChunk(png, "IDAT", Deflate(new byte[64]));
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    public static byte[] FromRgb(int width, int height, ReadOnlySpan<byte> rgb)
    {
        var samples = new int[rgb.Length];
        for (var i = 0; i < rgb.Length; i++)
        {
            samples[i] = rgb[i];
        }

        return Encode(width, height, Rgb, 8, samples);
    }

    private static byte[] Deflate(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var z = new ZLibStream(ms, CompressionLevel.Fastest, leaveOpen: true))
        {
            z.Write(data);
        }

        return ms.ToArray();
    }

    private static void WriteChunk(Stream s, string type, byte[] data)
    {
        Span<byte> len = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(len, data.Length);
        s.Write(len);
        var typeAndData = new byte[4 + data.Length];
        for (var i = 0; i < 4; i++)
        {
            typeAndData[i] = (byte)type[i];
        }

        data.CopyTo(typeAndData, 4);
        s.Write(typeAndData);
        BinaryPrimitives.WriteUInt32BigEndian(len, System.IO.Hashing.Crc32.HashToUInt32(typeAndData));
        s.Write(len);
    }
}
