using System.Diagnostics;
using System.Text.Json;
using Vigil.Testing;

namespace Vigil.Cli.Tests;

/// <summary>Benign synthetic videos made with ffmpeg's test sources: an original, grey and logo edits of it, and an unrelated one.</summary>
public sealed class SyntheticVideos : IDisposable
{
    private readonly TempDirectory _dir = new();

    public SyntheticVideos()
    {
        Original = Make("original.mp4", "testsrc2=size=320x240:rate=30", null);
        Grey = Make("grey.mp4", "testsrc2=size=320x240:rate=30", "hue=s=0");
        Logo = Make("logo.mkv", "testsrc2=size=320x240:rate=30", "drawbox=x=272:y=8:w=40:h=24:color=white@0.8:t=fill");
        Unrelated = Make("unrelated.webm", "mandelbrot=size=320x240:rate=30", null);
    }

    public string Original { get; }

    public string Grey { get; }

    public string Logo { get; }

    public string Unrelated { get; }

    public string Dir => _dir.Path;

    private string Make(string name, string source, string? filter)
    {
        string path = Path.Combine(_dir.Path, name);
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string arg in (string[])["-hide_banner", "-v", "error", "-f", "lavfi", "-i", source, "-t", "4"])
            start.ArgumentList.Add(arg);
        if (filter is not null)
        {
            start.ArgumentList.Add("-vf");
            start.ArgumentList.Add(filter);
        }
        start.ArgumentList.Add("-pix_fmt");
        start.ArgumentList.Add("yuv420p");
        start.ArgumentList.Add(path);
        using var process = Process.Start(start)!;
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"ffmpeg could not make {name}: {errors}");
        return path;
    }

    public void Dispose() => _dir.Dispose();
}

/// <summary>`vigil bank add VIDEO` and `vigil match VIDEO` end to end: the exchanges' rule on real decoded frames.</summary>
public sealed class VideoMatchCommandTests(SyntheticVideos videos) : IClassFixture<SyntheticVideos>
{
    private TestDb VideoBank()
    {
        var db = new TestDb();
        db.Ok("bank", "create", "KNOWN_VIDEO");
        var added = db.Ok("bank", "add", "KNOWN_VIDEO", "--label", "B2", videos.Original);
        Assert.Contains("added 1,", added.Output);
        return db;
    }

    [Fact]
    public void Edited_copies_match_their_original_and_an_unrelated_video_does_not()
    {
        using var db = VideoBank();
        var result = db.Ok("match", "-f", "json", videos.Grey, videos.Logo, videos.Unrelated);
        var lines = result.OutputLines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(3, lines.Count);
        foreach (var edit in lines.Take(2))
        {
            Assert.Equal("matched", edit.GetProperty("status").GetString());
            Assert.Equal("video", edit.GetProperty("type").GetString());
            var match = Assert.Single(edit.GetProperty("matches").EnumerateArray());
            Assert.Equal("KNOWN_VIDEO", match.GetProperty("bank").GetString());
            Assert.Equal("vpdq", match.GetProperty("signal").GetString());
            Assert.True(match.GetProperty("query_percent").GetDouble() >= 80, edit.ToString());
            Assert.True(match.GetProperty("compared_percent").GetDouble() >= 80, edit.ToString());
            Assert.True(match.GetProperty("match").GetBoolean());
            Assert.Equal("B2", match.GetProperty("label").GetString());
        }
        Assert.Equal("no_match", lines[2].GetProperty("status").GetString());
        Assert.DoesNotContain(lines[2].GetProperty("matches").EnumerateArray(), m => m.GetProperty("match").GetBoolean());
    }

