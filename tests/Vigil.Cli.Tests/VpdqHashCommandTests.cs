using System.Text.Json;
using Vigil.Hashing.Vpdq;
using Vigil.Testing;

namespace Vigil.Cli.Tests;

/// <summary><c>vigil hash --algorithm vpdq</c>: the reference's lines, csv, json, sampling options, errors.</summary>
public sealed class VpdqHashCommandTests
{
    private static readonly string Doorknob = Fixtures.ThreatExchange("tmk/sample-videos/doorknob-hd-no-bar.mp4");
    private static readonly string Padded = Fixtures.ThreatExchange("tmk/sample-videos/test-padded-dimensions.mp4");

    [Fact]
    public void Vpdq_format_prints_the_reference_lines_one_frame_per_second()
    {
        var result = CliRunner.Run("hash", "--algorithm", "vpdq", Doorknob);
        Assert.Equal(0, result.ExitCode);
        var frames = VpdqFormat.Parse(result.Output);
        Assert.Equal([0, 30, 60, 90], frames.Select(f => f.FrameNumber));
        Assert.Matches(@"^0,\d+,[0-9a-f]{64},0\.000$", result.OutputLines[0]);
        Assert.EndsWith(",1.000", result.OutputLines[1]);
    }

    [Fact]
    public void Every_frame_and_seconds_per_hash_choose_the_frames()
    {
        var every = CliRunner.Run("hash", "-a", "vpdq", "--every-frame", "--format", "vpdq", Padded);
        Assert.Equal(0, every.ExitCode);
        Assert.Equal(150, every.OutputLines.Length);
        Assert.EndsWith(",0.033", every.OutputLines[1]);
        var two = CliRunner.Run("hash", "-a", "vpdq", "--seconds-per-hash", "2", Padded);
        Assert.Equal([0, 60, 120], VpdqFormat.Parse(two.Output).Select(f => f.FrameNumber));
    }

    [Fact]
    public void Csv_adds_the_path_first()
    {
        var result = CliRunner.Run("hash", "-a", "vpdq", "--format", "csv", Doorknob, Padded);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("path,frame_number,quality,pdq,timestamp", result.OutputLines[0]);
        Assert.Equal(1 + 4 + 5, result.OutputLines.Length);
        Assert.StartsWith(Doorknob + ",0,", result.OutputLines[1]);
        Assert.StartsWith(Padded + ",120,", result.OutputLines[^1]);
    }

    [Fact]
    public void Json_is_one_object_per_video()
    {
        var result = CliRunner.Run("hash", "-a", "vpdq", "-f", "json", Doorknob);
        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.OutputLines.Single());
        var root = json.RootElement;
        Assert.Equal(Doorknob, root.GetProperty("path").GetString());
        Assert.Equal(1280, root.GetProperty("width").GetInt32());
        Assert.Equal(720, root.GetProperty("height").GetInt32());
        Assert.Equal(30, root.GetProperty("fps").GetDouble());
        var frames = root.GetProperty("frames");
        Assert.Equal(4, frames.GetArrayLength());
        Assert.Equal(30, frames[1].GetProperty("frame").GetInt32());
        Assert.Equal(1.0, frames[1].GetProperty("timestamp").GetDouble());
        Assert.Equal(64, frames[1].GetProperty("pdq").GetString()!.Length);
    }

    [Fact]
    public void Several_videos_in_vpdq_format_are_headed_by_their_paths()
    {
        var result = CliRunner.Run("hash", "-a", "vpdq", Doorknob, Padded);
        Assert.Equal("# " + Doorknob, result.OutputLines[0]);
        Assert.Equal("# " + Padded, result.OutputLines[5]);
    }

    [Fact]
    public void A_bad_file_is_named_and_the_others_go_on()
    {
        using var temp = new TempDirectory();
        string text = temp.File("notes.mp4");
        File.WriteAllText(text, "not a video");
        var result = CliRunner.Run("hash", "-a", "vpdq", text, Doorknob, temp.File("missing.mp4"));
        Assert.Equal(1, result.ExitCode);
        Assert.Equal(["# " + Doorknob], result.OutputLines.Where(l => l.StartsWith('#')));
        Assert.Equal(4, VpdqFormat.Parse(string.Join('\n', result.OutputLines.Where(l => !l.StartsWith('#')))).Count);
        Assert.Contains($"error: {text}: not a video", result.Error);
        Assert.Contains("missing.mp4: no such file", result.Error);
    }

    [Theory]
    [InlineData("--every-frame")]
    [InlineData("--seconds-per-hash", "2")]
    [InlineData("--format", "vpdq")]
    public void Video_options_need_the_vpdq_algorithm(params string[] option)
    {
        var result = CliRunner.Run(["hash", "-a", "pdq", .. option, Doorknob]);
        Assert.Equal(2, result.ExitCode);
    }

    [Fact]
    public void Both_sampling_options_or_a_bad_interval_are_usage_errors()
    {
        Assert.Equal(2, CliRunner.Run("hash", "-a", "vpdq", "--every-frame", "--seconds-per-hash", "2", Doorknob).ExitCode);
        Assert.Equal(2, CliRunner.Run("hash", "-a", "vpdq", "--seconds-per-hash", "0", Doorknob).ExitCode);
    }

    [Fact]
    public void Md5_of_a_video_is_the_md5_of_its_bytes()
    {
        var result = CliRunner.Run("hash", "-a", "md5", Doorknob);
        Assert.Equal(0, result.ExitCode);
        string expected = Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(File.ReadAllBytes(Doorknob)));
        Assert.Equal($"{expected} {Doorknob}", result.OutputLines.Single());
    }
}
