using System.Security.Cryptography;
using Vigil.Media;
using Vigil.Media.Encoders;
using Vigil.Review.Evidence;
using Vigil.Review.Wellness;
using Vigil.Storage;

namespace Vigil.Review.Ui.Tests;

/// <summary>An evidence vault for tests: AES-256-GCM under a fresh data key per item, wrapped by a master key held in memory.</summary>
internal sealed class TestVault : IMediaVault
{
    private readonly byte[] _master = RandomNumberGenerator.GetBytes(32);

    public SealedMedia Seal(ReadOnlySpan<byte> plaintext, string contentType)
    {
        byte[] dataKey = RandomNumberGenerator.GetBytes(32);
        var (wrapNonce, wrapped) = Encrypt(_master, dataKey);
        var (nonce, ciphertext) = Encrypt(dataKey, plaintext);
        return new SealedMedia(contentType, plaintext.Length, "test", [.. wrapNonce, .. wrapped], nonce, ciphertext);
    }

    public byte[] Open(SealedMedia media)
    {
        byte[] dataKey = Decrypt(_master, media.WrappedKey.AsSpan(0, 12), media.WrappedKey.AsSpan(12));
        return Decrypt(dataKey, media.Nonce, media.Ciphertext);
    }

    private static (byte[] Nonce, byte[] CiphertextAndTag) Encrypt(byte[] key, ReadOnlySpan<byte> plaintext)
    {
        byte[] nonce = RandomNumberGenerator.GetBytes(12);
        byte[] output = new byte[plaintext.Length + 16];
        using var aes = new AesGcm(key, 16);
        aes.Encrypt(nonce, plaintext, output.AsSpan(0, plaintext.Length), output.AsSpan(plaintext.Length));
        return (nonce, output);
    }

    private static byte[] Decrypt(byte[] key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertextAndTag)
    {
        byte[] plaintext = new byte[ciphertextAndTag.Length - 16];
        using var aes = new AesGcm(key, 16);
        aes.Decrypt(nonce, ciphertextAndTag[..^16], ciphertextAndTag[^16..], plaintext);
        return plaintext;
    }
}

/// <summary>
/// Derivatives for tests: the image decoded, shrunk to a coarse grid of block averages (which is a
/// heavy blur), in greyscale, as PNG. The real derivative maker is the vault's; this one only has to
/// be plainly not the clear image.
/// </summary>
internal sealed class TestDerivatives : IReviewDerivatives
{
    public byte[] Derive(byte[] media, string contentType, DerivativeSettings settings)
    {
        using var decoder = new ImageDecoder();
        RgbImage image;
        try
        {
            image = decoder.Decode(media);
        }
        catch (ImageDecodeException e)
        {
            throw new InvalidDataException("not an image", e);
        }
        using (image)
        {
            int block = Math.Max(1, Math.Max(image.Width, image.Height) / 24);
            int width = (image.Width + block - 1) / block, height = (image.Height + block - 1) / block;
            var grey = new byte[width * height];
            var pixels = image.Pixels;
            for (int by = 0; by < height; by++)
            {
                for (int bx = 0; bx < width; bx++)
                {
                    long sum = 0;
                    int count = 0;
                    for (int y = by * block; y < Math.Min(image.Height, (by + 1) * block); y++)
                    {
                        for (int x = bx * block; x < Math.Min(image.Width, (bx + 1) * block); x++)
                        {
                            int i = (y * image.Width + x) * 3;
                            sum += (pixels[i] * 299 + pixels[i + 1] * 587 + pixels[i + 2] * 114) / 1000;
                            count++;
                        }
                    }
                    grey[by * width + bx] = (byte)(sum / count);
                }
            }
            return GrayPngEncoder.Encode(grey, width, height);
        }
    }
}
