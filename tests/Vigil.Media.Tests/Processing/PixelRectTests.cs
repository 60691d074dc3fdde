using Vigil.Media.Processing;

namespace Vigil.Media.Tests.Processing;

public class PixelRectTests
{
    [Fact]
    public void Edges_and_area_follow_from_position_and_size()
    {
        var rect = new PixelRect(10, 20, 300, 200);
        Assert.Equal((310, 220, 60_000L), (rect.Right, rect.Bottom, rect.Area));
        Assert.Equal(2_500_000_000L, new PixelRect(0, 0, 50_000, 50_000).Area); // past int.MaxValue
    }

    [Fact]
    public void Only_the_full_image_is_whole()
    {
        Assert.True(new PixelRect(0, 0, 640, 480).IsWhole(640, 480));
        Assert.False(new PixelRect(0, 0, 640, 479).IsWhole(640, 480));
        Assert.False(new PixelRect(1, 0, 639, 480).IsWhole(640, 480));
        Assert.False(new PixelRect(0, 0, 640, 480).IsWhole(641, 480));
    }
}
