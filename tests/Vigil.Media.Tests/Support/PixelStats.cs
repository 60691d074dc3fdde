namespace Vigil.Media.Tests.Support;

internal static class PixelStats
{
    /// <summary>Mean absolute difference per channel value between two equally sized pixel buffers.</summary>
    public static double MeanAbsoluteDifference(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        Assert.Equal(a.Length, b.Length);
        double total = 0;
        for (var i = 0; i < a.Length; i++)
            total += Math.Abs(a[i] - b[i]);
        return total / a.Length;
    }
}
