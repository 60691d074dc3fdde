namespace Vigil.Media.Tests.Support;

/// <summary>
/// Writes single-frame GIFs for tests, with "uncompressed" LZW: every pixel is a literal code and a clear code
/// is sent often enough that the code size never grows, which any decoder must accept.
/// </summary>
internal static class GifWriter
{
    public sealed record Frame(int Left, int Top, int Width, int Height, byte[] Indices)
    {
        public int? Transparent { get; init; }

        public bool Interlaced { get; init; }

        public byte[]? LocalPalette { get; init; }
    }

    public static byte[] Encode(int screenWidth, int screenHeight, byte[]? globalPalette, Frame frame, int minCodeSize = 8)
    {
        var output = new List<byte>();
        output.AddRange("GIF89a"u8.ToArray());
        output.AddRange([(byte)screenWidth, (byte)(screenWidth >> 8), (byte)screenHeight, (byte)(screenHeight >> 8)]);
        output.Add(globalPalette is null ? (byte)0 : (byte)(0x80 | TableBits(globalPalette)));
        output.AddRange([0, 0]);
        if (globalPalette is not null)
        {
            output.AddRange(Pad(globalPalette));
        }

        if (frame.Transparent is { } t)
        {
            output.AddRange([0x21, 0xF9, 4, 1, 0, 0, (byte)t, 0]);
        }

        output.Add(0x2C);
        output.AddRange([(byte)frame.Left, (byte)(frame.Left >> 8), (byte)frame.Top, (byte)(frame.Top >> 8)]);
        output.AddRange([(byte)frame.Width, (byte)(frame.Width >> 8), (byte)frame.Height, (byte)(frame.Height >> 8)]);
        var flags = (frame.Interlaced ? 0x40 : 0) | (frame.LocalPalette is null ? 0 : 0x80 | TableBits(frame.LocalPalette));
        output.Add((byte)flags);
        if (frame.LocalPalette is not null)
        {
            output.AddRange(Pad(frame.LocalPalette));
        }

        output.Add((byte)minCodeSize);
        var order = frame.Interlaced ? InterlacedRows(frame.Height) : Enumerable.Range(0, frame.Height);
        var pixels = order.SelectMany(row => frame.Indices.Skip(row * frame.Width).Take(frame.Width)).ToArray();
        var lzw = Lzw(pixels, minCodeSize);
        for (var i = 0; i < lzw.Length; i += 255)
        {
            var n = Math.Min(255, lzw.Length - i);
            output.Add((byte)n);
            output.AddRange(lzw.Skip(i).Take(n));
        }

        output.Add(0);
        output.Add(0x3B);
        return output.ToArray();
    }

    private static IEnumerable<int> InterlacedRows(int height)
    {
        foreach (var (start, step) in new[] { (0, 8), (4, 8), (2, 4), (1, 2) })
        {
            for (var r = start; r < height; r += step)
            {
                yield return r;
            }
        }
    }

    private static int TableBits(byte[] palette)
    {
        var entries = palette.Length / 3;
        var bits = 0;
        while ((2 << bits) < entries)
        {
            bits++;
        }

        return bits;
    }

    private static byte[] Pad(byte[] palette)
    {
        var size = 3 * (2 << TableBits(palette));
        var padded = new byte[size];
        palette.CopyTo(padded, 0);
        return padded;
    }

    private static byte[] Lzw(byte[] pixels, int minCodeSize)
    {
        var clear = 1 << minCodeSize;
        var codeSize = minCodeSize + 1;
        var bytes = new List<byte>();
        int buffer = 0, bits = 0;
        void Emit(int code)
        {
            buffer |= code << bits;
            bits += codeSize;
            while (bits >= 8)
            {
                bytes.Add((byte)buffer);
                buffer >>= 8;
                bits -= 8;
            }
        }

        var sinceClear = 0;
        Emit(clear);
        foreach (var p in pixels)
        {
            if (sinceClear == clear - 2)
            {
                Emit(clear);
                sinceClear = 0;
            }

            Emit(p);
            sinceClear++;
        }

        Emit(clear + 1);
        if (bits > 0)
        {
            bytes.Add((byte)buffer);
        }

        return bytes.ToArray();
    }
}
