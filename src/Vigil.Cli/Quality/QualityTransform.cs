using Vigil.ImageHashing;
using Vigil.Media;
using Vigil.Media.Processing;

namespace Vigil.Cli.Quality;

/// <summary>One edit <c>vigil bench quality</c> makes to every image: its name, what it does, and the edit (deterministic from the seed).</summary>
/// <param name="Name">The name in reports and <c>--transforms</c>.</param>
/// <param name="Description">What it does, for docs and <c>--help</c>.</param>
/// <param name="Apply">The edit: a new image from the original and a seed (the caller disposes it).</param>
internal sealed record QualityTransform(string Name, string Description, Func<RgbImage, int, RgbImage> Apply)
{
    private static readonly string[] s_captions =
    [
        "WHEN THE WIFI COMES BACK", "MONDAY MORNING MOOD", "ME AFTER ONE COFFEE", "NOBODY: ABSOLUTELY NOBODY:",
        "THIS IS FINE", "WEEKEND PLANS", "TRUST THE PROCESS", "ONE DOES NOT SIMPLY",
    ];

    /// <summary>The documented transform set, in report order.</summary>
    public static IReadOnlyList<QualityTransform> All { get; } =
    [
        new("jpeg-q30", "re-encoded as JPEG at quality 30", (image, _) => ImageEdits.ReencodeJpeg(image, 30)),
        new("jpeg-q70", "re-encoded as JPEG at quality 70", (image, _) => ImageEdits.ReencodeJpeg(image, 70)),
        new("resize-50", "resized to 50% of each side", (image, _) => Scale(image, 0.5)),
        new("resize-25", "resized to 25% of each side", (image, _) => Scale(image, 0.25)),
        new("crop-5-centre", "5% of each side cropped away, the centre kept", (image, _) => ImageEdits.CropFraction(image, 0.05, CropAnchor.Centre)),
        new("crop-10-centre", "10% of each side cropped away, the centre kept", (image, _) => ImageEdits.CropFraction(image, 0.10, CropAnchor.Centre)),
        new("crop-20-centre", "20% of each side cropped away, the centre kept", (image, _) => ImageEdits.CropFraction(image, 0.20, CropAnchor.Centre)),
        new("crop-5-corner", "5% of each side cropped away, the top-left corner kept", (image, _) => ImageEdits.CropFraction(image, 0.05, CropAnchor.TopLeft)),
        new("crop-10-corner", "10% of each side cropped away, the top-left corner kept", (image, _) => ImageEdits.CropFraction(image, 0.10, CropAnchor.TopLeft)),
        new("crop-20-corner", "20% of each side cropped away, the top-left corner kept", (image, _) => ImageEdits.CropFraction(image, 0.20, CropAnchor.TopLeft)),
        new("rotate-90", "rotated a quarter turn clockwise", (image, _) => ImageEdits.Rotate90(image, 1)),
        new("rotate-180", "rotated a half turn", (image, _) => ImageEdits.Rotate90(image, 2)),
        new("rotate-5", "rotated 5 degrees, the corners filled black, the same size", (image, _) => ImageEdits.Rotate(image, 5, Rgb.Black)),
        new("mirror", "mirrored left to right", (image, _) => ImageEdits.MirrorHorizontal(image)),
        new("brightness", "brightened by 40 levels of 255", (image, _) => ImageEdits.AdjustBrightness(image, 40)),
        new("contrast", "contrast raised by 40%", (image, _) => ImageEdits.AdjustContrast(image, 1.4)),
        new("greyscale", "turned to greyscale", (image, _) => ImageEdits.Greyscale(image)),
        new("blur", "box-blurred, radius 2 px", (image, _) => ImageEdits.BoxBlur(image, 2)),
        new("noise", "Gaussian noise, sigma 12 levels", (image, seed) => ImageEdits.AddNoise(image, 12, seed)),
        new("caption", "a meme caption burnt in across the top", (image, seed) => ImageEdits.DrawCaption(image, s_captions[(seed & int.MaxValue) % s_captions.Length], CaptionPosition.Top)),
        new("letterbox", "black bars above and below, each 12.5% of the new height", (image, _) => ImageEdits.Letterbox(image, 0.125, Rgb.Black)),
        new("pillarbox", "black bars left and right, each 12.5% of the new width", (image, _) => ImageEdits.Pillarbox(image, 0.125, Rgb.Black)),
        new("border", "a uniform white frame, 6% of the short side", (image, _) => ImageEdits.AddBorder(image, Math.Max(2, Math.Min(image.Width, image.Height) * 6 / 100), Rgb.White)),
        new("screenshot", "embedded in a larger screenshot-like page with a title and text lines", (image, seed) => ImageEdits.ScreenshotCanvas(image, seed)),
    ];

    /// <summary>
    /// Edits between the default set's steps, asked for by name only: they show whether the bank side's crops and
    /// rotations generalise, or only match the edits they were made like.
    /// </summary>
    public static IReadOnlyList<QualityTransform> OffGrid { get; } =
    [
        new("crop-3-centre", "3% of each side cropped away, the centre kept", (image, _) => ImageEdits.CropFraction(image, 0.03, CropAnchor.Centre)),
        new("crop-7-centre", "7% of each side cropped away, the centre kept", (image, _) => ImageEdits.CropFraction(image, 0.07, CropAnchor.Centre)),
        new("crop-15-centre", "15% of each side cropped away, the centre kept", (image, _) => ImageEdits.CropFraction(image, 0.15, CropAnchor.Centre)),
        new("crop-7-corner", "7% of each side cropped away, the top-left corner kept", (image, _) => ImageEdits.CropFraction(image, 0.07, CropAnchor.TopLeft)),
        new("crop-7-bottomright", "7% of each side cropped away, the bottom-right corner kept", (image, _) => BankVariant.Corner(7, "bottomright").Make(image)),
        new("rotate-3", "rotated 3 degrees, the corners filled black", (image, _) => ImageEdits.Rotate(image, 3, Rgb.Black)),
        new("rotate-8", "rotated 8 degrees, the corners filled black", (image, _) => ImageEdits.Rotate(image, 8, Rgb.Black)),
        new("rotate-5-white", "rotated -5 degrees, the corners filled white", (image, _) => ImageEdits.Rotate(image, -5, Rgb.White)),
        new("caption-bottom", "a meme caption burnt in across the bottom", (image, seed) => ImageEdits.DrawCaption(image, s_captions[(seed & int.MaxValue) % s_captions.Length], CaptionPosition.Bottom)),
    ];

    /// <summary>The transforms named in <paramref name="list"/> (comma-separated; the default set's and <see cref="OffGrid"/>'s), or the default set; an unknown name is an error naming the known ones.</summary>
    public static IReadOnlyList<QualityTransform> Select(string? list) =>
        NamedChoices.Select(list, All, All.Concat(OffGrid), t => t.Name, "--transforms", "transform");

    private static RgbImage Scale(RgbImage image, double factor) =>
        ImageEdits.Resize(image, Math.Max(1, (int)Math.Round(image.Width * factor)), Math.Max(1, (int)Math.Round(image.Height * factor)));
}
