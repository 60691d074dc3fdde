using FsCheck;
using FsCheck.Fluent;
using Vigil.Hashing.Pdq;

namespace Vigil.Hashing.Tests;

public class PdqHashTests
{
    private static readonly Gen<PdqHash> Hashes =
        from a in ArbMap.Default.GeneratorFor<ulong>()
        from b in ArbMap.Default.GeneratorFor<ulong>()
        from c in ArbMap.Default.GeneratorFor<ulong>()
        from d in ArbMap.Default.GeneratorFor<ulong>()
        select new PdqHash(a, b, c, d);

    [Fact]
    public void HexRoundTrips()
    {
        Prop.ForAll(Hashes.ToArbitrary(), h =>
        {
            var hex = h.ToString();
            Assert.Equal(64, hex.Length);
            Assert.Equal(hex.ToLowerInvariant(), hex);
            Assert.Equal(h, PdqHash.Parse(hex));
            Assert.Equal(h, PdqHash.Parse(hex.ToUpperInvariant()));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void DistanceIsAMetric()
    {
        Prop.ForAll(Hashes.ToArbitrary(), Hashes.ToArbitrary(), Hashes.ToArbitrary(), (a, b, c) =>
        {
            Assert.Equal(0, PdqHash.Distance(a, a));
            Assert.Equal(PdqHash.Distance(a, b), PdqHash.Distance(b, a));
            Assert.True(PdqHash.Distance(a, c) <= PdqHash.Distance(a, b) + PdqHash.Distance(b, c));
            int bits = 0;
            for (int k = 0; k < 256; k++)
                if (a.GetBit(k) != b.GetBit(k)) bits++;
            Assert.Equal(bits, PdqHash.Distance(a, b));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void BitLayoutFollowsTheReferenceWordOrder()
    {
        // Bit k = i*16 + j lives in word i; the hex prints word 15 first, so bit 0 is the last digit's low bit.
        var hash = PdqHash.Parse("8000" + new string('0', 59) + "1");
        Assert.True(hash.GetBit(0));
        Assert.True(hash.GetBit(255));
        Assert.Equal(2, hash.PopCount);
    }

    [Theory]
    [InlineData("", "64 hex digits, got 0")]
    [InlineData("abc", "got 3 characters")]
    [InlineData("g000000000000000000000000000000000000000000000000000000000000000", "'g' at position 1")]
    [InlineData("000000000000000000000000000000000000000000000000000000000000000 ", "' ' at position 64")]
    public void MalformedHexIsRejectedWithTheReason(string text, string reason)
    {
        Assert.False(PdqHash.TryParse(text, out _, out var error));
        Assert.Contains(reason, error);
        Assert.Throws<FormatException>(() => PdqHash.Parse(text));
    }

    [Fact]
    public void ParserNeverFailsOtherThanCleanlyOnArbitraryText()
    {
        // Fuzz: arbitrary strings, and valid hashes with one character replaced by anything.
        var anyText = ArbMap.Default.GeneratorFor<string>().Select(s => s ?? "");
        var mutated = from hash in Hashes
                      from position in Gen.Choose(0, 63)
                      from c in Gen.Choose(0, 0xFFFF).Select(i => (char)i)
                      select hash.ToString().Remove(position, 1).Insert(position, c.ToString());
        Prop.ForAll(Gen.OneOf(anyText, mutated).ToArbitrary(), text =>
        {
            bool ok = PdqHash.TryParse(text, out var hash, out var error);
            Assert.Equal(ok, error is null);
            if (ok)
                Assert.Equal(text.ToLowerInvariant(), hash.ToString());
            else
                Assert.Throws<FormatException>(() => PdqHash.Parse(text));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void TinyImagesHashToZeroWithQualityZero()
    {
        var hasher = new PdqHasher();
        Assert.Equal(new PdqResult(PdqHash.Zero, 0), hasher.HashRgb(new byte[4 * 100 * 3], 4, 100));
        Assert.Equal(0, hasher.HashRgbDihedral(new byte[100 * 4 * 3], 100, 4).Quality);
        Assert.Throws<ArgumentException>(() => hasher.HashRgb(new byte[10], 10, 10));
    }
}
