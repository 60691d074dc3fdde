using System.Text.Json;
using Vigil.Hashing.Pdq;
using Vigil.Media.Video;
using Vigil.Testing;

namespace Vigil.Cli.Tests;

/// <summary>
/// <c>vigil guard</c> on files: a known picture (a benign fixture photo) entering a test-pattern stream mid-way never
/// reaches the output, not one frame (each output frame hashed against the photo's PDQ), and an unrelated stream leaves
/// frame for frame as it came (lossless output, every frame's hash equal end to end).
/// </summary>
public sealed class GuardCommandTests : IDisposable
{
    private static readonly string Photo = Fixtures.ThreatExchange("pdq/data/bridge-mods/aaa-orig.jpg");
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static async Task<List<PdqHash>> FrameHashesAsync(string video)
    {
        var hasher = new PdqHasher();
        var hashes = new List<PdqHash>();
        await foreach (var frame in FfmpegVideo.ReadFramesAsync(video, new VideoReadOptions(), CancellationToken.None))
            hashes.Add(hasher.HashRgb(frame.Rgb.Span, frame.Width, frame.Height).Hash);
        return hashes;
    }

    [Fact]
    public async Task A_known_picture_entering_mid_stream_never_leaves_and_the_stream_resumes()
    {
        string input = _dir.File("in.mp4"), output = _dir.File("out.nut"), list = _dir.File("list.txt");
        // Two seconds of a test pattern, one second of the photo, two more of the pattern (hue turned): 150 frames at 30/s.
        FfmpegTool.Run("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30:duration=2", "-loop", "1", "-t", "1", "-r", "30", "-i", Photo,
            "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30:duration=2",
            "-filter_complex", "[1:v]scale=320:240,setsar=1,format=yuv420p[k];[0:v]format=yuv420p[a];[2:v]format=yuv420p,hue=h=90[b];[a][k][b]concat=n=3:v=1:a=0[v]",
            "-map", "[v]", "-c:v", "libx264", "-crf", "18", input);
        var known = PhotoHash();
        File.WriteAllLines(list, ["# the known photo's PDQ", known.ToString()]);
        var inputHashes = await FrameHashesAsync(input);
        Assert.Equal(30, inputHashes.Count(h => PdqHash.Distance(h, known) <= 31)); // the scene is known to the list

        var result = CliRunner.Run("guard", input, output, "--list", list, "--resume-after", "1s");
        Assert.True(result.ExitCode == 0, result.Error);
        var events = result.OutputLines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(["blocked", "resumed"], events.Select(e => e.GetProperty("event").GetString()));
        Assert.InRange(events[0].GetProperty("frame").GetInt64(), 60, 65); // the first check inside the scene

        var outputHashes = await FrameHashesAsync(output);
        Assert.Equal(inputHashes.Count, outputHashes.Count);
        Assert.DoesNotContain(outputHashes, h => PdqHash.Distance(h, known) <= 31);
        // Before the scene and once resumed, frames leave as they came (hash for hash, lossless output).
        for (int i = 0; i < 55; i++)
            Assert.True(PdqHash.Distance(inputHashes[i], outputHashes[i]) <= 4, $"frame {i} changed");
        Assert.True(PdqHash.Distance(inputHashes[^5], outputHashes[^5]) <= 4, "the stream did not resume");
    }

    [Fact]
    public async Task An_unrelated_stream_passes_frame_for_frame()
    {
        string input = _dir.File("plain.mp4"), output = _dir.File("plain-out.nut"), list = _dir.File("list.txt");
        FfmpegTool.Run("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30:duration=3", "-c:v", "libx264", "-crf", "18", "-pix_fmt", "yuv420p", input);
        File.WriteAllLines(list, [PhotoHash().ToString()]);
        var result = CliRunner.Run("guard", input, output, "--list", list);
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal("", result.Output);
        Assert.Contains("90 frames, 0 hit(s), 0 frames blocked", result.Error, StringComparison.Ordinal);
        Assert.Equal(await FrameHashesAsync(input), await FrameHashesAsync(output));
    }

