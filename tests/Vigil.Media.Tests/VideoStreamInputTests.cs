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

    /// <summary>A generated MP4 (testsrc) with its index after its data, too far for ffmpeg's buffer on a pipe.</summary>
    private static byte[] IndexLastMp4(TempDirectory dir, string name = "index-last.mp4")
    {
        string path = dir.File(name);
        FfmpegTool.Run("-f", "lavfi", "-i", "testsrc=size=320x240:rate=25:duration=4", "-c:v", "mpeg4", "-q:v", "2", "-pix_fmt", "yuv420p", path);
        var bytes = File.ReadAllBytes(path);
        Assert.NotNull(Mp4StreamingOrder.Rearrange(bytes)); // ffmpeg writes the index last unless told to "faststart"
        return bytes;
    }

    private static async Task<List<(long Number, string Hash)>> FramesAsync(IAsyncEnumerable<VideoFrame> frames)
    {
        var list = new List<(long, string)>();
        await foreach (var frame in frames)
            list.Add((frame.FrameNumber, Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(frame.Rgb.Span))));
        return list;
    }

    [Fact]
    public async Task An_mp4_indexed_at_its_end_fails_through_a_plain_pipe_but_reads_in_full_from_memory()
    {
        using var dir = new TempDirectory();
        var bytes = IndexLastMp4(dir);
        using (var pipe = new MemoryStream(bytes, writable: false))
            await Assert.ThrowsAsync<VideoDecodeException>(() => CountAsync(pipe));

        var fromMemory = await FramesAsync(FfmpegVideo.ReadFramesFromMemoryAsync(bytes, new VideoReadOptions(), CancellationToken.None));
        var fromFile = await FramesAsync(FfmpegVideo.ReadFramesAsync(dir.File("index-last.mp4"), new VideoReadOptions(), CancellationToken.None));
        Assert.Equal(100, fromFile.Count);
        Assert.Equal(fromFile, fromMemory); // same frames, same pixels: the moved index points at the right data
    }

    [Fact]
    public void Only_an_mp4_indexed_after_its_data_is_rearranged()
    {
        Assert.Null(Mp4StreamingOrder.Rearrange(File.ReadAllBytes(Fixtures.ThreatExchange("tmk/sample-videos/doorknob-hd-no-bar.mp4"))));
        Assert.NotNull(Mp4StreamingOrder.Rearrange(File.ReadAllBytes(Fixtures.ThreatExchange("tmk/sample-videos/test-padded-dimensions.mp4"))));
        Assert.Null(Mp4StreamingOrder.Rearrange("not an mp4 at all, just text"u8.ToArray()));
        Assert.Null(Mp4StreamingOrder.Rearrange(ReadOnlyMemory<byte>.Empty));
        var random = new byte[4096];
        new Random(1).NextBytes(random);
        Assert.Null(Mp4StreamingOrder.Rearrange(random));
    }

    [Fact]
    public void Damaged_mp4s_are_left_as_they_are_or_rearranged_never_a_crash()
    {
        using var dir = new TempDirectory();
        var bytes = IndexLastMp4(dir);
        var random = new Random(99);
        for (int n = 0; n < 300; n++)
        {
            var damaged = n % 2 == 0 ? bytes[..random.Next(bytes.Length)] : (byte[])bytes.Clone();
            if (n % 2 == 1)
                for (int i = 0; i < 8; i++)
                    damaged[bytes.Length - 1 - random.Next(4000)] = (byte)random.Next(256); // inside the index
            var pieces = Mp4StreamingOrder.Rearrange(damaged);
            if (pieces is not null)
                Assert.Equal(damaged.Length, pieces.Sum(p => p.Length));
        }
    }

    [Fact]
    public async Task Memory_input_reads_a_video_indexed_first_unchanged()
    {
        var bytes = File.ReadAllBytes(Fixtures.ThreatExchange("tmk/sample-videos/doorknob-hd-no-bar.mp4"));
        var frames = await FramesAsync(FfmpegVideo.ReadFramesFromMemoryAsync(bytes, new VideoReadOptions(), CancellationToken.None));
        Assert.Equal(120, frames.Count);
    }
}
