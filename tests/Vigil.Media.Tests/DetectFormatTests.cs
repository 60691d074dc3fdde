using FsCheck;
using FsCheck.Fluent;
using Vigil.Media.Tests.Support;

namespace Vigil.Media.Tests;

public sealed class DetectFormatTests
{
    public static TheoryData<byte[], ImageFormat> Magics() => new()
    {
        { [0xFF, 0xD8, 0xFF, 0xE0], ImageFormat.Jpeg },
        { [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13], ImageFormat.Png },
        { "GIF87a\x01\0"u8.ToArray(), ImageFormat.Gif },
        { "GIF89a\x01\0"u8.ToArray(), ImageFormat.Gif },
        { "RIFF\0\0\0\0WEBPVP8 "u8.ToArray(), ImageFormat.WebP },
        { "II*\0\x08\0\0\0"u8.ToArray(), ImageFormat.Tiff },
        { "MM\0*\0\0\0\x08"u8.ToArray(), ImageFormat.Tiff },
        { [.. "BM"u8, 0, 0, 0, 0, 0, 0, 0, 0, 54, 0, 0, 0, 40, 0, 0, 0], ImageFormat.Bmp },
        { [0, 0, 0, 0x18, .. "ftypheic"u8, 0, 0, 0, 0, .. "mif1heic"u8], ImageFormat.Heif },
        { [0, 0, 0, 0x18, .. "ftypmif1"u8, 0, 0, 0, 0, .. "mif1heic"u8], ImageFormat.Heif },
        { [0, 0, 0, 0x1C, .. "ftypavif"u8, 0, 0, 0, 0, .. "avifmif1miaf"u8], ImageFormat.Avif },
        { [0, 0, 0, 0x18, .. "ftypmif1"u8, 0, 0, 0, 0, .. "mif1avif"u8], ImageFormat.Avif },
        { [0, 0, 0, 0x18, .. "ftypmp42"u8, 0, 0, 0, 0, .. "isommp42"u8], ImageFormat.Unknown },
        { "BMW is a car"u8.ToArray(), ImageFormat.Unknown },
        { "<svg xmlns="u8.ToArray(), ImageFormat.Unknown },
        { [], ImageFormat.Unknown },
        { [0xFF], ImageFormat.Unknown },
        { [0xFF, 0xD8], ImageFormat.Unknown },
    };

    [Theory]
    [MemberData(nameof(Magics))]
    public void RecognisesMagicBytes(byte[] header, ImageFormat expected) =>
        Assert.Equal(expected, ImageDecoder.DetectFormat(header));

    [Theory]
    [InlineData(Fixtures.BridgeJpeg, ImageFormat.Jpeg)]
    [InlineData(Fixtures.CmykJpeg, ImageFormat.Jpeg)]
    [InlineData(Fixtures.RgbaPng, ImageFormat.Png)]
    [InlineData(Fixtures.WebpF, ImageFormat.WebP)]
    public void RecognisesFixtures(string fixture, ImageFormat expected) =>
        Assert.Equal(expected, ImageDecoder.DetectFormat(Fixtures.Read(fixture).AsSpan(0, 64)));

    [Fact]
    public void CoreFormatsAreSupportedHere()
    {
        ImageDecoder.EnsureNativeLibraries();
        foreach (var format in new[] { ImageFormat.Jpeg, ImageFormat.Png, ImageFormat.Gif, ImageFormat.WebP, ImageFormat.Tiff })
        {
            Assert.True(ImageDecoder.IsFormatSupported(format), format.ToString());
        }

        Assert.False(ImageDecoder.IsFormatSupported(ImageFormat.Unknown));
    }

    [Fact]
    public void DetectFormatNeverThrows()
    {
        Prop.ForAll<byte[]>(bytes => Enum.IsDefined(ImageDecoder.DetectFormat(bytes ?? []))).QuickCheckThrowOnFailure();
    }

    /// <summary>Arbitrary bytes behind each magic number: only ImageDecodeException, or a valid image.</summary>
    [Fact]
    public void ArbitraryBytesAfterAMagicNumberOnlyFailWithImageDecodeException()
    {
        byte[][] magics =
        [
            [0xFF, 0xD8, 0xFF],
            [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A],
            "GIF89a"u8.ToArray(),
            [.. "RIFF"u8, 0xFF, 0xFF, 0, 0, .. "WEBP"u8],
            "II*\0"u8.ToArray(),
            "MM\0*"u8.ToArray(),
            [.. "BM"u8, 0, 1, 0, 0, 0, 0, 0, 0, 54, 0, 0, 0, 40, 0, 0, 0],
            [0, 0, 0, 0x18, .. "ftypheic"u8, 0, 0, 0, 0, .. "mif1heic"u8],
        ];
        using var decoder = new ImageDecoder(new DecodeOptions { MaxPixels = 1_000_000 });
        var config = Config.QuickThrowOnFailure.WithMaxTest(300);
        Prop.ForAll<byte[], int>((tail, which) =>
        {
            byte[] data = [.. magics[Math.Abs(which % magics.Length)], .. tail ?? []];
            try
            {
                decoder.Decode(data).Dispose();
            }
            catch (ImageDecodeException e)
            {
                return !string.IsNullOrEmpty(e.Message);
            }

            return true;
        }).Check(config);
    }
}
