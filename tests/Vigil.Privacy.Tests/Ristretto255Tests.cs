using System.Security.Cryptography;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Vigil.Privacy.Group;

namespace Vigil.Privacy.Tests;

/// <summary>The group against RFC 9496's test vectors (appendix A), and its algebra on random scalars.</summary>
public sealed class Ristretto255Tests
{
    // RFC 9496 A.1: encodings of 0B, 1B, ..., 15B.
    private static readonly string[] Multiples =
    [
        "0000000000000000000000000000000000000000000000000000000000000000",
        "e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76",
        "6a493210f7499cd17fecb510ae0cea23a110e8d5b901f8acadd3095c73a3b919",
        "94741f5d5d52755ece4f23f044ee27d5d1ea1e2bd196b462166b16152a9d0259",
        "da80862773358b466ffadfe0b3293ab3d9fd53c5ea6c955358f568322daf6a57",
        "e882b131016b52c1d3337080187cf768423efccbb517bb495ab812c4160ff44e",
        "f64746d3c92b13050ed8d80236a7f0007c3b3f962f5ba793d19a601ebb1df403",
        "44f53520926ec81fbd5a387845beb7df85a96a24ece18738bdcfa6a7822a176d",
        "903293d8f2287ebe10e2374dc1a53e0bc887e592699f02d077d5263cdd55601c",
        "02622ace8f7303a31cafc63f8fc48fdc16e1c8c8d234b2f0d6685282a9076031",
        "20706fd788b2720a1ed2a5dad4952b01f413bcf0e7564de8cdc816689e2db95f",
        "bce83f8ba5dd2fa572864c24ba1810f9522bc6004afe95877ac73241cafdab42",
        "e4549ee16b9aa03099ca208c67adafcafa4c3f3e4e5303de6026e3ca8ff84460",
        "aa52e000df2e16f55fb1032fc33bc42742dad6bd5a8fc0be0167436c5948501f",
        "46376b80f409b29dc2b5f6f0c52591990896e5716f41477cd30085ab7f10301e",
        "e0c418f7c8d9c4cdd7395b93ea124f3ad99021bb681dfc3302a9d99a2e53e64e",
    ];

    // RFC 9496 A.2: encodings that must be rejected (non-canonical, negative, non-square, s = -1).
    public static readonly TheoryData<string> BadEncodings = new()
    {
        "00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "f3ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "0100000000000000000000000000000000000000000000000000000000000000",
        "01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "ed57ffd8c914fb201471d1c3d245ce3c746fcbe63a3679d51b6a516c77d7f060",
        "26948d35ca62e643e26a83177332e6b6afeb9d08e4268b650f1f5bbd8d81d371",
        "4eac077a713c57b4f4397629a4145982c661f48044dd3f96427d40b147d9742f",
        "3eb858e78f5a7254d8c9731174a94f76755fd3941c0ac93735c07ba14579630e",
        "d483fe813c6ba647ebbfd3ec41adca1c6130c2beeee9d9bf065c8d151c5f396e",
        "8a2e1d30050198c65a54483123960ccc38aef6848e1ec8f5f780e8523769ba32",
        "32888462f8b486c68ad7dd9610be5192bbeaf3b443951ac1a8118419d9fa097b",
        "227142501b9d4355ccba290404bde41575b037693cef1f438c47f8fbf35d1165",
        "5c37cc491da847cfeb9281d407efc41e15144c876e0170b499a96a22ed31e01e",
        "445425117cb8c90edcbc7c1cc0e74f747f2c1efa5630a967c64f287792a48a4b",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    };

    // RFC 9496 A.3: SHA-512 of each label, mapped to the group.
    public static readonly TheoryData<string, string> HashToGroupVectors = new()
    {
        { "Ristretto is traditionally a short shot of espresso coffee", "3066f82a1a747d45120d1740f14358531a8f04bbffe6a819f86dfe50f44a0a46" },
        { "made with the normal amount of ground coffee but extracted with", "f26e5b6f7d362d2d2a94c5d0e7602cb4773c95a2e5c31a64f133189fa76ed61b" },
        { "about half the amount of water in the same amount of time", "006ccd2a9e6867e6a2c5cea83d3302cc9de128dd2a9a57dd8ee7b9d7ffe02826" },
        { "by using a finer grind.", "f8f0c87cf237953c5890aec3998169005dae3eca1fbb04548c635953c817f92a" },
        { "This produces a concentrated shot of coffee per volume.", "ae81e7dedf20a497e10c304a765c1767a42d6e06029758d2d7e8ef7cc4c41179" },
        { "Just pulling a normal shot short will produce a weaker shot", "e2705652ff9f5e44d3e841bf1c251cf7dddb77d140870d1ab2ed64f1a9ce8628" },
        { "and is not a Ristretto as some believe.", "80bd07262511cdde4863f8a7434cef696750681cb9510eea557088f76d9e5065" },
    };

