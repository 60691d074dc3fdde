using System.Security.Cryptography;
using Vigil.Privacy.Crypto;
using Vigil.Privacy.Group;
using Vigil.Privacy.Psi;

namespace Vigil.Privacy.Tests;

/// <summary>The public table and the vouchers' outer layer: only listed photos open, for the server only.</summary>
public sealed class OuterLayerTests
{
    private static byte[][] RandomItems(int count) => Enumerable.Range(0, count).Select(_ => RandomNumberGenerator.GetBytes(32)).ToArray();

    [Fact]
    public void A_listed_photo_opens_exactly_one_key_of_its_probe_and_an_unlisted_one_opens_none()
    {
        var key = ServerKey.Generate();
        var listed = RandomItems(300);
        var (table, _, dropped) = PublicTable.Build(listed, key, listVersion: 7);
        Assert.Equal(0, dropped);
        Assert.Equal(table.Choices == 3 ? 1.2 : 2.2, (table.SlotCount - 8) / (double)listed.Length, 2);
        var opened = new byte[OuterLayer.InnerKeySize];

        foreach (var item in listed.Take(60))
        {
            var innerKey = RandomNumberGenerator.GetBytes(OuterLayer.InnerKeySize);
            var probe = OuterLayer.SealProbe(table, item, innerKey);
            Assert.Equal(table.Choices, probe.KeyCount);
            Assert.Equal(1, OuterLayer.Open(key, probe, opened));
            Assert.Equal(innerKey, opened);
        }
        foreach (var item in RandomItems(60))
        {
            var probe = OuterLayer.SealProbe(table, item, RandomNumberGenerator.GetBytes(OuterLayer.InnerKeySize));
            Assert.Equal(0, OuterLayer.Open(key, probe, opened));
        }
    }

    [Fact]
    public void Which_key_of_a_probe_opens_is_random_so_its_position_says_nothing()
    {
        var key = ServerKey.Generate();
        var listed = RandomItems(20);
        var (table, _, _) = PublicTable.Build(listed, key, listVersion: 1);
        var innerKey = RandomNumberGenerator.GetBytes(OuterLayer.InnerKeySize);
        var opened = new byte[OuterLayer.InnerKeySize];
        var firstOpens = new HashSet<bool>();
        for (int i = 0; i < 40; i++)
        {
            var probe = OuterLayer.SealProbe(table, listed[0], innerKey);
            var first = probe with { SealedKeys = probe.SealedKeys[..OuterLayer.SealedKeySize] };
            firstOpens.Add(OuterLayer.Open(key, first, opened) == 1);
        }
        Assert.Equal(2, firstOpens.Count);
    }

    [Fact]
    public void Another_servers_key_opens_nothing_and_synthetic_probes_open_one_key_whatever_the_photo()
    {
        var key = ServerKey.Generate();
        var (table, _, _) = PublicTable.Build(RandomItems(50), key, listVersion: 1);
        var other = ServerKey.Generate();
        var opened = new byte[OuterLayer.InnerKeySize];
        var innerKey = RandomNumberGenerator.GetBytes(OuterLayer.InnerKeySize);
        var synthetic = OuterLayer.SealSyntheticProbe(table, innerKey);
        Assert.Equal(1, OuterLayer.Open(key, synthetic, opened));
        Assert.Equal(innerKey, opened);
        Assert.Equal(0, OuterLayer.Open(other, synthetic, opened));
        Assert.Equal(0, OuterLayer.Open(key, OuterLayer.Dead(innerKey, keys: table.Choices), opened));
        // Same shape as a real voucher's probe.
        var real = OuterLayer.SealProbe(table, RandomNumberGenerator.GetBytes(32), innerKey);
        Assert.Equal(real.SealedKeys.Length, synthetic.SealedKeys.Length);
    }

    [Fact]
    public void The_table_round_trips_and_refuses_tampering_truncation_and_other_versions()
    {
        var key = ServerKey.Generate();
        var (table, _, _) = PublicTable.Build(RandomItems(40), key, listVersion: 42);
        var bytes = table.Serialize();
        var parsed = PublicTable.Parse(bytes);
        Assert.Equal((42UL, table.SlotCount, table.PublicPoint), (parsed.ListVersion, parsed.SlotCount, parsed.PublicPoint));
        Assert.Equal(PublicTable.Root(bytes), PublicTable.Root(parsed.Serialize()));

        Assert.Throws<InvalidDataException>(() => PublicTable.Parse(bytes.AsSpan(0, bytes.Length - 1)));
        Assert.Throws<InvalidDataException>(() => PublicTable.Parse(bytes.Append((byte)0).ToArray()));
        Assert.Throws<InvalidDataException>(() => PublicTable.Parse("VGLPDATX"u8.ToArray().Concat(bytes.Skip(8)).ToArray()));
        var otherVersion = (byte[])bytes.Clone();
        otherVersion[8] = 3;
        Assert.Contains("format version 3", Assert.Throws<InvalidDataException>(() => PublicTable.Parse(otherVersion)).Message);
        // Any flipped byte either breaks a point (refused) or changes the published root.
        var rng = new Random(3);
        for (int i = 0; i < 200; i++)
        {
            var tampered = (byte[])bytes.Clone();
            tampered[rng.Next(tampered.Length)] ^= (byte)(1 << rng.Next(8));
            try
            {
                PublicTable.Parse(tampered);
                Assert.NotEqual(PublicTable.Root(bytes), PublicTable.Root(tampered));
            }
            catch (InvalidDataException)
            {
                // Refused outright.
            }
        }
    }

    [Fact]
    public void Server_keys_round_trip_and_bad_key_files_are_refused()
    {
        var key = ServerKey.Generate();
        var again = ServerKey.Import(key.Export());
        Assert.True(key.SameAs(again));
        Assert.Equal(key.PublicPoint, again.PublicPoint);
        Assert.Throws<InvalidDataException>(() => ServerKey.Import(key.Export().AsSpan(0, 71)));
        var zero = key.Export();
        Array.Clear(zero, 8, 32);
        Assert.Throws<InvalidDataException>(() => ServerKey.Import(zero));
    }

    [Fact]
    public void The_aead_opens_only_with_its_key_and_data_and_uses_a_fresh_nonce()
    {
        var keyBytes = RandomNumberGenerator.GetBytes(Aead.KeySize);
        var message = "payload"u8.ToArray();
        var a = Aead.Seal(keyBytes, message, "ad"u8);
        var b = Aead.Seal(keyBytes, message, "ad"u8);
        Assert.NotEqual(a, b);
        var plain = new byte[message.Length];
        Assert.True(Aead.TryOpen(keyBytes, a, "ad"u8, plain));
        Assert.Equal(message, plain);
        Assert.False(Aead.TryOpen(RandomNumberGenerator.GetBytes(Aead.KeySize), a, "ad"u8, plain));
        Assert.False(Aead.TryOpen(keyBytes, a, "other"u8, plain));
        a[^1] ^= 1;
        Assert.False(Aead.TryOpen(keyBytes, a, "ad"u8, plain));
    }
}
