using Vigil.Testing;
using Vigil.Hashing.Vpdq;
using Vigil.Media.Processing;

namespace Vigil.Video.Tests;

/// <summary>
/// <see cref="VpdqOptions.TrimBorders"/> on letterboxed and pillarboxed copies of a fixture video: one rectangle agreed
/// over the frames, crops on the decoded pixels, and the exchanges' rule matching the trimmed frames to the original.
/// </summary>
public sealed class VideoBorderTrimTests(BarredVideos videos) : IClassFixture<BarredVideos>
{
    private static readonly VideoMatchRule Rule = new();

    private static Task<VpdqResult> HashAsync(string path) =>
        new VpdqHasher().HashFileAsync(path, new VpdqOptions { TrimBorders = true }, CancellationToken.None);

    private static void AssertNear(PixelRect expected, PixelRect? actual)
    {
        Assert.True(actual is { } a
            && Math.Abs(a.X - expected.X) <= 2 && Math.Abs(a.Y - expected.Y) <= 2
            && Math.Abs(a.Right - expected.Right) <= 2 && Math.Abs(a.Bottom - expected.Bottom) <= 2,
            $"expected about {expected}, found {actual?.ToString() ?? "none"}");
    }

    [Fact]
    public async Task The_rectangle_is_the_picture_inside_black_or_near_black_bars_and_none_on_the_original()
    {
        var original = await HashAsync(BarredVideos.Original);
        Assert.NotNull(original.Trimmed);
        Assert.Null(original.Trimmed.Rectangle);
        Assert.Equal(0, original.Trimmed.CroppedFrames);
        // Nothing cropped: the trimmed frames are the plain ones.
        Assert.Equal(original.Frames, original.Trimmed.Frames);

        foreach (var (path, picture) in new[]
                 {
                     (videos.Letterboxed, new PixelRect(0, 90, 1280, 540)),
                     (videos.Pillarboxed, new PixelRect(160, 0, 960, 720)),
                     (videos.NearBlack, new PixelRect(0, 90, 1280, 540)),
                 })
        {
            var result = await HashAsync(path);
            AssertNear(picture, result.Trimmed!.Rectangle);
            Assert.Equal(result.Frames.Count, result.Trimmed.CroppedFrames);
            Assert.Equal(result.Frames.Select(f => f.FrameNumber), result.Trimmed.Frames.Select(f => f.FrameNumber));
        }
    }

    [Fact]
    public async Task A_black_frame_does_not_change_the_rectangle_and_is_cropped_like_the_others()
    {
        var letterboxed = await HashAsync(videos.Letterboxed);
        var dark = await HashAsync(videos.WithDarkFrame);
        Assert.Equal(letterboxed.Trimmed!.Rectangle, dark.Trimmed!.Rectangle);
        Assert.Equal(dark.Frames.Count, dark.Trimmed.CroppedFrames);
        // Frame 30 really is black: its vote alone would say nothing.
        Assert.True(dark.Frames.Single(f => f.FrameNumber == 30).Quality < Vigil.Hashing.Signals.VpdqSignal.MinimumQuality);
    }

    [Fact]
    public async Task Plain_frames_of_a_barred_copy_do_not_match_the_original_and_trimmed_frames_do()
    {
        var original = await new VpdqHasher().HashFileAsync(BarredVideos.Original, new VpdqOptions(), CancellationToken.None);
        foreach (string path in new[] { videos.Letterboxed, videos.Pillarboxed, videos.NearBlack })
        {
            var copy = await HashAsync(path);
            var plain = Rule.Compare(copy.Frames, original.Frames);
            var trimmed = Rule.Compare(copy.Trimmed!.Frames, original.Frames);
            Assert.False(Rule.IsMatch(plain), $"{Path.GetFileName(path)} plain: {plain}");
            Assert.True(Rule.IsMatch(trimmed), $"{Path.GetFileName(path)} trimmed: {trimmed}");
            Assert.True(trimmed.QueryPercent > plain.QueryPercent);
        }

        var unrelated = await HashAsync(videos.Unrelated);
        Assert.NotNull(unrelated.Trimmed!.Rectangle);
        Assert.False(Rule.IsMatch(Rule.Compare(unrelated.Frames, original.Frames)));
        Assert.False(Rule.IsMatch(Rule.Compare(unrelated.Trimmed.Frames, original.Frames)));
    }

    [Fact]
    public async Task Without_trim_borders_the_result_is_as_before()
    {
        var plain = await new VpdqHasher().HashFileAsync(videos.Letterboxed, new VpdqOptions(), CancellationToken.None);
        var robust = await HashAsync(videos.Letterboxed);
        Assert.Null(plain.Trimmed);
        Assert.Equal(plain.Frames, robust.Frames);
    }
}
