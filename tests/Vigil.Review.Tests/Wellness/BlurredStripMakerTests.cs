using System.Diagnostics;
using Vigil.Media;
using Vigil.Media.Video;
using Vigil.Review.Wellness;
using static Vigil.Review.Tests.Wellness.WellnessTestSupport;

namespace Vigil.Review.Tests.Wellness;

/// <summary>Blurred strips of the benign fixture videos (and of tiny generated test patterns), made from memory.</summary>
public sealed class BlurredStripMakerTests : IDisposable
{
    private readonly ImageDecoder _decoder = new();

    public void Dispose() => _decoder.Dispose();

    /// <summary>A generated test pattern video (ffmpeg's testsrc), as MPEG-TS bytes from ffmpeg's stdout: never a file.</summary>
    private static byte[] TestPattern(int frames)
    {
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=64x48:rate=10", "-frames:v", frames.ToString(System.Globalization.CultureInfo.InvariantCulture), "-c:v", "mpeg4", "-f", "mpegts", "pipe:1" })
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        using var bytes = new MemoryStream();
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.BaseStream.CopyTo(bytes);
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, stderr.Result);
        return bytes.ToArray();
    }

    private void AssertStripImage(BlurredVideoStrip strip, int tiles)
    {
        Assert.True(IsPng(strip.Png));
        Assert.Equal(tiles, strip.TileCount);
        Assert.Equal(tiles, strip.FrameNumbers.Count);
        Assert.Equal(strip.TileWidth * tiles, strip.Width);
        using var image = _decoder.Decode(strip.Png);
        Assert.Equal((strip.Width, strip.Height), (image.Width, image.Height));
        Assert.True(strip.FrameNumbers.Zip(strip.FrameNumbers.Skip(1)).All(p => p.First < p.Second), "frames are not in time order");
        if (strip.Greyscale)
        {
            var rgb = image.Pixels;
            for (int i = 0; i < rgb.Length; i += 3)
                Assert.True(rgb[i] == rgb[i + 1] && rgb[i + 1] == rgb[i + 2], $"pixel {i / 3} is not grey");
        }
    }

    [Theory]
    [InlineData("doorknob-hd-no-bar.mp4", 120, 240, 135)]
    [InlineData("test-padded-dimensions.mp4", 150, 240, 240)]
    public async Task A_fixture_video_gives_six_blurred_grey_tiles_spread_over_it(string name, int frames, int tileWidth, int tileHeight)
    {
        var video = await File.ReadAllBytesAsync(Video(name));
        var strip = await BlurredStripMaker.MakeAsync(video);
        AssertStripImage(strip, VideoStripOptions.DefaultFrameCount);
        Assert.Equal((tileWidth, tileHeight), (strip.TileWidth, strip.Height));
        Assert.True(strip.Greyscale);
        Assert.Equal(0, strip.FrameNumbers[0]);
        Assert.True(strip.FrameNumbers[^1] >= frames * 3 / 4, $"last tile is frame {strip.FrameNumbers[^1]} of {frames}");
    }

    [Fact]
    public async Task Each_tile_is_blurred()
    {
        var video = await File.ReadAllBytesAsync(Video("doorknob-hd-no-bar.mp4"));
        var strip = await BlurredStripMaker.MakeAsync(video, VideoStripOptions.Default with { FrameCount = 1 });
        var sharp = await BlurredStripMaker.MakeAsync(video, VideoStripOptions.Default with { FrameCount = 1, Blur = VideoStripOptions.Default.Blur with { Radius = BlurOptions.MinimumRadius } });
        using var blurred = _decoder.Decode(strip.Png);
        using var lighter = _decoder.Decode(sharp.Png);
        Assert.True(LaplacianEnergy(Grey(blurred), strip.Width, strip.Height) < LaplacianEnergy(Grey(lighter), sharp.Width, sharp.Height));
    }

    [Fact]
    public async Task Frame_count_and_colour_are_options()
    {
        var video = await File.ReadAllBytesAsync(Video("doorknob-hd-no-bar.mp4"));
        var options = new VideoStripOptions { FrameCount = 3, Blur = new BlurOptions { Greyscale = false, MaxSide = 100, Radius = 6 } };
        var strip = await BlurredStripMaker.MakeAsync(video, options);
        AssertStripImage(strip, 3);
        Assert.False(strip.Greyscale);
        Assert.Equal(2, strip.Png[25]); // truecolour PNG
        Assert.Equal((100, 56), (strip.TileWidth, strip.Height));
        Assert.Equal([0L, 64L, 112L], strip.FrameNumbers); // even steps of the kept frames (every 16th of 120)
    }

    [Fact]
    public async Task A_video_with_fewer_frames_than_asked_shows_all_it_has()
    {
        var strip = await BlurredStripMaker.MakeAsync(TestPattern(3));
        AssertStripImage(strip, 3);
        Assert.Equal([0L, 1L, 2L], strip.FrameNumbers);
        Assert.Equal((64, 48), (strip.TileWidth, strip.Height));
    }

    [Fact]
    public async Task An_mp4_indexed_at_its_end_as_cameras_write_them_gives_a_strip()
    {
        // A generated test pattern, 4 s at 25 fps, with ffmpeg's default layout: media data first, index last.
        using var dir = new Vigil.Testing.TempDirectory();
        string path = dir.File("pattern.mp4");
        Vigil.Testing.FfmpegTool.Run("-f", "lavfi", "-i", "testsrc=size=320x240:rate=25:duration=4", "-c:v", "mpeg4", "-q:v", "2", "-pix_fmt", "yuv420p", path);
        var strip = await BlurredStripMaker.MakeAsync(await File.ReadAllBytesAsync(path));
        AssertStripImage(strip, 6);
        Assert.Equal(0, strip.FrameNumbers[0]);
        Assert.True(strip.FrameNumbers[^1] >= 75, $"last tile is frame {strip.FrameNumbers[^1]} of 100");
    }

    [Fact]
    public async Task Bytes_that_are_not_a_video_give_the_typed_exception()
    {
        var junk = new byte[20_000];
        new Random(3).NextBytes(junk);
        foreach (var bad in new[] { junk, "not a video at all"u8.ToArray(), Array.Empty<byte>() })
        {
            var e = await Assert.ThrowsAsync<UndecodableMediaException>(() => BlurredStripMaker.MakeAsync(bad));
            Assert.Equal(DerivativeMediaKind.Video, e.Kind);
            Assert.StartsWith("cannot make a blurred strip: ", e.Message);
        }
    }

    [Fact]
    public async Task Truncated_or_damaged_videos_give_a_strip_or_the_typed_exception_never_another()
    {
        var video = await File.ReadAllBytesAsync(Video("doorknob-hd-no-bar.mp4"));
        var random = new Random(15);
        int typed = 0;
        for (int n = 0; n < 12; n++)
        {
            byte[] bytes = video[..random.Next(0, video.Length)];
            if (n % 2 == 1)
                for (int i = 0; i < 30; i++)
                    bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            try
            {
                var strip = await BlurredStripMaker.MakeAsync(bytes, VideoStripOptions.Default with { FrameCount = 2 });
                Assert.True(strip.TileCount >= 1);
            }
            catch (UndecodableMediaException e)
            {
                Assert.IsAssignableFrom<VideoDecodeException>(e.InnerException);
                typed++;
            }
        }
        Assert.True(typed > 0);
    }

    [Fact]
    public async Task Cancelling_stops_the_work()
    {
        var video = await File.ReadAllBytesAsync(Video("doorknob-hd-no-bar.mp4"));
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => BlurredStripMaker.MakeAsync(video, null, cancel.Token));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(33)]
    public async Task A_frame_count_outside_the_range_is_refused(int frames)
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => BlurredStripMaker.MakeAsync(new byte[10], VideoStripOptions.Default with { FrameCount = frames }));
    }

    [Fact]
    public async Task A_blur_weaker_than_the_minimum_is_refused_for_strips_too()
    {
        var options = VideoStripOptions.Default with { Blur = VideoStripOptions.Default.Blur with { Radius = 2 } };
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => BlurredStripMaker.MakeAsync(new byte[10], options));
    }

    [Theory]
    [InlineData(1, 6)]
    [InlineData(5, 6)]
    [InlineData(12, 6)]
    [InlineData(13, 6)]
    [InlineData(1000, 6)]
    [InlineData(100_000, 6)]
    [InlineData(7, 1)]
    public void The_sampler_keeps_a_bounded_evenly_spaced_set_and_the_strip_spans_it(int frames, int wanted)
    {
        var rgb = new byte[8 * 4 * 3];
        using var sampler = new BlurredStripMaker.FrameSampler(4 * wanted, 240);
        for (int i = 0; i < frames; i++)
            sampler.Offer(new VideoFrame(i, 30, 8, 4, rgb));
        Assert.InRange(sampler.Count, Math.Min(frames, 2 * wanted), 4 * wanted);
        var numbers = Enumerable.Range(0, sampler.Count).Select(sampler.FrameNumber).ToArray();
        long step = numbers.Length > 1 ? numbers[1] - numbers[0] : 1;
        Assert.All(numbers.Select((n, i) => (n, i)), p => Assert.Equal(p.i * step, p.n));
        // The last kept frame is within one step of the video's end.
        Assert.True(numbers[^1] + step > frames - 1, $"last kept {numbers[^1]} of {frames}, step {step}");

        var chosen = BlurredStripMaker.Choose(sampler.Count, wanted);
        Assert.Equal(Math.Min(wanted, sampler.Count), chosen.Length);
        if (wanted > 1 && sampler.Count > 1)
            Assert.Equal((0, sampler.Count - 1), (chosen[0], chosen[^1]));
    }
}
