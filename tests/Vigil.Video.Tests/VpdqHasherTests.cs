using Vigil.Hashing.Pdq;
using Vigil.Media.Video;
using Vigil.Testing;

namespace Vigil.Video.Tests;

/// <summary>vPDQ sampling: every frame against one frame per S seconds; one frame hashed alone; errors.</summary>
public sealed class VpdqHasherTests
{
    private static readonly string Doorknob = Fixtures.ThreatExchange("tmk/sample-videos/doorknob-hd-no-bar.mp4");

    [Fact]
    public async Task Seconds_per_hash_takes_every_fps_th_frame_with_the_same_hashes()
    {
        var hasher = new VpdqHasher();
        var every = await hasher.HashFileAsync(Doorknob, new VpdqOptions { EveryFrame = true }, CancellationToken.None);
        var perSecond = await hasher.HashFileAsync(Doorknob, new VpdqOptions(), CancellationToken.None);
        var perHalf = await hasher.HashFileAsync(Doorknob, new VpdqOptions { SecondsPerHash = 0.5, MaxDegreeOfParallelism = 1 }, CancellationToken.None);

        Assert.Equal((1280, 720, 30.0), (every.Info.Width, every.Info.Height, every.Info.FramesPerSecond));
        Assert.Equal(4, every.Info.DurationSeconds, 1);
        Assert.Equal(Enumerable.Range(0, 120), every.Frames.Select(f => f.FrameNumber));
        Assert.Equal([0, 30, 60, 90], perSecond.Frames.Select(f => f.FrameNumber));
        Assert.Equal([0.0, 1.0, 2.0, 3.0], perSecond.Frames.Select(f => f.TimestampSeconds));
        Assert.Equal([0, 15, 30, 45, 60, 75, 90, 105], perHalf.Frames.Select(f => f.FrameNumber));
        // A sampled frame hashes exactly as the same frame does when every frame is read.
        foreach (var frame in perHalf.Frames)
            Assert.Equal(every.Frames[frame.FrameNumber], frame);
    }

    [Fact]
    public async Task One_frame_hashes_as_plain_pdq_of_its_pixels()
    {
        var hasher = new VpdqHasher();
        await foreach (var frame in FfmpegVideo.ReadFramesAsync(Doorknob, new VideoReadOptions { SecondsPerFrame = 1 }, CancellationToken.None))
        {
            var vpdq = hasher.HashFrame(frame);
            var pdq = new PdqHasher().HashRgb(frame.Rgb.Span, frame.Width, frame.Height);
            Assert.Equal((pdq.Hash, pdq.Quality), (vpdq.Hash, vpdq.Quality));
            Assert.Equal((int)frame.FrameNumber, vpdq.FrameNumber);
            Assert.Equal(frame.FrameNumber / 30.0, vpdq.TimestampSeconds, 6);
        }
    }

    [Fact]
    public void Timestamps_are_single_precision_as_the_reference_computes_them()
    {
        Assert.Equal((double)(1f / 30f), VpdqHasher.Timestamp(1, 30));
        Assert.True(double.IsNaN(VpdqHasher.Timestamp(1, double.NaN)));
    }

    [Fact]
    public async Task Bad_input_and_cancellation_are_reported()
    {
        var hasher = new VpdqHasher();
        var missing = await Assert.ThrowsAsync<VideoDecodeException>(() => hasher.HashFileAsync("/nonexistent/video.mp4", new VpdqOptions(), CancellationToken.None));
        Assert.Contains("no such file", missing.Message);
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => hasher.HashFileAsync(Doorknob, new VpdqOptions { EveryFrame = true }, cancel.Token));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => hasher.HashFileAsync(Doorknob, new VpdqOptions { SecondsPerHash = 0 }, CancellationToken.None));
    }

    [Fact]
    public async Task A_live_style_input_reports_its_size_and_rate_from_the_stream()
    {
        var options = new VpdqOptions { EveryFrame = true, ReadOptions = new VideoReadOptions { InputArguments = ["-f", "lavfi"] } };
        var result = await new VpdqHasher().HashFileAsync("testsrc=size=96x64:rate=20:duration=1", options, CancellationToken.None);
        Assert.Equal(20, result.Frames.Count);
        Assert.Equal((96, 64, 20.0), (result.Info.Width, result.Info.Height, result.Info.FramesPerSecond));
        Assert.True(double.IsNaN(result.Info.DurationSeconds));
    }
}
