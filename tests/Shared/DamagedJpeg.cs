using System.Buffers.Binary;

namespace Vigil.Testing;

/// <summary>
/// Damages a JPEG the way a bad disk or a bit-flipping transfer does: bytes in the middle of the first scan's
/// entropy-coded data are overwritten, while every marker (and every stuffed FF 00) is left intact, so the file
/// still parses and still ends with its EOI marker. libjpeg decodes such a file with a "Corrupt JPEG data" warning.
/// </summary>
internal static class DamagedJpeg
{
    public static byte[] CorruptEntropyData(byte[] jpeg, int count = 48, int seed = 7)
    {
        var scanStart = ScanDataStart(jpeg);
        var end = jpeg.AsSpan(scanStart).IndexOf([(byte)0xFF, (byte)0xD9]);
        if (end < 0)
            throw new ArgumentException("no EOI after the scan", nameof(jpeg));
        var damaged = (byte[])jpeg.Clone();
        var random = new Random(seed);
        int at = scanStart + end / 3, changed = 0;
        for (int i = at; changed < count && i < scanStart + end - 2; i++)
        {
            // Never write FF (it would start a marker) and never touch an FF or the byte after one (a marker
            // code or the 00 of a stuffed FF).
            if (damaged[i] == 0xFF || damaged[i - 1] == 0xFF)
                continue;
            byte value;
            do
                value = (byte)random.Next(256);
            while (value == 0xFF || value == damaged[i]);
            damaged[i] = value;
            changed++;
        }
        return damaged;
    }

    /// <summary>The offset of the first byte after the first SOS segment.</summary>
    public static int ScanDataStart(byte[] jpeg)
    {
        int pos = 2;
        while (pos + 4 <= jpeg.Length)
        {
            int length = BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(pos + 2));
            if (jpeg[pos + 1] == 0xDA)
                return pos + 2 + length;
            pos += 2 + length;
        }
        throw new ArgumentException("no SOS marker", nameof(jpeg));
    }
}
