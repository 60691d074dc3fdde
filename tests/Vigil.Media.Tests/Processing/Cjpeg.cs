using System.Text;
using Vigil.Media.Tests.Support;

namespace Vigil.Media.Tests.Processing;

/// <summary>libjpeg-turbo's cjpeg (package libjpeg-turbo-progs), for real JPEG re-encodings of generated images.</summary>
internal static class Cjpeg
{
    public const string Program = "/usr/bin/cjpeg";

    public static bool IsInstalled => File.Exists(Program);

    /// <summary>The image as a baseline JPEG of the given quality (cjpeg's defaults otherwise: 4:2:0 chroma).</summary>
    public static byte[] Encode(SyntheticImages.Pixels image, int quality)
    {
        using var dir = new Vigil.Testing.TempDirectory();
        var ppm = dir.File("in.ppm");
        using (var file = File.Create(ppm))
        {
            file.Write(Encoding.ASCII.GetBytes($"P6\n{image.Width} {image.Height}\n255\n"));
            file.Write(image.Rgb);
        }

        var (code, jpeg, stderr) = Tools.Run(Program, ["-quality", quality.ToString(System.Globalization.CultureInfo.InvariantCulture), ppm]);
        return code == 0 ? jpeg : throw new InvalidOperationException($"cjpeg failed ({code}): {stderr}");
    }
}
