using Vigil.Hashing.Pdq;

namespace Vigil.Hashing.Tests;

public class LumaTests
{
    [Fact]
    public void IntegerFormEqualsTheReferenceDoubleFormForEveryColour()
    {
        // The exchanges compute 0.299R + 0.587G + 0.114B in double and store float; we compute
        // (299R + 587G + 114B) / 1000 in float. Check all 2^24 colours.
        long mismatches = 0;
        Parallel.For(0, 256, r =>
        {
            long local = 0;
            for (int g = 0; g < 256; g++)
                for (int b = 0; b < 256; b++)
                {
                    float reference = (float)(0.299 * r + 0.587 * g + 0.114 * b);
                    if (reference != Luma.FromRgb((byte)r, (byte)g, (byte)b))
                        local++;
                }
            Interlocked.Add(ref mismatches, local);
        });
        Assert.Equal(0, mismatches);
    }
}

/// <summary>python-threatexchange's 16-bit grey path: luma is the sample value, computed as numpy does.</summary>
public class Grey16HashTests
{
    [Fact]
    public void LumaIsNumpysDoubleSumRoundedToFloatForEveryValue()
    {
        for (int v = 0; v < 65536; v++)
        {
            double numpy = v * 0.299 + v * 0.587 + v * 0.114;
            Assert.Equal((float)numpy, Luma.FromGrey16((ushort)v));
        }
        for (int v = 0; v < 256; v++)
            Assert.Equal(Luma.FromRgb((byte)v, (byte)v, (byte)v), Luma.FromGrey16((ushort)v));
    }

    [Theory]
    [InlineData(97, 61)]
    [InlineData(64, 64)]
    [InlineData(300, 7)]
    public void HashGrey16EqualsTheFloatLumaHash(int width, int height)
    {
        var random = new Random(width * height);
        var grey = new ushort[width * height];
        for (int i = 0; i < grey.Length; i++)
            grey[i] = (ushort)random.Next(65536);
        var luma = grey.Select(Luma.FromGrey16).ToArray();
        var hasher = new PdqHasher();
        Assert.Equal(hasher.HashLuma(luma, height, width), hasher.HashGrey16(grey, width, height));
        var expected = hasher.HashLumaDihedral(luma, height, width);
        var actual = hasher.HashGrey16Dihedral(grey, width, height);
        Assert.Equal(expected.Quality, actual.Quality);
        for (int v = 0; v < PdqDihedralHashes.Count; v++)
            Assert.Equal(expected[(DihedralVariant)v], actual[(DihedralVariant)v]);
    }
}
