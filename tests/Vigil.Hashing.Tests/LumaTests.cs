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