    [Fact]
    public void Multiples_of_the_generator_encode_as_in_the_RFC_by_multiplication_and_by_addition()
    {
        var sum = RistrettoPoint.Identity;
        for (int k = 0; k < Multiples.Length; k++)
        {
            Assert.Equal(Multiples[k], RistrettoPoint.MultiplyGenerator(RistrettoScalar.FromUInt64((ulong)k)).ToString());
            Assert.Equal(Multiples[k], sum.ToString());
            Assert.True(RistrettoPoint.TryDecode(Convert.FromHexString(Multiples[k]), out var decoded));
            Assert.Equal(sum, decoded);
            sum = sum.Add(RistrettoPoint.Generator);
        }
    }

    [Theory]
    [MemberData(nameof(BadEncodings))]
    public void Invalid_encodings_from_the_RFC_are_refused(string hex)
    {
        Assert.False(RistrettoPoint.TryDecode(Convert.FromHexString(hex), out _));
    }

    [Theory]
    [MemberData(nameof(HashToGroupVectors))]
    public void The_map_to_the_group_gives_the_RFC_points(string label, string expected)
    {
        var point = RistrettoPoint.FromUniformBytes(SHA512.HashData(Encoding.UTF8.GetBytes(label)));
        Assert.Equal(expected, point.ToString());
    }

    [Fact]
    public void Wrong_lengths_are_refused()
    {
        Assert.False(RistrettoPoint.TryDecode(new byte[31], out _));
        Assert.False(RistrettoScalar.TryDecode(new byte[33], out _));
        Assert.Throws<ArgumentException>(() => RistrettoPoint.FromUniformBytes(new byte[32]));
        // The group order itself is not a canonical scalar.
        Assert.False(RistrettoScalar.TryDecode(Convert.FromHexString("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010"), out _));
    }

    private static Arbitrary<RistrettoScalar> Scalars() =>
        Gen.Constant(0).Select(_ => RistrettoScalar.Random()).ToArbitrary();

    [Fact]
    public void Scalar_multiplication_is_a_homomorphism()
    {
        Prop.ForAll(Scalars(), Scalars(), (a, b) =>
        {
            var aB = RistrettoPoint.MultiplyGenerator(a);
            var bB = RistrettoPoint.MultiplyGenerator(b);
            return aB.Multiply(b) == bB.Multiply(a)
                   && aB.Multiply(b) == RistrettoPoint.MultiplyGenerator(a.Multiply(b))
                   && aB.Add(bB) == RistrettoPoint.MultiplyGenerator(a.Add(b))
                   && aB.Subtract(aB).IsIdentity
                   && RistrettoPoint.Identity.Subtract(aB).Add(aB).IsIdentity
                   && aB.Multiply(a.Invert()) == RistrettoPoint.Generator;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Scalars_and_points_round_trip_through_their_encodings()
    {
        Prop.ForAll(Scalars(), a =>
        {
            var point = RistrettoPoint.MultiplyGenerator(a);
            return RistrettoScalar.TryDecode(a.ToArray(), out var s) && s == a
                   && RistrettoPoint.TryDecode(point.ToArray(), out var p) && p == point;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Hashing_to_the_group_separates_domains_and_messages()
    {
        var a = RistrettoPoint.HashToGroup("vigil/psi/v1"u8, "photo"u8);
        Assert.Equal(a, RistrettoPoint.HashToGroup("vigil/psi/v1"u8, "photo"u8));
        Assert.NotEqual(a, RistrettoPoint.HashToGroup("vigil/psi/v2"u8, "photo"u8));
        Assert.NotEqual(a, RistrettoPoint.HashToGroup("vigil/psi/v1"u8, "photO"u8));
        // The domain's length is hashed too: moving a byte between domain and message changes the point.
        Assert.NotEqual(RistrettoPoint.HashToGroup("ab"u8, "c"u8), RistrettoPoint.HashToGroup("a"u8, "bc"u8));
    }
}
