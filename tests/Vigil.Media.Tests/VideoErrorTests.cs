using System.Diagnostics;
using Vigil.Media.Video;
using Vigil.Testing;

namespace Vigil.Media.Tests;

/// <summary>Bad video input gives clear exceptions, never a hang or a crash, and ffmpeg never outlives the reader.</summary>
public sealed class VideoErrorTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static async Task<int> CountFrames(string input, VideoReadOptions options, CancellationToken cancellationToken = default)
    {
        int count = 0;
        await foreach (var _ in FfmpegVideo.ReadFramesAsync(input, options, cancellationToken))
            count++;
        return count;
    }

    private static async Task<VideoDecodeException> Fails(string input, VideoReadOptions? options = null)
    {
        var read = Record.ExceptionAsync(() => CountFrames(input, options ?? new VideoReadOptions()));
        var exception = await read.WaitAsync(TimeSpan.FromSeconds(30));
        return Assert.IsAssignableFrom<VideoDecodeException>(exception);
    }

    [Fact]
    public async Task A_text_file_is_not_a_video()
    {
        string path = _temp.File("notes.mp4");
        await File.WriteAllTextAsync(path, "just some text, not a video\n");
        var e = await Fails(path);
        Assert.Contains("notes.mp4", e.Message);
        Assert.Contains("not a video", e.Message);
        Assert.Equal(VideoErrorKind.NotAVideo, e.Kind);
        var probe = await Assert.ThrowsAsync<VideoDecodeException>(() => FfmpegVideo.ProbeAsync(path, CancellationToken.None));
        Assert.Contains("not a video", probe.Message);
        Assert.Equal(VideoErrorKind.NotAVideo, probe.Kind);
    }

    [Fact]
    public async Task An_empty_file_is_not_a_video()
    {
        string path = _temp.File("empty.mp4");
        await File.WriteAllBytesAsync(path, []);
        var e = await Fails(path);
        Assert.Contains("empty.mp4", e.Message);
    }

    [Fact]
    public async Task Audio_alone_has_no_video_stream()
    {
        string path = _temp.File("tone.m4a");
        VideoTestSupport.Ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-c:a", "aac", path);
        var e = await Fails(path);
        Assert.Contains("no video stream", e.Message);
        Assert.Equal(VideoErrorKind.NotAVideo, e.Kind);
        // Without the probe (a rate given), ffmpeg's own refusal says the same.
        var direct = await Fails(path, new VideoReadOptions { FramesPerSecond = 25 });
        Assert.Contains("no video stream", direct.Message);
        Assert.Equal(VideoErrorKind.NotAVideo, direct.Kind);
    }

    [Fact]
    public async Task A_truncated_mp4_is_refused()
    {
        string whole = VideoTestSupport.TestSource(_temp.File("whole.mp4"), fps: 10, seconds: 2);
        byte[] bytes = await File.ReadAllBytesAsync(whole);
        string cut = _temp.File("cut.mp4");
        await File.WriteAllBytesAsync(cut, bytes.AsSpan(0, bytes.Length / 2).ToArray());
        var e = await Fails(cut);
        Assert.Contains("cut.mp4", e.Message);
        Assert.Contains("truncated", e.Message);
        Assert.Equal(VideoErrorKind.Other, e.Kind);
    }

    [Fact]
    public async Task A_missing_file_or_a_directory_is_named()
    {
        var e = await Fails(_temp.File("nothing-here.mp4"));
        Assert.Contains("no such file", e.Message);
        var d = await Fails(_temp.Path);
        Assert.Contains("directory", d.Message);
    }

    [Fact]
    public async Task A_missing_ffmpeg_is_named()
    {
        var options = new VideoReadOptions { InputArguments = ["-f", "lavfi"], FfmpegPath = "/nonexistent/ffmpeg" };
        var e = await Fails("testsrc=duration=1", options);
        Assert.Contains("cannot run", e.Message);
        Assert.Contains("ffmpeg", e.Message);
        Assert.Equal(VideoErrorKind.ProgramMissing, e.Kind);
        var probe = await Assert.ThrowsAsync<VideoDecodeException>(() =>
            FfmpegVideo.ProbeAsync(VideoTestSupport.TestSource(_temp.File("a.mp4")), "/nonexistent/ffprobe", CancellationToken.None));
        Assert.Contains("cannot run", probe.Message);
    }

    [Fact]
    public async Task A_stream_that_never_sends_stalls_and_ffmpeg_is_killed()
    {
        string fifo = _temp.File("never.fifo");
        using (var mk = Process.Start("mkfifo", [fifo]))
            await mk.WaitForExitAsync();
        // The rate is given so no probe runs; ffmpeg waits for a writer that never comes.
        var options = new VideoReadOptions { FramesPerSecond = 25, StallTimeout = TimeSpan.FromSeconds(1) };
        var clock = Stopwatch.StartNew();
        var e = await Record.ExceptionAsync(() => CountFrames(fifo, options)).WaitAsync(TimeSpan.FromSeconds(20));
        var stalled = Assert.IsType<VideoStreamStalledException>(e);
        Assert.Contains("stalled", stalled.Message);
        Assert.Equal(0, stalled.FramesRead);
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.9, 15);
        Assert.True(VideoTestSupport.ProcessGone(fifo), "ffmpeg still runs after the stall");
    }

    [Fact]
    public async Task A_slow_first_frame_is_waited_for_when_the_first_frame_limit_allows_it()
    {
        string clip = _temp.File("clip.y4m");
        VideoTestSupport.Ffmpeg("-f", "lavfi", "-i", "testsrc=size=64x48:rate=10:duration=1", "-pix_fmt", "yuv420p", clip);
        byte[] bytes = File.ReadAllBytes(clip);

        // The stream's first bytes come after 2.5 s, longer than the 1 s allowed between frames.
        async Task<Exception?> ReadDelayedAsync(TimeSpan? firstFrame, string name)
        {
            string fifo = _temp.File(name);
            using (var mk = Process.Start("mkfifo", [fifo]))
                await mk.WaitForExitAsync();
            var writer = Task.Run(async () =>
            {
                await Task.Delay(2500);
                try
                {
                    await using var pipe = new FileStream(fifo, FileMode.Open, FileAccess.Write);
                    await pipe.WriteAsync(bytes);
                }
                catch (IOException)
                {
                    // The reader gave up first (the stall case) and the pipe broke.
                }
            });
            var options = new VideoReadOptions { FramesPerSecond = 10, StallTimeout = TimeSpan.FromSeconds(1), FirstFrameTimeout = firstFrame };
            var e = await Record.ExceptionAsync(async () => Assert.Equal(10, await CountFrames(fifo, options))).WaitAsync(TimeSpan.FromSeconds(30));
            // Unblock a writer still waiting for a reader.
            using (var drain = new FileStream(fifo, FileMode.Open, FileAccess.Read | FileAccess.Write))
                await writer.WaitAsync(TimeSpan.FromSeconds(10));
            return e;
        }

        Assert.Null(await ReadDelayedAsync(TimeSpan.FromSeconds(10), "slow-allowed.fifo"));
        Assert.IsType<VideoStreamStalledException>(await ReadDelayedAsync(null, "slow-stalls.fifo"));
    }

    [Fact]
    public async Task Cancelling_stops_the_reader_and_kills_ffmpeg()
    {
        string marker = Random.Shared.Next(100_000, 999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var options = new VideoReadOptions { InputArguments = ["-thread_queue_size", marker, "-f", "lavfi"] };
        using var cancel = new CancellationTokenSource();
        int count = 0;
        var e = await Record.ExceptionAsync(async () =>
        {
            await foreach (var _ in FfmpegVideo.ReadFramesAsync("testsrc=size=64x48:rate=25", options, cancel.Token))
                if (++count == 3)
                {
                    Assert.True(VideoTestSupport.ProcessWithArgumentRuns(marker));
                    cancel.Cancel();
                }
        }).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.IsAssignableFrom<OperationCanceledException>(e);
        Assert.Equal(3, count);
        Assert.True(VideoTestSupport.ProcessGone(marker), "ffmpeg still runs after cancelling");
    }

    [Fact]
    public async Task Stopping_early_kills_ffmpeg()
    {
        string marker = Random.Shared.Next(100_000, 999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var options = new VideoReadOptions { InputArguments = ["-thread_queue_size", marker, "-f", "lavfi"] };
        await foreach (var frame in FfmpegVideo.ReadFramesAsync("testsrc=size=64x48:rate=25", options, CancellationToken.None))
            if (frame.FrameNumber == 2)
                break;
        Assert.True(VideoTestSupport.ProcessGone(marker), "ffmpeg still runs after the enumeration was left");
    }
}
