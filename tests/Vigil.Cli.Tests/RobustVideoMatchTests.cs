using System.Text.Json;
using Vigil.Testing;

namespace Vigil.Cli.Tests;

/// <summary>
/// <c>vigil match --robust</c> and <c>vigil watch --robust</c> on letterboxed and pillarboxed copies of a bank video:
/// plain matching misses them, robust matching finds them by their trimmed frames and says so, and plain answers
/// are as before.
/// </summary>
public sealed class RobustVideoMatchTests(BarredVideos videos) : IClassFixture<BarredVideos>
{
    private static TestDb Bank()
    {
        var db = new TestDb();
        db.Ok("bank", "create", "KNOWN_VIDEO");
        db.Ok("bank", "add", "KNOWN_VIDEO", "--label", "B2", BarredVideos.Original);
        return db;
    }

    private static List<JsonElement> Json(CliResult result) => result.OutputLines.Select(l => JsonDocument.Parse(l).RootElement).ToList();

    [Fact]
    public void Barred_copies_match_only_with_robust_by_their_trimmed_frames_and_an_unrelated_video_does_not()
    {
        using var db = Bank();
        string[] copies = [videos.Letterboxed, videos.Pillarboxed, videos.NearBlack, videos.WithDarkFrame];
        var plain = Json(db.Ok(["match", "-f", "json", .. copies, videos.Unrelated]));
        Assert.All(plain, line => Assert.Equal("no_match", line.GetProperty("status").GetString()));
        Assert.All(plain, line => Assert.DoesNotContain("variant", line.GetRawText()));

        var robust = db.Ok(["match", "--robust", "-f", "json", .. copies, videos.Unrelated]);
        Assert.DoesNotContain("applies to images only", robust.Error);
        var lines = Json(robust);
        foreach (var line in lines.Take(copies.Length))
        {
            Assert.Equal("matched", line.GetProperty("status").GetString());
            var match = Assert.Single(line.GetProperty("matches").EnumerateArray());
            Assert.Equal(("KNOWN_VIDEO", "vpdq", "trimmed", true), (match.GetProperty("bank").GetString(), match.GetProperty("signal").GetString(),
                match.GetProperty("variant").GetString(), match.GetProperty("match").GetBoolean()));
            Assert.True(match.GetProperty("query_percent").GetDouble() >= 80, line.GetRawText());
        }
        Assert.Equal("no_match", lines[^1].GetProperty("status").GetString());
        Assert.DoesNotContain(lines[^1].GetProperty("matches").EnumerateArray(), m => m.GetProperty("match").GetBoolean());

        var text = db.Ok("match", "--robust", videos.Letterboxed).OutputLines;
        Assert.Matches(@"letterboxed\.mp4: MATCH KNOWN_VIDEO content \d+ by vpdq, query \d+\.\d%, compared \d+\.\d%  match yes  label B2  \(doorknob-hd-no-bar\.mp4\)  \(trimmed\)$", Assert.Single(text));
    }

    [Fact]
    public void The_original_matches_with_robust_as_without_it()
    {
        using var db = Bank();
        var plain = db.Ok("match", "-f", "json", BarredVideos.Original);
        var robust = db.Ok("match", "--robust", "-f", "json", BarredVideos.Original);
        Assert.Equal(plain.Output, robust.Output);
        Assert.Contains("\"signal\":\"video_md5\"", plain.Output);
        // --dihedral alone still says it does nothing for videos.
        Assert.Contains("warning: --dihedral applies to images only", db.Ok("match", "--dihedral", BarredVideos.Original).Error);
    }

    [Fact]
    public void Watch_robust_finds_a_letterboxed_copy_by_its_trimmed_frames_and_plain_watch_does_not()
    {
        using var db = Bank();
        var plain = db.Ok("watch", videos.Letterboxed);
        Assert.Empty(plain.OutputLines);

        var robust = db.Ok("watch", "--robust", videos.Pillarboxed);
        Assert.Contains("(plain and with borders trimmed)", robust.Error);
        var e = JsonDocument.Parse(Assert.Single(robust.OutputLines)).RootElement;
        Assert.Equal(("KNOWN_VIDEO", 1L, "trimmed"), (e.GetProperty("bank").GetString(), e.GetProperty("content_id").GetInt64(), e.GetProperty("variant").GetString()));
        Assert.Equal(["time", "frame", "stream_seconds", "bank", "content_id", "distance", "quality", "variant"], e.EnumerateObject().Select(p => p.Name));
        Assert.InRange(e.GetProperty("distance").GetInt32(), 0, 31);

        Assert.Empty(db.Ok("watch", "--robust", videos.Unrelated).OutputLines);
        Assert.Contains("--robust", db.Ok("watch", "--help").Output);
    }
}
