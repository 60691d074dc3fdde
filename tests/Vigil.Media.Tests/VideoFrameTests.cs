using Vigil.Media.Video;
using Vigil.Testing;

namespace Vigil.Media.Tests;

/// <summary>Frames from ffmpeg: counts, numbers, timestamps, size and pixels, sampling, live-style inputs.</summary>
public sealed class VideoFrameTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static async Task<List<(long Number, double Time, int Width, int Height, int Bytes, double MeanRed)>> ReadAll(string input, VideoReadOptions options)
    {
        var frames = new List<(long, double, int, int, int, double)>();
        await foreach (var frame in FfmpegVideo.ReadFramesAsync(input, options, CancellationToken.None))
        {
            long red = 0;
            var span = frame.Rgb.Span;
            for (int i = 0; i < span.Length; i += 3)
                red += span[i];
            frames.Add((frame.FrameNumber, frame.TimestampSeconds, frame.Width, frame.Height, span.Length, red / (span.Length / 3.0)));
        }
        return frames;
    }

    [Fact]
    public async Task Probe_reports_size_rate_and_duration()
    {
        string video = VideoTestSupport.TestSource(_temp.File("a.mp4"), fps: 10, seconds: 2);
        var info = await FfmpegVideo.ProbeAsync(video, CancellationToken.None);
        Assert.Equal(64, info.Width);
        Assert.Equal(48, info.Height);
        Assert.Equal(10, info.FramesPerSecond, 6);
        Assert.Equal(2, info.DurationSeconds, 1);
    }

    [Fact]
    public async Task Every_frame_comes_out_numbered_and_timed()
    {
        string video = VideoTestSupport.TestSource(_temp.File("a.mp4"), fps: 10, seconds: 2);
        var frames = await ReadAll(video, new VideoReadOptions());
        Assert.Equal(20, frames.Count);
        for (int i = 0; i < frames.Count; i++)
        {
            Assert.Equal(i, frames[i].Number);
            Assert.Equal(i / 10.0, frames[i].Time, 9);
            Assert.Equal((64, 48, 64 * 48 * 3), (frames[i].Width, frames[i].Height, frames[i].Bytes));
        }
        // testsrc is a colourful pattern, not a blank frame.
        Assert.All(frames, f => Assert.InRange(f.MeanRed, 20, 235));
    }

    [Fact]
    public async Task Seconds_per_frame_keeps_the_source_frame_numbers()
    {
        string video = VideoTestSupport.TestSource(_temp.File("a.mp4"), fps: 10, seconds: 2);
        var half = await ReadAll(video, new VideoReadOptions { SecondsPerFrame = 0.5 });
        Assert.Equal([0L, 5, 10, 15], half.Select(f => f.Number));
        Assert.Equal([0.0, 0.5, 1.0, 1.5], half.Select(f => f.Time));
        var each = await ReadAll(video, new VideoReadOptions { SecondsPerFrame = 0.01 });
        Assert.Equal(20, each.Count);
    }

    [Fact]
    public async Task A_live_style_input_needs_no_probe_and_takes_its_rate_from_the_stream()
    {
        var options = new VideoReadOptions { InputArguments = ["-f", "lavfi"] };
        var frames = await ReadAll("testsrc=size=32x24:rate=25:duration=1", options);
        Assert.Equal(25, frames.Count);
        Assert.Equal(24 / 25.0, frames[^1].Time, 9);
        Assert.Equal((32, 24), (frames[0].Width, frames[0].Height));

        var sampled = await ReadAll("testsrc=size=32x24:rate=25:duration=2", options with { SecondsPerFrame = 1 });
        Assert.Equal([0L, 25], sampled.Select(f => f.Number));
    }

    [Fact]
    public async Task A_given_frame_rate_overrides_the_input()
    {
        string video = VideoTestSupport.TestSource(_temp.File("a.mp4"), fps: 10, seconds: 1);
        var frames = await ReadAll(video, new VideoReadOptions { FramesPerSecond = 20 });
        Assert.Equal(10, frames.Count);
        Assert.Equal(0.45, frames[9].Time, 9);
    }

    [Fact]
    public async Task Odd_sizes_come_out_whole()
    {
        string video = _temp.File("odd.mkv");
        VideoTestSupport.Ffmpeg("-f", "lavfi", "-i", "testsrc=size=33x17:rate=5:duration=1", "-c:v", "ffv1", video);
        var frames = await ReadAll(video, new VideoReadOptions());
        Assert.Equal(5, frames.Count);
        Assert.All(frames, f => Assert.Equal((33, 17, 33 * 17 * 3), (f.Width, f.Height, f.Bytes)));
    }

    [Theory]
    [InlineData(1.0, 30.0, 30)]
    [InlineData(1.0, 29.97, 29)]
    [InlineData(0.5, 25.0, 12)]
    [InlineData(1.0, 0.5, 1)]
    [InlineData(0.001, 30.0, 1)]
    public void The_frame_step_truncates_as_the_reference_does(double seconds, double fps, int step) =>
        Assert.Equal(step, FfmpegVideo.FrameStep(seconds, fps));

    [Fact]
    public void Bad_options_are_refused_up_front()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => FfmpegVideo.ReadFramesAsync("x.mp4", new VideoReadOptions { SecondsPerFrame = 0 }, default));
        Assert.Throws<ArgumentOutOfRangeException>(() => FfmpegVideo.ReadFramesAsync("x.mp4", new VideoReadOptions { FramesPerSecond = -1 }, default));
        Assert.Throws<ArgumentException>(() => FfmpegVideo.ReadFramesAsync("", new VideoReadOptions(), default));
    }

    [Theory]
    [InlineData("[info]   Stream #0:0[0x1](und): Video: h264 (High) (avc1 / 0x31637661), yuv420p(progressive), 1280x720, 1000 kb/s, 29.97 fps, 29.97 tbr, 30k tbn (default)", 29.97)]
    [InlineData("[info]   Stream #0:0: Video: rawvideo (RGB[24] / 0x18424752), rgb24, 64x48 [SAR 1:1 DAR 4:3], 30 tbr, 30 tbn", 30.0)]
    [InlineData("[info]   Stream #0:0: Video: h264, yuv420p, 640x480, 1k fps, 1k tbr", 1000.0)]
    public void The_rate_is_read_from_ffmpegs_stream_line(string line, double fps) =>
        Assert.Equal(fps, FfmpegFrameSource.StreamRate(line));
}
