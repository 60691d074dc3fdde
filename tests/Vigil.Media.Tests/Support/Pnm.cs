using System.Text;

namespace Vigil.Media.Tests.Support;

/// <summary>Reads binary PPM (P6) / PGM (P5) 8-bit images, as written by djpeg, into packed RGB.</summary>
internal static class Pnm
{
    public static (int Width, int Height, byte[] Rgb) ReadAsRgb(byte[] data)
    {
        var pos = 0;
        string Token()
        {
            while (pos < data.Length)
            {
                if (data[pos] == '#')
                {
                    while (pos < data.Length && data[pos] != '\n')
                    {
                        pos++;
                    }
                }
                else if (char.IsWhiteSpace((char)data[pos]))
                {
                    pos++;
                }
                else
                {
                    break;
                }
            }

            var start = pos;
            while (pos < data.Length && !char.IsWhiteSpace((char)data[pos]))
            {
                pos++;
            }

            return Encoding.ASCII.GetString(data, start, pos - start);
        }

        var magic = Token();
        var width = int.Parse(Token(), System.Globalization.CultureInfo.InvariantCulture);
        var height = int.Parse(Token(), System.Globalization.CultureInfo.InvariantCulture);
        var max = int.Parse(Token(), System.Globalization.CultureInfo.InvariantCulture);
        pos++; // the single whitespace after maxval
        if (max != 255)
        {
            throw new NotSupportedException("only 8-bit PNM");
        }

        var rgb = new byte[width * height * 3];
        if (magic == "P6")
        {
            Array.Copy(data, pos, rgb, 0, rgb.Length);
        }
        else if (magic == "P5")
        {
            for (var i = 0; i < width * height; i++)
            {
                rgb[3 * i] = rgb[(3 * i) + 1] = rgb[(3 * i) + 2] = data[pos + i];
            }
        }
        else
        {
            throw new NotSupportedException("PNM type " + magic);
        }

        return (width, height, rgb);
    }
}