    private string SceneVideo(string name = "scene.mp4")
    {
        string input = _dir.File(name);
        FfmpegTool.Run("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30:duration=2", "-loop", "1", "-t", "1", "-r", "30", "-i", Photo,
            "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30:duration=2",
            "-filter_complex", "[1:v]scale=320:240,setsar=1,format=yuv420p[k];[0:v]format=yuv420p[a];[2:v]format=yuv420p,hue=h=90[b];[a][k][b]concat=n=3:v=1:a=0[v]",
            // A keyframe every half second: a receiver that joins late still decodes.
            "-map", "[v]", "-c:v", "libx264", "-crf", "18", "-g", "15", input);
        return input;
    }

    private static readonly string Doorknob = Fixtures.ThreatExchange("tmk/sample-videos/doorknob-hd-no-bar.mp4");

    /// <summary>
    /// The known scene as an uploader would alter it: the first second of a fixture video turned grey, a translucent
    /// logo in a corner, squeezed into letterbox bars; between two test patterns, 640x360 at 30 frames/s, a keyframe
    /// every half second (a receiver that joins late still decodes).
    /// </summary>
    private string EditedFixtureScene()
    {
        string input = _dir.File("edited-scene.mp4");
        FfmpegTool.Run("-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30:duration=2", "-i", Doorknob,
            "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30:duration=2",
            "-filter_complex", "[1:v]trim=end_frame=30,setpts=PTS-STARTPTS,scale=640:360,hue=s=0,drawbox=x=590:y=325:w=40:h=20:color=white@0.5:t=fill,"
                + "scale=640:280,pad=640:360:0:40:black,setsar=1,format=yuv420p[k];[0:v]format=yuv420p[a];[2:v]format=yuv420p,hue=h=90[b];[a][k][b]concat=n=3:v=1:a=0[v]",
            "-map", "[v]", "-c:v", "libx264", "-crf", "18", "-g", "15", input);
        return input;
    }

    /// <summary>The known list: the fixture's first second, frame by frame (PDQ of the frames as they are, quality 50 or more).</summary>
    private static async Task<List<PdqHash>> DoorknobListAsync()
    {
        var hasher = new PdqHasher();
        var list = new List<PdqHash>();
        await foreach (var frame in FfmpegVideo.ReadFramesAsync(Doorknob, new VideoReadOptions(), CancellationToken.None))
        {
            if (frame.FrameNumber >= 30)
                break;
            var result = hasher.HashRgb(frame.Rgb.Span, frame.Width, frame.Height);
            if (result.Quality >= PdqResult.MinimumTrustedQuality)
                list.Add(result.Hash);
        }
        return list;
    }

