using Vigil.Hashing.Pdq;
using Vigil.Hashing.Vpdq;
using Vigil.Testing;
using Xunit.Abstractions;

namespace Vigil.Video.Tests;

/// <summary>
/// vPDQ of every frame against the reference's sample hashes: the same frame numbers, and where both
/// qualities are >= 50, at least 99% of frames within distance 30 and a mean distance of at most 3 (FFmpeg
/// versions differ, so not bit-exact).
/// </summary>
public sealed class VpdqCompatibilityTests(ITestOutputHelper log)
{
    [Theory]
    [InlineData("doorknob-hd-no-bar")]
    [InlineData("test-padded-dimensions")]
    public async Task Every_frame_is_close_to_the_reference(string name)
    {
        string video = Fixtures.ThreatExchange($"tmk/sample-videos/{name}.mp4");
        var reference = VpdqFormat.Parse(await File.ReadAllTextAsync(Fixtures.ThreatExchange($"vpdq/sample-hashes/{name}.txt")));

        var result = await new VpdqHasher().HashFileAsync(video, new VpdqOptions { EveryFrame = true }, CancellationToken.None);

        Assert.Equal(reference.Select(f => f.FrameNumber), result.Frames.Select(f => f.FrameNumber));
        int compared = 0, within = 0, max = 0;
        long sum = 0;
        for (int i = 0; i < reference.Count; i++)
        {
            var ours = result.Frames[i];
            var theirs = reference[i];
            Assert.Equal(theirs.TimestampSeconds, Math.Round(ours.TimestampSeconds, 3));
            if (ours.Quality < 50 || theirs.Quality < 50)
                continue;
            int distance = PdqHash.Distance(ours.Hash, theirs.Hash);
            compared++;
            sum += distance;
            if (distance <= 30)
                within++;
            max = Math.Max(max, distance);
        }
        double mean = (double)sum / compared;
        log.WriteLine($"{name}: {result.Frames.Count} frames, {compared} compared, {100.0 * within / compared:F1}% within 30, mean {mean:F2}, max {max}");
        int trusted = reference.Count(f => f.Quality >= 50);
        Assert.True(compared >= 0.95 * trusted, $"only {compared} of the reference's {trusted} frames of quality >= 50 are >= 50 here too");
        Assert.True(within >= 0.99 * compared, $"{within} of {compared} frames within distance 30");
        Assert.True(mean <= 3, $"mean distance {mean:F2}");
    }
}
