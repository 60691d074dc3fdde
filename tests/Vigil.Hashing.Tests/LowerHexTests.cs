using FsCheck;
using FsCheck.Fluent;
using Vigil.Hashing.Signals;

namespace Vigil.Hashing.Tests;

public class LowerHexTests
{
    [Fact]
    public void Lowercase_hex_of_the_length_is_accepted_and_nothing_else()
    {
        Prop.ForAll<byte[]>(raw =>
        {
            var bytes = raw ?? [];
            string hex = Convert.ToHexStringLower(bytes);
            Assert.True(LowerHex.Is(hex, hex.Length));
            Assert.False(LowerHex.Is(hex, hex.Length + 1));
            string upper = Convert.ToHexString(bytes);
            Assert.Equal(upper == hex, LowerHex.Is(upper, hex.Length));
        }).QuickCheckThrowOnFailure();
        Assert.False(LowerHex.Is(null, 0));
        Assert.False(LowerHex.Is("0g", 2));
        Assert.False(LowerHex.Is("0 ", 2));
        Assert.True(LowerHex.Is("", 0));
    }
}