    [Fact]
    public async Task Over_loopback_udp_an_edited_known_scene_is_blanked_before_its_first_frame_leaves()
    {
        string input = EditedFixtureScene(), output = _dir.File("udp-out.nut"), list = _dir.File("list.txt");
        var known = await DoorknobListAsync();
        Assert.InRange(known.Count, 20, 30);
        File.WriteAllLines(list, known.Select(h => h.ToString()));
        // The scene as sent: grey, logo and bars put every frame of it far from the list as plain PDQ (the guard trims the bars).
        var sent = await FrameHashesAsync(input);
        var scene = sent.Skip(60).Take(30).ToList();
        Assert.All(scene, h => Assert.True(known.Min(k => PdqHash.Distance(h, k)) > 31));

        int port;
        using (var probe = new System.Net.Sockets.UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0)))
            port = ((System.Net.IPEndPoint)probe.Client.LocalEndPoint!).Port;
        string url = $"udp://127.0.0.1:{port}";
        var guard = Task.Run(() => CliRunner.Run("guard", url, output, "--list", list, "--resume-after", "1s", "--stall-timeout", "3"));
        // The sender plays the file in real time (5 s) to the guard's address; frames before the guard listened are simply lost.
        FfmpegTool.Run("-re", "-i", input, "-c", "copy", "-f", "mpegts", url + "?pkt_size=1316");
        var result = await guard.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("the input has ended", result.Error, StringComparison.Ordinal);
        Assert.True(result.OutputLines.Any(), "no event: the edited scene was not recognised");
        var blocked = JsonDocument.Parse(result.OutputLines[0]).RootElement;
        Assert.Equal(("blocked", "known_hash"), (blocked.GetProperty("event").GetString(), blocked.GetProperty("reason").GetString()));
        Assert.Contains("\"event\":\"resumed\"", result.Output, StringComparison.Ordinal);
        var outputHashes = await FrameHashesAsync(output);
        Assert.InRange(outputHashes.Count, 90, 150);
        // Not one frame of the scene left: no output frame is near any frame of it as it was sent.
        foreach (var h in outputHashes)
            Assert.True(scene.Min(s => PdqHash.Distance(h, s)) > 31, "a frame of the edited scene left the guard");
        // The pattern after the quiet period came through (a live stream's frames are not numbered: find them).
        Assert.All(outputHashes.TakeLast(10), h => Assert.True(sent.TakeLast(30).Min(s => PdqHash.Distance(h, s)) <= 8, "the stream did not resume"));
    }

    /// <summary>Over loopback UDP, an unrelated stream leaves unchanged: the frames that left are the frames sent, hash for hash, in order.</summary>
    [Fact]
    public async Task Over_loopback_udp_an_unrelated_stream_passes_unchanged()
    {
        string input = _dir.File("plain-udp.mp4"), output = _dir.File("plain-udp-out.nut"), list = _dir.File("list.txt");
        // 6 s sent, 2 s asked for: the guard's process may start listening a few seconds late on a busy machine, and what UDP
        // sent before that is gone (the test is about the frames that arrive, not about start-up).
        FfmpegTool.Run("-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30:duration=6", "-c:v", "libx264", "-crf", "18", "-g", "15", "-pix_fmt", "yuv420p", input);
        File.WriteAllLines(list, (await DoorknobListAsync()).Select(h => h.ToString()));
        int port;
        using (var probe = new System.Net.Sockets.UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0)))
            port = ((System.Net.IPEndPoint)probe.Client.LocalEndPoint!).Port;
        string url = $"udp://127.0.0.1:{port}";
        var guard = Task.Run(() => CliRunner.Run("guard", url, output, "--list", list, "--stall-timeout", "3"));
        FfmpegTool.Run("-re", "-i", input, "-c", "copy", "-f", "mpegts", url + "?pkt_size=1316");
        var result = await guard.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal("", result.Output);
        var sent = await FrameHashesAsync(input);
        var left = await FrameHashesAsync(output);
        Assert.InRange(left.Count, 60, sent.Count);
        // The receiver joins at a keyframe: what left is a run of the frames sent, each exactly as it was.
        int start = sent.IndexOf(left[0]);
        Assert.True(start >= 0, "the first frame out is not a frame that was sent");
        Assert.Equal(sent.Skip(start).Take(left.Count), left);
    }

    [Fact]
    public async Task From_standard_input_to_a_file()
    {
        // A pipe carries a stream format (MPEG-TS), as a camera or an encoder pipes it.
        string input = SceneVideo("scene.ts"), output = _dir.File("stdin-out.nut"), list = _dir.File("list.txt");
        var known = PhotoHash();
        File.WriteAllLines(list, [known.ToString()]);
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { "exec", Path.Combine(AppContext.BaseDirectory, "vigil.dll"), "guard", "-", output, "--list", list, "--resume-after", "1s" })
            start.ArgumentList.Add(a);
        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await using (var file = File.OpenRead(input))
            await file.CopyToAsync(process.StandardInput.BaseStream);
        process.StandardInput.Close();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(process.ExitCode == 0, await stderr);
        Assert.Contains("\"event\":\"blocked\"", await stdout, StringComparison.Ordinal);
        var outputHashes = await FrameHashesAsync(output);
        Assert.Equal(150, outputHashes.Count);
        Assert.DoesNotContain(outputHashes, h => PdqHash.Distance(h, known) <= 31);
    }

    [Fact]
    public async Task A_packed_list_from_a_bank_is_signed_checked_at_start_and_refused_when_changed()
    {
        using var db = new TestDb();
        db.Ok("bank", "create", "KNOWN");
        db.Ok("bank", "add", "KNOWN", Photo);
        string key = _dir.File("server.key"), packed = _dir.File("device.vgl");
        File.WriteAllBytes(key, Vigil.Privacy.Psi.ServerKey.Generate().Export());
        var pack = db.Ok("guard", "pack-list", "--bank", "KNOWN", "--key", key, "--out", packed);
        Assert.Contains("packed 1 PDQ hashes into", pack.Output);
        string publicKey = pack.OutputLines.Single(l => l.StartsWith("list key: ", StringComparison.Ordinal))["list key: ".Length..];
        var hashes = Vigil.Video.Guard.PackedPdqList.Unpack(File.ReadAllBytes(packed),
            (m, sig) => Vigil.Privacy.Crypto.Ed25519.Verify(Convert.FromHexString(publicKey), m, sig));
        Assert.Equal([PhotoHash()], hashes);

        string input = SceneVideo(), output = _dir.File("packed-out.nut");
        var guarded = CliRunner.Run("guard", input, output, "--list", packed, "--list-key", publicKey, "--resume-after", "1s");
        Assert.True(guarded.ExitCode == 0, guarded.Error);
        Assert.Contains("signature verified", guarded.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(await FrameHashesAsync(output), h => PdqHash.Distance(h, PhotoHash()) <= 31);

        // One flipped bit, the wrong key, or no key: the guard does not start.
        var changed = File.ReadAllBytes(packed);
        changed[10] ^= 1;
        File.WriteAllBytes(packed, changed);
        var refused = CliRunner.Run("guard", input, output, "--list", packed, "--list-key", publicKey);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("signature does not verify", refused.Error, StringComparison.Ordinal);
        Assert.Contains("give --list-key", CliRunner.Run("guard", input, output, "--list", packed).Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_options_are_clear_errors()
    {
        string list = _dir.File("bad-list.txt");
        File.WriteAllLines(list, ["not-a-hash"]);
        var badList = CliRunner.Run("guard", "in.mp4", "out.nut", "--list", list);
        Assert.Equal(1, badList.ExitCode);
        Assert.Contains("line 1: 'not-a-hash' is not a PDQ hash", badList.Error, StringComparison.Ordinal);
        Assert.Contains("give what to check against", CliRunner.Run("guard", "in.mp4", "out.nut").Error, StringComparison.Ordinal);
        string vendor = _dir.File("vendor.json");
        File.WriteAllText(vendor, """
            { "name": "vendor", "version": "1", "labels": ["x"], "threshold": 0.5, "http": { "url": "https://classifier.example/v1" } }
            """);
        var offDevice = CliRunner.Run("guard", "in.mp4", "out.nut", "--classifier", vendor);
        Assert.Equal(1, offDevice.ExitCode);
        Assert.Contains("sends nothing off the device", offDevice.Error, StringComparison.Ordinal);
        Assert.Contains("--delay must be a duration", CliRunner.Run("guard", "in.mp4", "out.nut", "--list", list, "--delay", "soon").Error, StringComparison.Ordinal);
        File.WriteAllLines(list, [PhotoHash().ToString()]);
        var missing = CliRunner.Run("guard", _dir.File("none.mp4"), _dir.File("o.nut"), "--list", list);
        Assert.Equal(1, missing.ExitCode);
        Assert.StartsWith("error: ", missing.Error.Split('\n').Last(l => l.Length > 0), StringComparison.Ordinal);
    }

    /// <summary>
    /// Sound goes with the pictures: under every frame that left as itself the samples are the input's, bit for bit
    /// (lossless output), and under every blocked (black) frame they are silence.
    /// </summary>
    [Fact]
    public async Task Sound_passes_through_with_released_frames_and_is_silenced_with_blocked_ones()
    {
        string input = _dir.File("tone.mkv"), output = _dir.File("tone-out.nut"), list = _dir.File("list.txt");
        FfmpegTool.Run("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30:duration=2", "-loop", "1", "-t", "1", "-r", "30", "-i", Photo,
            "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30:duration=2", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=5",
            "-filter_complex", "[1:v]scale=320:240,setsar=1,format=yuv420p[k];[0:v]format=yuv420p[a];[2:v]format=yuv420p,hue=h=90[b];[a][k][b]concat=n=3:v=1:a=0[v]",
            "-map", "[v]", "-map", "3:a", "-c:v", "libx264", "-crf", "18", "-c:a", "pcm_s16le", input);
        File.WriteAllLines(list, [PhotoHash().ToString()]);
        var result = CliRunner.Run("guard", input, output, "--list", list, "--resume-after", "1s");
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("150 frames with sound", result.Error, StringComparison.Ordinal);

        short[] Samples(string video)
        {
            string raw = _dir.File(Path.GetFileName(video) + ".s16");
            FfmpegTool.Run("-i", video, "-map", "0:a:0", "-f", "s16le", "-ac", "1", raw);
            var bytes = File.ReadAllBytes(raw);
            return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, short>(bytes).ToArray();
        }
        short[] before = Samples(input), after = Samples(output);
        Assert.Equal(before.Length, after.Length);
        int blockedFrames = 0, clearFrames = 0;
        await foreach (var frame in FfmpegVideo.ReadFramesAsync(output, new VideoReadOptions(), CancellationToken.None))
        {
            bool black = !frame.Rgb.Span.ContainsAnyExcept((byte)0);
            int from = (int)(frame.FrameNumber * 1600), to = Math.Min(after.Length, from + 1600); // 48,000 samples a second, 30 frames
            var heard = after.AsSpan(from, to - from);
            if (black)
            {
                blockedFrames++;
                Assert.False(heard.ContainsAnyExcept((short)0), $"sound under blocked frame {frame.FrameNumber}");
            }
            else
            {
                clearFrames++;
                Assert.True(heard.SequenceEqual(before.AsSpan(from, to - from)), $"sound under frame {frame.FrameNumber} changed");
            }
        }
        Assert.InRange(blockedFrames, 30, 70);
        Assert.InRange(clearFrames, 80, 120);
    }

    /// <summary>
    /// An on-device classifier (a synthetic ONNX model whose score is a frame's mean brightness) blocks the white scene in
    /// a test-pattern stream before any of its frames leaves, and the hook runs with the event on its input.
    /// </summary>
    [Fact]
    public async Task A_classifier_past_its_threshold_blocks_the_scene_and_runs_the_hooks()
    {
        File.WriteAllBytes(_dir.File("brightness.onnx"), Vigil.Classifiers.Onnx.SyntheticModels.Brightness(64));
        string manifest = _dir.File("brightness.json"), input = _dir.File("bright.mp4"), output = _dir.File("bright-out.nut");
        File.WriteAllText(manifest, """
            { "name": "brightness", "version": "1", "labels": ["bright"], "threshold": 0.9,
              "onnx": { "model": "brightness.onnx", "width": 64, "height": 64 } }
            """);
        FfmpegTool.Run("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30:duration=2", "-f", "lavfi", "-i", "color=white:size=320x240:rate=30:duration=1",
            "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30:duration=2",
            "-filter_complex", "[0:v]format=yuv420p[a];[1:v]format=yuv420p[w];[2:v]format=yuv420p[b];[a][w][b]concat=n=3:v=1:a=0[v]",
            "-map", "[v]", "-c:v", "libx264", "-crf", "18", input);
        string hookOut = _dir.File("hook.json");
        var result = CliRunner.Run("guard", input, output, "--classifier", manifest, "--resume-after", "1s",
            "--on-block-run", $"cat > '{hookOut}'; echo \"$VIGIL_GUARD_EVENT $VIGIL_GUARD_REASON\" >> '{hookOut}'");
        Assert.True(result.ExitCode == 0, result.Error);
        var blocked = JsonDocument.Parse(result.OutputLines[0]).RootElement;
        Assert.Equal("blocked", blocked.GetProperty("event").GetString());
        Assert.Equal("classifier", blocked.GetProperty("reason").GetString());
        Assert.Equal("brightness", blocked.GetProperty("classifier").GetString());
        Assert.True(blocked.GetProperty("score").GetDouble() >= 0.9);
        var hookLines = File.ReadAllLines(hookOut);
        Assert.Equal(result.OutputLines[0], hookLines[0]);
        Assert.Equal("blocked classifier", hookLines[1]);

        int frames = 0;
        await foreach (var frame in FfmpegVideo.ReadFramesAsync(output, new VideoReadOptions(), CancellationToken.None))
        {
            long sum = 0;
            foreach (byte b in frame.Rgb.Span)
                sum += b;
            double brightness = sum / (255.0 * frame.Rgb.Length);
            Assert.True(brightness < 0.9, $"frame {frame.FrameNumber} left at brightness {brightness:F2}");
            frames++;
        }
        Assert.Equal(150, frames);
    }

    private static PdqHash PhotoHash()
    {
        using var decoder = new Vigil.Media.ImageDecoder();
        using var image = decoder.DecodeFile(Photo);
        return new PdqHasher().HashRgb(image.Pixels, image.Width, image.Height).Hash;
    }
}
