using Vigil.Media.Video;
using Vigil.Testing;

namespace Vigil.Media.Tests;

/// <summary>Videos read from a stream (ffmpeg's standard input), as the evidence vault's plaintext is: never from a file.</summary>
public class VideoStreamInputTests
{
    private static async Task<(int Frames, int Width, int Height)> CountAsync(Stream input, CancellationToken ct = default)
    {
        int frames = 0, width = 0, height = 0;
        await foreach (var frame in FfmpegVideo.ReadFramesFromStreamAsync(input, new VideoReadOptions(), ct))
        {
            frames++;
            (width, height) = (frame.Width, frame.Height);
        }
        return (frames, width, height);
    }

    [Theory]
    [InlineData("doorknob-hd-no-bar.mp4", 120, 1280, 720)]       // index before the data
    [InlineData("test-padded-dimensions.mp4", 150, 1080, 1080)]  // index after the data, small enough for ffmpeg's buffer
    public async Task Every_frame_of_a_fixture_video_is_read_from_memory(string name, int frames, int width, int height)
    {
        var bytes = File.ReadAllBytes(Fixtures.ThreatExchange("tmk/sample-videos/" + name));
        using var memory = new MemoryStream(bytes, writable: false);
        Assert.Equal((frames, width, height), await CountAsync(memory));
    }

    [Fact]
    public async Task Bytes_that_are_not_a_video_fail_with_a_video_decode_exception()
    {
        var junk = new byte[50_000];
        new Random(7).NextBytes(junk);
        using var memory = new MemoryStream(junk);
        var e = await Assert.ThrowsAsync<VideoDecodeException>(() => CountAsync(memory));
        Assert.StartsWith("(stream): ", e.Message);
    }

    [Fact]
    public async Task Stopping_early_ends_ffmpeg_and_the_copy_into_it()
    {
        var bytes = File.ReadAllBytes(Fixtures.ThreatExchange("tmk/sample-videos/doorknob-hd-no-bar.mp4"));
        using var memory = new MemoryStream(bytes, writable: false);
        await foreach (var frame in FfmpegVideo.ReadFramesFromStreamAsync(memory, new VideoReadOptions(), CancellationToken.None))
        {
            Assert.Equal(0, frame.FrameNumber);
            break;
        }
        // A second read of the same bytes works: nothing was left holding the first.
        memory.Position = 0;
        Assert.Equal(120, (await CountAsync(memory)).Frames);
    }
}
