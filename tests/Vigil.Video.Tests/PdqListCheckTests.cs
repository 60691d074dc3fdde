using Vigil.Hashing.Pdq;
using Vigil.Video.Guard;

namespace Vigil.Video.Tests;

/// <summary><see cref="PdqListCheck"/>: a listed picture is a hit as itself and inside letterbox bars; an unlisted one is not.</summary>
public sealed class PdqListCheckTests
{
    private const int W = 320, H = 180;

    /// <summary>A smooth benign picture (three sine waves, one per channel).</summary>
    private static byte[] Picture(int seed, int width, int height)
    {
        var rgb = new byte[3 * width * height];
        var random = new Random(seed);
        double a = 1 + (random.NextDouble() * 5), b = 1 + (random.NextDouble() * 5), c = 1 + (random.NextDouble() * 5);
        for (int y = 0, o = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++, o += 3)
            {
                rgb[o] = (byte)(127 + (120 * Math.Sin((a * x / width * Math.PI) + b)));
                rgb[o + 1] = (byte)(127 + (120 * Math.Cos((b * y / height * Math.PI) + c)));
                rgb[o + 2] = (byte)(127 + (120 * Math.Sin(((c * x) + (a * y)) / width)));
            }
        }
        return rgb;
    }

    /// <summary>The picture squeezed to <paramref name="inner"/> rows (nearest row) between black bars, as a letterboxed copy.</summary>
    private static byte[] Letterboxed(byte[] picture, int inner)
    {
        var frame = new byte[3 * W * H];
        int top = (H - inner) / 2;
        for (int y = 0; y < inner; y++)
            picture.AsSpan(y * H / inner * W * 3, W * 3).CopyTo(frame.AsSpan((top + y) * W * 3));
        return frame;
    }

    [Fact]
    public void A_listed_picture_is_a_hit_as_itself_and_inside_bars_and_an_unlisted_one_is_not()
    {
        var hasher = new PdqHasher();
        byte[] known = Picture(7, W, H), other = Picture(8, W, H);
        var knownHash = hasher.HashRgb(known, W, H).Hash;
        byte[] barred = Letterboxed(known, 120);
        Assert.True(PdqHash.Distance(hasher.HashRgb(barred, W, H).Hash, knownHash) > 31, "the bars alone should hide it from plain PDQ");

        var check = new PdqListCheck([knownHash]);
        Assert.True(check.IsHit(known, W, H));
        Assert.Equal(0, check.LastHitDistance);
        Assert.True(check.IsHit(barred, W, H));
        Assert.InRange(check.LastHitDistance, 0, 31);
        Assert.False(check.IsHit(other, W, H));
        Assert.False(check.IsHit(Letterboxed(other, 120), W, H));
        Assert.False(check.IsHit(new byte[3 * W * H], W, H)); // black: no trusted hash

        var plain = new PdqListCheck([knownHash], trimBorders: false);
        Assert.True(plain.IsHit(known, W, H));
        Assert.False(plain.IsHit(barred, W, H));
    }
}
