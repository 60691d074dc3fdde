using Vigil.Media.Processing;

namespace Vigil.Video.Tests;

/// <summary>
/// <see cref="BorderVote"/>, <see cref="BorderConsensus"/> and <see cref="BorderWindow"/> on generated frames: random
/// bar sizes and colours around random pictures, with black frames mixed in.
/// </summary>
public sealed class BorderConsensusTests
{
    /// <summary>A frame of random 8x8 blocks (levels 40..215) inside bars of <paramref name="bar"/> colour.</summary>
    private static byte[] Frame(Random random, int width, int height, PixelRect picture, byte bar)
    {
        var rgb = new byte[width * height * 3];
        rgb.AsSpan().Fill(bar);
        int blocksX = (picture.Width + 7) / 8, blocksY = (picture.Height + 7) / 8;
        var colours = new byte[blocksX * blocksY * 3];
        for (int i = 0; i < colours.Length; i++)
            colours[i] = (byte)random.Next(40, 216);
        for (int y = picture.Y; y < picture.Bottom; y++)
        {
            for (int x = picture.X; x < picture.Right; x++)
            {
                int block = ((y - picture.Y) / 8 * blocksX + (x - picture.X) / 8) * 3;
                int offset = (y * width + x) * 3;
                rgb[offset] = colours[block];
                rgb[offset + 1] = colours[block + 1];
                rgb[offset + 2] = colours[block + 2];
            }
        }
        return rgb;
    }

    private static BorderVote Vote(byte[] rgb, int width, int height) => BorderVote.Of(rgb, width, height);

    [Fact]
    public void Random_bars_are_found_within_two_pixels_whatever_black_frames_are_mixed_in()
    {
        var random = new Random(18);
        for (int run = 0; run < 60; run++)
        {
            int width = random.Next(160, 481), height = random.Next(120, 361);
            // Each side: no bar, or one of 4% to 20% of the frame.
            int Bar(int depth) => random.Next(3) == 0 ? 0 : random.Next(depth / 25, depth / 5 + 1);
            int top = Bar(height), bottom = Bar(height), left = Bar(width), right = Bar(width);
            var picture = new PixelRect(left, top, width - left - right, height - top - bottom);
            bool barred = top + bottom + left + right > 0;
            byte colour = (byte)random.Next(0, 17);
            var votes = new List<BorderVote>();
            int framed = random.Next(2, 8), black = random.Next(0, framed + 4);
            for (int i = 0; i < framed; i++)
                votes.Add(Vote(Frame(random, width, height, picture, colour), width, height));
            for (int i = 0; i < black; i++)
                votes.Insert(random.Next(votes.Count + 1), Vote(new byte[width * height * 3], width, height));

            var found = BorderConsensus.Find(votes.ToArray(), width, height);
            string what = $"run {run}: {width}x{height}, picture {picture}, bar colour {colour}, {framed} framed and {black} black frames: found {found}";
            if (!barred)
            {
                Assert.True(found is null, what);
                continue;
            }
            Assert.True(found is { } f
                && Math.Abs(f.X - picture.X) <= 2 && Math.Abs(f.Y - picture.Y) <= 2
                && Math.Abs(f.Right - picture.Right) <= 2 && Math.Abs(f.Bottom - picture.Bottom) <= 2, what);
        }
    }

    [Fact]
    public void A_black_frame_abstains_and_a_full_picture_votes_against_bars()
    {
        var random = new Random(1);
        var picture = new PixelRect(0, 40, 320, 160);
        var barred = Vote(Frame(random, 320, 240, picture, 0), 320, 240);
        var full = Vote(Frame(random, 320, 240, new PixelRect(0, 0, 320, 240), 0), 320, 240);
        var black = Vote(new byte[320 * 240 * 3], 320, 240);
        Assert.Equal((BorderVoteKind.Border, picture), (barred.Kind, barred.Rectangle));
        Assert.Equal(BorderVoteKind.NoBorder, full.Kind);
        Assert.Equal(BorderVoteKind.Abstain, black.Kind);

        Assert.Equal(picture, BorderConsensus.Find([barred, black, black, black], 320, 240));
        Assert.Equal(picture, BorderConsensus.Find([barred, barred, full], 320, 240));
        // One frame that happens to look barred does not trim a video without bars; a tie trims nothing.
        Assert.Null(BorderConsensus.Find([full, barred, full, full], 320, 240));
        Assert.Null(BorderConsensus.Find([barred, full], 320, 240));
        Assert.Null(BorderConsensus.Find([black, black], 320, 240));
        Assert.Null(BorderConsensus.Find([], 320, 240));
        // Votes of frames of another size do not count.
        Assert.Null(BorderConsensus.Find([barred, barred], 640, 480));
    }

    [Fact]
    public void A_window_follows_the_stream_and_forgets_votes_older_than_its_size()
    {
        var random = new Random(2);
        var letterbox = new PixelRect(0, 30, 320, 180);
        var pillarbox = new PixelRect(40, 0, 240, 240);
        var window = new BorderWindow(4);
        Assert.Equal(letterbox, window.Add(Vote(Frame(random, 320, 240, letterbox, 0), 320, 240)));
        Assert.Equal(letterbox, window.Add(Vote(new byte[320 * 240 * 3], 320, 240)));
        Assert.Equal(letterbox, window.Add(Vote(Frame(random, 320, 240, letterbox, 0), 320, 240)));
        // The bars change: two of four recent frames are not a majority over the two letterboxed ones...
        window.Add(Vote(Frame(random, 320, 240, pillarbox, 0), 320, 240));
        var tie = window.Add(Vote(Frame(random, 320, 240, pillarbox, 0), 320, 240));
        Assert.True(tie == letterbox || tie == pillarbox);
        // ...and once the letterboxed frames have left the window, the new bars are the rectangle.
        window.Add(Vote(Frame(random, 320, 240, pillarbox, 0), 320, 240));
        Assert.Equal(pillarbox, window.Add(Vote(Frame(random, 320, 240, pillarbox, 0), 320, 240)));
        // Another frame size (a reconnect at another resolution) starts afresh.
        Assert.Null(window.Add(Vote(Frame(random, 640, 480, new PixelRect(0, 0, 640, 480), 0), 640, 480)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BorderWindow(0));
    }

    [Fact]
    public void Crops_copy_the_rectangle_row_by_row_and_bad_rectangles_are_refused()
    {
        var rgb = new byte[4 * 3 * 3];
        for (int i = 0; i < rgb.Length; i++)
            rgb[i] = (byte)i;
        var crop = new byte[2 * 2 * 3];
        Assert.Equal(12, FrameCrop.Copy(rgb, 4, new PixelRect(1, 1, 2, 2), crop));
        Assert.Equal([15, 16, 17, 18, 19, 20, 27, 28, 29, 30, 31, 32], crop);
        Assert.Throws<ArgumentException>(() => FrameCrop.Copy(rgb, 4, new PixelRect(3, 0, 2, 2), crop));
        Assert.Throws<ArgumentException>(() => FrameCrop.Copy(rgb, 4, new PixelRect(0, 0, 0, 2), crop));
        Assert.Throws<ArgumentException>(() => FrameCrop.Copy(rgb, 4, new PixelRect(0, 0, 4, 3), crop));
        Assert.Throws<ArgumentException>(() => BorderVote.Of(rgb, 5, 3));
    }
}