    [Fact]
    public void Text_and_csv_list_bank_content_percentages_and_the_verdict()
    {
        using var db = VideoBank();
        var text = db.Ok("match", videos.Grey, videos.Unrelated);
        Assert.Matches(@"grey\.mp4: MATCH KNOWN_VIDEO content \d+ by vpdq, query \d+\.\d%, compared \d+\.\d%  match yes  label B2  \(original\.mp4\)", text.OutputLines[0]);
        Assert.EndsWith("unrelated.webm: no match (4 frames)", text.OutputLines[1]);

        var csv = db.Ok("match", "-f", "csv", videos.Logo);
        Assert.Equal("query,pdq,bank,content_id,distance,label,query_percent,compared_percent,match", csv.OutputLines[0]);
        var fields = csv.OutputLines[1].Split(',');
        Assert.Equal((videos.Logo, "KNOWN_VIDEO", "B2", "yes"), (fields[0], fields[2], fields[5], fields[8]));
    }

    [Fact]
    public void A_still_of_a_bank_video_is_said_to_match_a_frame_of_it_at_its_real_distance()
    {
        using var db = VideoBank();
        string still = Path.Combine(db.Dir, "still.png");
        FfmpegTool.Run("-hide_banner", "-v", "error", "-ss", "1", "-i", videos.Logo, "-frames:v", "1", still);
        var json = JsonDocument.Parse(db.Ok("match", "-f", "json", still).OutputLines[0]).RootElement;
        var match = json.GetProperty("matches").EnumerateArray().First();
        Assert.Equal("vpdq", match.GetProperty("signal").GetString());
        int distance = match.GetProperty("distance").GetInt32();

        string text = db.Ok("match", still).OutputLines[0];
        Assert.Matches($@"still\.png: MATCH KNOWN_VIDEO content \d+ \(a frame of its video, vpdq\) at distance {distance}  label B2", text);
        Assert.DoesNotContain("by exact", text);
    }

    [Fact]
    public void The_very_file_matches_by_video_md5_and_a_stricter_bar_is_honoured()
    {
        using var db = VideoBank();
        var same = db.Ok("match", videos.Original);
        Assert.Contains("by exact video_md5, query 100.0%, compared 100.0%  match yes", same.Output);
        var strict = db.Run("match", "--video-match-percent", "101", videos.Grey);
        Assert.Equal(2, strict.ExitCode);
    }

    [Fact]
    public void A_broken_video_is_reported_not_crashed_on_and_the_others_go_on()
    {
        using var db = VideoBank();
        string broken = db.WriteFile("broken.mp4", "this is not a video at all");
        string truncated = Path.Combine(db.Dir, "truncated.mp4");
        var bytes = File.ReadAllBytes(videos.Grey);
        File.WriteAllBytes(truncated, bytes.AsSpan(0, 600).ToArray());
        var result = db.Run("match", broken, truncated, videos.Grey);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"error: {broken}: ", result.Error);
        Assert.Contains($"error: {truncated}: ", result.Error);
        Assert.DoesNotContain("Exception", result.Error);
        Assert.Contains("grey.mp4: MATCH KNOWN_VIDEO", result.Output);

        var add = db.Run("bank", "add", "KNOWN_VIDEO", broken);
        Assert.Equal(1, add.ExitCode);
        Assert.Contains("added 0, already present 0, failed 1", add.Output);
    }

    [Fact]
    public void Videos_in_a_directory_are_added_and_images_still_match_as_before()
    {
        using var db = new TestDb();
        db.Ok("bank", "create", "MIXED");
        string folder = Path.Combine(db.Dir, "in");
        Directory.CreateDirectory(folder);
        File.Copy(videos.Original, Path.Combine(folder, "a.mp4"));
        File.Copy(CliSamples.Known("bridge.jpg"), Path.Combine(folder, "bridge.jpg"));
        var added = db.Ok("bank", "add", "MIXED", folder);
        Assert.Contains("added 2,", added.Output);

        var image = db.Ok("match", CliSamples.Upload("bridge-brighter.jpg"));
        Assert.Matches(@"MATCH MIXED content \d+ at distance \d+", image.Output);
        Assert.Matches(@"grey\.mp4: MATCH MIXED", db.Ok("match", videos.Grey).Output);

        // Export keeps the image and says what it leaves out.
        var export = db.Run("bank", "export", "MIXED");
        Assert.Contains("the vpdq of 1 video items of MIXED is not written", export.Error);
        Assert.Equal(2, export.OutputLines.Length); // the header and the image
    }
}
