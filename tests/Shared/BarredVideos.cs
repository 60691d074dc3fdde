namespace Vigil.Testing;

/// <summary>
/// Benign fixture videos with bars added by ffmpeg's pad filter: the doorknob sample (1280x720) letterboxed and
/// pillarboxed in black, letterboxed in near-black, letterboxed with one frame blacked out, and a test pattern.
/// </summary>
public sealed class BarredVideos : IDisposable
{
    private readonly TempDirectory _dir = new("vigil-bars-");

    public BarredVideos()
    {
        Letterboxed = Make("letterboxed.mp4", "scale=1280:540,setsar=1,pad=1280:720:0:90:black");
        Pillarboxed = Make("pillarboxed.mp4", "scale=960:720,setsar=1,pad=1280:720:160:0:black");
        NearBlack = Make("near-black.mp4", "scale=1280:540,setsar=1,pad=1280:720:0:90:0x101010");
        // The second sampled frame (frame 30, at 1 s) is black all over, bars and picture.
        WithDarkFrame = Make("dark-frame.mp4", "scale=1280:540,setsar=1,pad=1280:720:0:90:black,drawbox=x=0:y=0:w=iw:h=ih:color=black:t=fill:enable='between(n,25,35)'");
        Unrelated = Path.Combine(_dir.Path, "unrelated.mp4");
        FfmpegTool.Run("-f", "lavfi", "-i", "mandelbrot=size=640x360:rate=30", "-t", "4", "-vf", "pad=640:480:0:60:black", "-pix_fmt", "yuv420p", Unrelated);
    }

    /// <summary>The original: 1280x720, 4 s at 30 fps, no bars.</summary>
    public static string Original { get; } = Fixtures.ThreatExchange("tmk/sample-videos/doorknob-hd-no-bar.mp4");

    /// <summary>The picture scaled to 1280x540 between black bars of 90 rows: the picture is (0, 90, 1280, 540).</summary>
    public string Letterboxed { get; }

    /// <summary>The picture scaled to 960x720 between black bars of 160 columns: the picture is (160, 0, 960, 720).</summary>
    public string Pillarboxed { get; }

    /// <summary>As <see cref="Letterboxed"/>, the bars of colour 16, 16, 16.</summary>
    public string NearBlack { get; }

    /// <summary>As <see cref="Letterboxed"/>, with frames 25 to 35 all black.</summary>
    public string WithDarkFrame { get; }

    /// <summary>A fractal, letterboxed: unrelated to the doorknob.</summary>
    public string Unrelated { get; }

    private string Make(string name, string filter)
    {
        string path = Path.Combine(_dir.Path, name);
        FfmpegTool.Run("-i", Original, "-vf", filter, "-c:v", "libx264", "-crf", "23", "-pix_fmt", "yuv420p", "-an", path);
        return path;
    }

    public void Dispose() => _dir.Dispose();
}
