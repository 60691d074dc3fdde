using Vigil.Hashing.Vpdq;
using Vigil.Testing;

namespace Vigil.Video.Tests;

/// <summary>The reference's vPDQ text form: its sample hash files read, lines written back the same, bad lines named.</summary>
public sealed class VpdqFormatTests
{
    [Fact]
    public void The_reference_sample_hashes_read_and_write_back_unchanged()
    {
        string path = Fixtures.ThreatExchange("vpdq/sample-hashes/doorknob-hd-no-bar.txt");
        string text = File.ReadAllText(path);
        var frames = VpdqFormat.Parse(text);
        Assert.Equal(120, frames.Count);
        Assert.Equal(Enumerable.Range(0, 120), frames.Select(f => f.FrameNumber));
        Assert.Equal(text.Replace("\r", ""), VpdqFormat.Format(frames));
    }

    [Theory]
    [InlineData("1,100", "got 2 fields")]
    [InlineData("x,100,e271017837246aaccddea259648fb7d62f435c89d9e99b2497763e216c8d055c,0.000", "frame number")]
    [InlineData("1,101,e271017837246aaccddea259648fb7d62f435c89d9e99b2497763e216c8d055c,0.000", "quality")]
    [InlineData("1,100,e27101783724,0.000", "hex PDQ")]
    [InlineData("1,100,e271017837246aaccddea259648fb7d62f435c89d9e99b2497763e216c8d055c,-1", "timestamp")]
    public void A_bad_line_is_refused_by_number_and_reason(string line, string reason)
    {
        var error = Assert.Throws<FormatException>(() => VpdqFormat.Parse("0,100,e271017837246aaccddea259648fb7d62f435c89d9e99b2497763e216c8d055c,0.000\n" + line));
        Assert.Contains("line 2", error.Message);
        Assert.Contains(reason, error.Message);
    }
}
