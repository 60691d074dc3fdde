using Vigil.Media.Tests.Support;

namespace Vigil.Media.Tests;

public sealed class ConcurrencyTests
{
    /// <summary>One decoder per thread, libvips and TurboJPEG used from several threads at once: same pixels as a single-threaded decode.</summary>
    [Fact]
    public void DecodersOnSeveralThreadsAgreeWithASequentialDecode()
    {
        string[] files = [Fixtures.SmallJpeg, Fixtures.Rgb256Jpeg, Fixtures.LaPng, Fixtures.I16Png, Fixtures.CmykJpeg, Fixtures.WebpF];
        var inputs = files.Select(Fixtures.Read).ToArray();
        byte[][] expected;
        using (var decoder = new ImageDecoder())
        {
            expected = inputs.Select(d =>
            {
                using var image = decoder.Decode(d);
                return image.Pixels.ToArray();
            }).ToArray();
        }

        var failures = 0;
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, worker =>
        {
            using var decoder = new ImageDecoder();
            for (var round = 0; round < 3; round++)
            {
                for (var i = 0; i < inputs.Length; i++)
                {
                    var which = (i + worker) % inputs.Length;
                    using var image = decoder.Decode(inputs[which]);
                    if (!image.Pixels.SequenceEqual(expected[which]))
                    {
                        Interlocked.Increment(ref failures);
                    }
                }
            }
        });
        Assert.Equal(0, failures);
    }
}
