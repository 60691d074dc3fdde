using System.Security.Cryptography;
using Vigil.Hashing.Pdq;
using Vigil.Video.Guard;

namespace Vigil.Video.Tests;

/// <summary>The device list's format: it round-trips sorted and without duplicates, and any changed byte or length is refused.</summary>
public sealed class PackedPdqListTests
{
    // A stand-in signer (the real one is Ed25519 in the CLI): a keyed SHA-512, 64 bytes like a signature.
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);

    private static byte[] Sign(byte[] body) => HMACSHA512.HashData(Key, body);

    private static bool Verify(byte[] body, byte[] signature) => CryptographicOperations.FixedTimeEquals(Sign(body), signature);

    private static PdqHash Random(Random random)
    {
        var bytes = new byte[32];
        random.NextBytes(bytes);
        return PdqHash.Parse(Convert.ToHexStringLower(bytes));
    }

    [Fact]
    public void A_list_round_trips_sorted_without_duplicates_and_every_changed_byte_is_refused()
    {
        var random = new Random(3);
        var hashes = Enumerable.Range(0, 50).Select(_ => Random(random)).ToList();
        var packed = PackedPdqList.Pack([.. hashes, hashes[0], hashes[7]], Sign);
        Assert.Equal(4 + 4 + (32 * 50) + 64, packed.Length);
        Assert.True(PackedPdqList.IsPacked(packed));
        Assert.Equal(hashes.Select(h => h.ToString()).Order(StringComparer.Ordinal), PackedPdqList.Unpack(packed, Verify).Select(h => h.ToString()));
        for (int i = 0; i < packed.Length; i++)
        {
            var changed = (byte[])packed.Clone();
            changed[i] ^= (byte)(1 << (i % 8));
            Assert.Throws<FormatException>(() => PackedPdqList.Unpack(changed, Verify));
        }
        Assert.Throws<FormatException>(() => PackedPdqList.Unpack(packed.AsSpan(0, packed.Length - 1), Verify));
        Assert.Throws<FormatException>(() => PackedPdqList.Unpack([.. packed, 0], Verify));
        Assert.Throws<FormatException>(() => PackedPdqList.Unpack("not a list"u8, Verify));
        Assert.Empty(PackedPdqList.Unpack(PackedPdqList.Pack([], Sign), Verify));
    }
}
