using Microsoft.Playwright;

namespace Vigil.Review.Ui.Tests;

/// <summary>
/// Screenshots of the pages the walkthrough passes. They go to a temporary folder; with
/// <c>VIGIL_SCREENSHOTS_DIR</c> set (docs/images, say) they go there instead, which is how the
/// pictures in docs/review.md are made: <c>VIGIL_SCREENSHOTS_DIR=$PWD/docs/images dotnet test tests/Vigil.Review.Ui.Tests --filter Walkthrough</c>.
/// </summary>
internal static class Screenshots
{
    private static readonly string Folder = Environment.GetEnvironmentVariable("VIGIL_SCREENSHOTS_DIR") is { Length: > 0 } dir
        ? dir
        : Path.Combine(Path.GetTempPath(), "vigil-review-screenshots");

    public static async Task<string> SaveAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Folder);
        string path = Path.Combine(Folder, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        var bytes = await File.ReadAllBytesAsync(path);
        Assert.True(bytes.Length > 1000 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G', $"{path} is not a PNG");
        return path;
    }
}
