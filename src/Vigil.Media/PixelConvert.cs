using System.Runtime.CompilerServices;

namespace Vigil.Media;

/// <summary>
/// Conversions to 8-bit RGB that reproduce Pillow's <c>Image.convert("RGB")</c> (libImaging/Convert.c).
/// </summary>
internal static class PixelConvert
{
    /// <summary>Pillow's MULDIV255: a*b/255 rounded, as <c>tmp = a*b + 128; ((tmp >> 8) + tmp) >> 8</c>.</summary>
    internal static int MulDiv255(int a, int b)
    {
        var tmp = (a * b) + 128;
        return ((tmp >> 8) + tmp) >> 8;
    }

    /// <summary>Pillow's cmyk2rgb per channel, tabulated: [k * 256 + c] = clip(nk - MULDIV255(c, nk)), nk = 255 - k.</summary>
    private static readonly Lazy<byte[]> s_cmykTable = new(() => BuildTable(inverted: false));

    /// <summary>The same for raw inverted (Adobe) values: [K * 256 + C] with c = 255 - C, k = 255 - K.</summary>
    private static readonly Lazy<byte[]> s_invertedCmykTable = new(() => BuildTable(inverted: true));

    private static byte[] BuildTable(bool inverted)
    {
        var table = new byte[256 * 256];
        for (var k = 0; k < 256; k++)
        {
            for (var c = 0; c < 256; c++)
            {
                var nk = inverted ? k : 255 - k;
                var ink = inverted ? 255 - c : c;
                table[(k * 256) + c] = (byte)Math.Max(0, nk - MulDiv255(ink, nk));
            }
        }

        return table;
    }

    /// <summary>
    /// Pillow's cmyk2rgb: with nk = 255 - k, r = clip(nk - MULDIV255(c, nk)), likewise g from m and b from y.
    /// <paramref name="cmyk"/> holds plain ink amounts (0 = no ink), as in a CMYK TIFF, <paramref name="srcStride"/>
    /// bytes per pixel (4, or 5 with alpha).
    /// </summary>
    internal static void CmykToRgb(ReadOnlySpan<byte> cmyk, int srcStride, Span<byte> rgb) =>
        ApplyCmykTable(s_cmykTable.Value, cmyk, srcStride, rgb);

    /// <summary>
    /// CMYK from a JPEG decoder. TurboJPEG's TJPF_CMYK output is the raw component values, which in Adobe-style CMYK
    /// JPEGs (as Photoshop and Pillow write them) are inverted: 255 = no ink. Pillow reads every 4-component JPEG as
    /// "CMYK;I" (inverting each value) and then applies cmyk2rgb; with the raw values C, M, Y, K that is
    /// r = K - MULDIV255(255 - C, K).
    /// </summary>
    internal static void InvertedCmykToRgb(ReadOnlySpan<byte> cmyk, Span<byte> rgb) =>
        ApplyCmykTable(s_invertedCmykTable.Value, cmyk, 4, rgb);

    /// <summary>
    /// python-threatexchange's reading of a CMYK JPEG: Pillow's CMYK array (the raw Adobe values inverted, 255 - v)
    /// with its C, M and Y channels taken as R, G and B, and K dropped.
    /// </summary>
    internal static void InvertedCmykAsRgb(ReadOnlySpan<byte> cmyk, Span<byte> rgb)
    {
        var count = rgb.Length / 3;
        if (cmyk.Length < count * 4)
        {
            throw new ArgumentException("not enough CMYK data", nameof(cmyk));
        }

        for (int i = 0, s = 0, d = 0; i < count; i++, s += 4, d += 3)
        {
            rgb[d] = (byte)(255 - cmyk[s]);
            rgb[d + 1] = (byte)(255 - cmyk[s + 1]);
            rgb[d + 2] = (byte)(255 - cmyk[s + 2]);
        }
    }

    private static void ApplyCmykTable(byte[] table, ReadOnlySpan<byte> cmyk, int stride, Span<byte> rgb)
    {
        var count = rgb.Length / 3;
        if (cmyk.Length < count * stride)
        {
            throw new ArgumentException("not enough CMYK data", nameof(cmyk));
        }

        ref var t = ref table[0];
        for (int i = 0, s = 0, d = 0; i < count; i++, s += stride, d += 3)
        {
            var row = cmyk[s + 3] << 8;
            rgb[d] = Unsafe.Add(ref t, row + cmyk[s]);
            rgb[d + 1] = Unsafe.Add(ref t, row + cmyk[s + 1]);
            rgb[d + 2] = Unsafe.Add(ref t, row + cmyk[s + 2]);
        }
    }

    /// <summary>Copies 8-bit pixels with <paramref name="bands"/> bands to RGB: 1 or 2 bands (grey, grey+alpha) become
    /// R = G = B; with 3 or more bands the first three are taken (alpha dropped, not composited).</summary>
    internal static void Bands8ToRgb(ReadOnlySpan<byte> src, int bands, Span<byte> rgb)
    {
        var count = rgb.Length / 3;
        if (bands == 3)
        {
            src[..rgb.Length].CopyTo(rgb);
            return;
        }

        if (bands <= 2)
        {
            for (int i = 0, s = 0, d = 0; i < count; i++, s += bands, d += 3)
            {
                var v = src[s];
                rgb[d] = v;
                rgb[d + 1] = v;
                rgb[d + 2] = v;
            }

            return;
        }

        for (int i = 0, s = 0, d = 0; i < count; i++, s += bands, d += 3)
        {
            rgb[d] = src[s];
            rgb[d + 1] = src[s + 1];
            rgb[d + 2] = src[s + 2];
        }
    }

    /// <summary>
    /// 16-bit (native-endian) samples to RGB. Pillow opens 16-bit greyscale without alpha as mode "I;16"/"I", whose
    /// conversion to RGB clips each value to 0..255 (<paramref name="clip"/> = true); every other 16-bit image
    /// (RGB, RGBA, grey+alpha) is read with a ";16B" raw mode that keeps the high byte (value >> 8).
    /// </summary>
    internal static void Bands16ToRgb(ReadOnlySpan<ushort> src, int bands, bool clip, Span<byte> rgb)
    {
        var count = rgb.Length / 3;
        for (int i = 0, s = 0, d = 0; i < count; i++, s += bands, d += 3)
        {
            if (bands <= 2)
            {
                var v = To8(src[s], clip);
                rgb[d] = v;
                rgb[d + 1] = v;
                rgb[d + 2] = v;
            }
            else
            {
                rgb[d] = To8(src[s], clip);
                rgb[d + 1] = To8(src[s + 1], clip);
                rgb[d + 2] = To8(src[s + 2], clip);
            }
        }
    }

    private static byte To8(ushort v, bool clip) => clip ? (byte)Math.Min(v, (ushort)255) : (byte)(v >> 8);
}
