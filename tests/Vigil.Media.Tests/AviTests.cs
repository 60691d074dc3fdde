using FsCheck;
using FsCheck.Fluent;
using Vigil.Media.Video;
using Vigil.Media.Video.Avi;
using Vigil.Testing;

namespace Vigil.Media.Tests;

/// <summary>
/// The uncompressed AVI a guard relays: ffmpeg's streaming output read frame for frame (the same pixels as
/// <see cref="FfmpegVideo"/>'s RGB, reordered) and sample for sample, written back so ffmpeg reads the same streams,
/// and any damaged stream refused with <see cref="InvalidDataException"/>, never another exception.
/// </summary>
public sealed class AviTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string ToneVideo(string name = "tone.mkv")
    {
        string path = _dir.File(name);
        VideoTestSupport.Ffmpeg("-f", "lavfi", "-i", "testsrc=size=64x48:rate=10:duration=2", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=8000:duration=2",
            "-c:v", "mpeg4", "-q:v", "3", "-pix_fmt", "yuv420p", "-c:a", "pcm_s16le", path);
        return path;
    }

    private static async Task<(AviFormat Format, List<byte[]> Frames, byte[] Audio)> ReadAllAsync(string input)
    {
        await using var source = await FfmpegAviSource.StartAsync(input);
        var frames = new List<byte[]>();
        var audio = new MemoryStream();
        while (await source.ReadAsync() is { } chunk)
        {
            if (chunk.Kind == AviChunkKind.Video)
                frames.Add(chunk.Data.ToArray());
            else
                audio.Write(chunk.Data.Span);
        }
        return (source.Format, frames, audio.ToArray());
    }

    private static byte[] Swapped(ReadOnlySpan<byte> rgb)
    {
        var bgr = rgb.ToArray();
        for (int i = 0; i < bgr.Length; i += 3)
            (bgr[i], bgr[i + 2]) = (bgr[i + 2], bgr[i]);
        return bgr;
    }

    [Fact]
    public async Task Frames_are_the_rgb_reader_s_pixels_and_the_sound_every_sample()
    {
        string input = ToneVideo();
        var (format, frames, audio) = await ReadAllAsync(input);
        Assert.Equal((64, 48, 10.0), (format.Width, format.Height, format.FramesPerSecond));
        Assert.Equal(new AviAudioFormat(1, 8000, 1, 2), format.Audio);
        var rgbFrames = new List<byte[]>();
        await foreach (var frame in FfmpegVideo.ReadFramesAsync(input, new VideoReadOptions(), CancellationToken.None))
            rgbFrames.Add(Swapped(frame.Rgb.Span));
        Assert.Equal(20, frames.Count);
        Assert.Equal(rgbFrames, frames);
        string raw = _dir.File("tone.s16");
        VideoTestSupport.Ffmpeg("-i", input, "-map", "0:a", "-f", "s16le", raw);
        Assert.Equal(File.ReadAllBytes(raw), audio);
    }

    [Fact]
    public async Task What_the_writer_writes_ffmpeg_reads_as_the_same_streams()
    {
        string input = ToneVideo(), copy = _dir.File("copy.avi");
        var (format, frames, audio) = await ReadAllAsync(input);
        await using (var file = File.Create(copy))
        {
            var writer = new AviWriter(file, format);
            await writer.StartAsync();
            int at = 0;
            foreach (var frame in frames)
            {
                await writer.WriteVideoAsync(frame);
                int next = Math.Min(audio.Length, at + 1600); // a tenth of a second of 8 kHz mono under each frame
                await writer.WriteAudioAsync(audio.AsMemory(at, next - at));
                at = next;
            }
            await writer.WriteAudioAsync(audio.AsMemory(at));
            Assert.Throws<ArgumentException>(() => { _ = writer.WriteVideoAsync(new byte[5]); });
            Assert.Throws<ArgumentException>(() => { _ = writer.WriteAudioAsync(new byte[3]); });
        }
        var (again, framesAgain, audioAgain) = await ReadAllAsync(copy);
        Assert.Equal((format.Width, format.Height, format.FramesPerSecond, format.Audio), (again.Width, again.Height, again.FramesPerSecond, again.Audio));
        Assert.Equal(frames, framesAgain);
        Assert.Equal(audio, audioAgain);
    }

    [Fact]
    public async Task A_video_without_sound_has_no_audio_stream_and_non_avi_input_is_refused()
    {
        var (format, frames, audio) = await ReadAllAsync(VideoTestSupport.TestSource(_dir.File("silent.mp4")));
        Assert.Null(format.Audio);
        Assert.Equal(20, frames.Count);
        Assert.Empty(audio);
        Assert.Throws<InvalidOperationException>(() => new AviWriter(Stream.Null, format).WriteAudioAsync(new byte[2]));

        var reader = new AviReader(new MemoryStream("RIFF\0\0\0\0WAVEfmt "u8.ToArray()));
        Assert.Contains("not an AVI", (await Assert.ThrowsAsync<InvalidDataException>(() => reader.ReadHeaderAsync().AsTask())).Message);
        var missing = await Assert.ThrowsAsync<VideoDecodeException>(() => FfmpegAviSource.StartAsync(_dir.File("none.mp4")));
        Assert.Contains("no such file", missing.Message);
    }

    [Fact]
    public async Task Damaged_streams_are_refused_as_invalid_data_never_a_crash_or_a_hang()
    {
        string input = ToneVideo(), avi = _dir.File("stream.avi");
        VideoTestSupport.Ffmpeg("-i", input, "-map", "0:v", "-map", "0:a", "-c:v", "rawvideo", "-pix_fmt", "bgr24", "-c:a", "pcm_s16le", "-f", "avi", avi);
        byte[] original = File.ReadAllBytes(avi);
        // Cut anywhere (half the time), and up to six bytes of the header and first chunks changed.
        var gen =
            from whole in Gen.Elements(true, false)
            from cut in Gen.Choose(0, original.Length)
            from count in Gen.Choose(0, 6)
            from flips in Gen.ArrayOf(Gen.Choose(0, Math.Min(original.Length, 4096) - 1), count)
            from values in Gen.ArrayOf(Gen.Choose(0, 255), 6)
            select (cut: whole ? original.Length : cut, flips, values);
        var outcomes = new int[2];
        Prop.ForAll(gen.ToArbitrary(), m =>
        {
            var damaged = original.AsSpan(0, m.cut).ToArray();
            for (int i = 0; i < m.flips.Length; i++)
            {
                if (m.flips[i] < damaged.Length)
                    damaged[m.flips[i]] = (byte)m.values[i];
            }
            var reader = new AviReader(new MemoryStream(damaged));
            try
            {
                var format = reader.ReadHeaderAsync().AsTask().GetAwaiter().GetResult();
                Assert.True(format.Width > 0 && format.Height > 0);
                int chunks = 0;
                while (reader.ReadChunkAsync().AsTask().GetAwaiter().GetResult() is { } chunk)
                {
                    if (chunk.Kind == AviChunkKind.Video)
                        Assert.Equal(format.FrameBytes, chunk.Data.Length);
                    Assert.True(++chunks < 10_000, "the reader went round in circles");
                }
                outcomes[0]++;
            }
            catch (InvalidDataException)
            {
                outcomes[1]++;
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
        Assert.True(outcomes[0] > 0 && outcomes[1] > 0, $"read {outcomes[0]}, refused {outcomes[1]}");
    }
}
