using Vigil.Media;
using Vigil.Privacy.Psi;

namespace Vigil.Cli.Psi;

/// <summary>The small visual derivative a revealed voucher shows a reviewer: 64x64 greyscale, box-averaged.</summary>
internal static class VisualDerivative
{
    public static byte[] From(RgbImage image)
    {
        const int side = VoucherPayload.ThumbnailSide;
        var result = new byte[side * side];
        var pixels = image.Pixels;
        int width = image.Width, height = image.Height;
        for (int oy = 0; oy < side; oy++)
        {
            int y0 = oy * height / side, y1 = Math.Max(y0 + 1, (oy + 1) * height / side);
            for (int ox = 0; ox < side; ox++)
            {
                int x0 = ox * width / side, x1 = Math.Max(x0 + 1, (ox + 1) * width / side);
                double sum = 0;
                for (int y = y0; y < y1 && y < height; y++)
                {
                    var row = pixels.Slice(y * width * 3, width * 3);
                    for (int x = x0; x < x1 && x < width; x++)
                        sum += 0.299 * row[3 * x] + 0.587 * row[3 * x + 1] + 0.114 * row[3 * x + 2];
                }
                int count = (Math.Min(y1, height) - y0) * (Math.Min(x1, width) - x0);
                result[oy * side + ox] = (byte)Math.Clamp((int)Math.Round(sum / Math.Max(1, count)), 0, 255);
            }
        }
        return result;
    }
}
