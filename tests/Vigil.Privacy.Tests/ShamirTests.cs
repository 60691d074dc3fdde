using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using Vigil.Privacy.Sharing;

namespace Vigil.Privacy.Tests;

/// <summary>The field GF(2^127 - 1) against BigInteger, and Shamir sharing's threshold.</summary>
public sealed class ShamirTests
{
    private static readonly BigInteger P = (BigInteger.One << 127) - 1;

    private static BigInteger Big(Field127 x) => BigInteger.Parse(x.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture);

    // Random elements, with the edges (0, 1, p-1, values near 2^64 and 2^127) mixed in.
    private static Arbitrary<Field127> Elements() => Gen.Frequency(
        (6, Gen.Constant(0).Select(_ => Field127.Random())),
        (1, Gen.Elements(Field127.Zero, Field127.One, Field127.From(Field127.Modulus - 1), Field127.From(UInt128.MaxValue),
            Field127.From(ulong.MaxValue), Field127.From((UInt128)ulong.MaxValue + 1), Field127.From(UInt128.One << 126)))).ToArbitrary();

    [Fact]
    public void Field_arithmetic_agrees_with_BigInteger()
    {
        Prop.ForAll(Elements(), Elements(), (a, b) =>
        {
            bool sum = Big(a + b) == (Big(a) + Big(b)) % P;
            bool difference = Big(a - b) == ((Big(a) - Big(b)) % P + P) % P;
            bool product = Big(a * b) == Big(a) * Big(b) % P;
            bool inverse = a.IsZero || (a * a.Invert()) == Field127.One;
            bool reduced = a.Value < Field127.Modulus;
            return sum && difference && product && inverse && reduced;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Encodings_are_canonical()
    {
        Span<byte> bytes = stackalloc byte[16];
        Field127.From(12345).Encode(bytes);
        Assert.True(Field127.TryDecode(bytes, out var back));
        Assert.Equal(Field127.From(12345), back);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt128LittleEndian(bytes, Field127.Modulus);
        Assert.False(Field127.TryDecode(bytes, out _));
        Assert.False(Field127.TryDecode(bytes[..15], out _));
        Assert.Throws<InvalidOperationException>(() => Field127.Zero.Invert());
    }

    private static Arbitrary<(int Threshold, int Extra, int Seed)> Setups() =>
        (from t in Gen.Choose(1, 12) from extra in Gen.Choose(0, 5) from seed in Gen.Choose(0, int.MaxValue) select (t, extra, seed)).ToArbitrary();

    [Fact]
    public void Any_t_plus_one_shares_rebuild_the_secret_and_t_shares_do_not()
    {
        Prop.ForAll(Setups(), setup =>
        {
            var secret = Field127.Random();
            var polynomial = ShamirPolynomial.Create(secret, setup.Threshold);
            var rng = new Random(setup.Seed);
            var shares = new List<Share>();
            var used = new HashSet<UInt128>();
            while (shares.Count < setup.Threshold + 1 + setup.Extra)
            {
                var x = Field127.From(((UInt128)(ulong)rng.NextInt64() << 64) | (ulong)rng.NextInt64());
                if (!x.IsZero && used.Add(x.Value))
                    shares.Add(polynomial.ShareAt(x));
            }
            var shuffled = shares.OrderBy(_ => rng.Next()).ToArray();
            bool enough = ShamirPolynomial.Reconstruct(shuffled.AsSpan(0, setup.Threshold + 1)) == secret;
            bool all = ShamirPolynomial.Reconstruct(shuffled) == secret;
            bool tooFew = ShamirPolynomial.Reconstruct(shuffled.AsSpan(0, setup.Threshold)) != secret;
            return enough && all && tooFew;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void A_share_at_zero_or_two_shares_at_one_point_are_refused()
    {
        var polynomial = ShamirPolynomial.Create(Field127.Random(), 2);
        Assert.Throws<ArgumentException>(() => polynomial.ShareAt(Field127.Zero));
        var share = polynomial.ShareAt(Field127.From(7));
        Assert.Throws<ArgumentException>(() => ShamirPolynomial.Reconstruct([share, share, polynomial.ShareAt(Field127.From(9))]));
        Assert.Throws<ArgumentException>(() => ShamirPolynomial.Reconstruct([]));
        Assert.Equal(2, ShamirPolynomial.FromCoefficients(polynomial.Coefficients).Threshold);
    }
}
