using Vigil.Media.Video;
using Vigil.Testing;

namespace Vigil.Media.Tests;

/// <summary>Mutated and truncated videos: every one either decodes or fails with a <see cref="VideoDecodeException"/>, in bounded time.</summary>
public sealed class VideoFuzzTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Mutated_videos_never_crash_or_hang()
    {
        string original = VideoTestSupport.TestSource(_temp.File("orig.mp4"), fps: 10, seconds: 1, width: 48, height: 32);
        byte[] bytes = await File.ReadAllBytesAsync(original);
        var random = new Random(6);
        int decoded = 0, refused = 0;
        for (int i = 0; i < 36; i++)
        {
            byte[] mutated;
            switch (i % 3)
            {
                case 0:
                    mutated = bytes.AsSpan(0, random.Next(1, bytes.Length)).ToArray();
                    break;
                case 1:
                    mutated = (byte[])bytes.Clone();
                    for (int j = 0; j < 1 + random.Next(20); j++)
                        mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
                    break;
                default:
                    mutated = (byte[])bytes.Clone();
                    int start = random.Next(mutated.Length), length = Math.Min(mutated.Length - start, random.Next(1, 512));
                    random.NextBytes(mutated.AsSpan(start, length));
                    break;
            }
            string path = _temp.File($"m{i}.mp4");
            await File.WriteAllBytesAsync(path, mutated);
            var options = new VideoReadOptions { StallTimeout = TimeSpan.FromSeconds(10) };
            var read = Task.Run(async () =>
            {
                int frames = 0;
                await foreach (var frame in FfmpegVideo.ReadFramesAsync(path, options, CancellationToken.None))
                {
                    Assert.Equal(frame.Width * frame.Height * 3, frame.Rgb.Length);
                    frames++;
                }
                return frames;
            });
            var e = await Record.ExceptionAsync(() => read.WaitAsync(TimeSpan.FromSeconds(30)));
            if (e is null)
                decoded++;
            else
            {
                Assert.True(e is VideoDecodeException, $"mutation {i}: {e.GetType().Name}: {e.Message}");
                Assert.Contains(path, e.Message);
                refused++;
            }
        }
        Assert.Equal(36, decoded + refused);
    }
}
