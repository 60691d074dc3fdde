using System.Security.Cryptography;
using Vigil.Review.Evidence;
using Vigil.Review.Wellness;
using Vigil.Testing;

namespace Vigil.Review.Tests.Evidence;

/// <summary>
/// Sealing, opening and making the reviewer-safe derivatives of a fixture leave its bytes nowhere on disk: the temp
/// folder (where a decoder or ffmpeg would spill) is searched for them afterwards.
/// </summary>
public sealed class PlaintextNeverOnDiskTests : IDisposable
{
    private readonly TempDirectory _dir = new("vigil-ondisk-");

    public void Dispose() => _dir.Dispose();

    /// <summary>The fixture's bytes followed by 64 random ones (decoders ignore data after the end): the random tail is what is searched for, so copies of the fixture that other tests keep in the temp folder do not count.</summary>
    private static (byte[] Plaintext, byte[] Marker) Marked(string fixture)
    {
        var marker = new byte[64];
        RandomNumberGenerator.Fill(marker);
        return ([.. File.ReadAllBytes(fixture), .. marker], marker);
    }

    /// <summary>Files under the temp folder written since <paramref name="since"/> that contain <paramref name="needle"/>.</summary>
    private static List<string> FilesContaining(byte[] needle, DateTime since)
    {
        var found = new List<string>();
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };
        foreach (var file in new DirectoryInfo(Path.GetTempPath()).EnumerateFiles("*", options))
        {
            try
            {
                if (file.LastWriteTimeUtc < since || file.Length < needle.Length || file.Length > 256L << 20)
                    continue;
                if (File.ReadAllBytes(file.FullName).AsSpan().IndexOf(needle) >= 0)
                    found.Add(file.FullName);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // gone or unreadable (another engineer's file): not ours
            }
        }
        return found;
    }

    [Fact]
    public async Task Sealing_opening_and_blurring_an_image_and_a_video_write_no_plaintext()
    {
        var since = DateTime.UtcNow.AddSeconds(-2);
        var (image, imageMarker) = Marked(Fixtures.ThreatExchange("pdq/data/bridge-mods/aaa-orig.jpg"));
        var (video, videoMarker) = Marked(Fixtures.ThreatExchange("tmk/sample-videos/doorknob-hd-no-bar.mp4"));

        using var key = KeyFileWrapper.Create(Path.Combine(_dir.Path, "master.key"));
        var vault = new EvidenceVault(key);
        var sealedImage = vault.Seal(image, "image/jpeg");
        var sealedVideo = vault.Seal(video, "video/mp4");
        Assert.Equal(-1, sealedImage.Ciphertext.AsSpan().IndexOf(imageMarker));

        using (var maker = new BlurredImageMaker())
            Assert.True(maker.Make(vault.Open(sealedImage)).Png.Length > 0);
        var strip = await BlurredStripMaker.MakeAsync(vault.Open(sealedVideo));
        Assert.Equal(VideoStripOptions.DefaultFrameCount, strip.TileCount);

        Assert.Empty(FilesContaining(imageMarker, since));
        Assert.Empty(FilesContaining(videoMarker, since));
    }

    [Fact]
    public void The_search_finds_plaintext_that_was_written()
    {
        // The check above is only worth something if it would see a spilled copy.
        var since = DateTime.UtcNow.AddSeconds(-2);
        var (image, marker) = Marked(Fixtures.ThreatExchange("pdq/data/misc-images/small.jpg"));
        string spilled = _dir.File("spill/copy.bin");
        File.WriteAllBytes(spilled, image);
        Assert.Equal([spilled], FilesContaining(marker, since));
    }
}
