using System.Security.Cryptography;
using Vigil.Privacy.Psi;

namespace Vigil.Privacy.Tests;

/// <summary>
/// Banded (fuzzy) mode: a photo whose hash agrees with a listed hash on some band, up to one flipped
/// bit, opens (one probe per such band); one that differs by two or more bits in every band opens
/// nothing; real and synthetic banded vouchers have one size; the threshold holds as in exact mode.
/// </summary>
public sealed class BandedModeTests
{
    private static readonly BandParameters Bands = BandParameters.Default(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    /// <summary>For each of the 256 hash bits, the band it lands in after the permutation.</summary>
    private static int[] BandOfBit(BandParameters bands)
    {
        var bandOf = new int[256];
        Span<ulong> values = stackalloc ulong[bands.Bands];
        for (int bit = 0; bit < 256; bit++)
        {
            var hash = new byte[32];
            hash[bit >> 3] = (byte)(0x80 >> (bit & 7));
            bands.BandValues(hash, values);
            int found = -1;
            for (int b = 0; b < bands.Bands; b++)
            {
                if (values[b] == 0)
                    continue;
                Assert.Equal(-1, found);
                Assert.Equal(1, System.Numerics.BitOperations.PopCount(values[b]));
                found = b;
            }
            bandOf[bit] = found;
        }
        return bandOf;
    }

    [Fact]
    public void The_permutation_sends_every_bit_to_exactly_one_band_and_the_bands_cover_256_bits()
    {
        var bandOf = BandOfBit(Bands);
        for (int b = 0; b < Bands.Bands; b++)
            Assert.Equal(Bands.BandWidth(b), bandOf.Count(x => x == b));
        Assert.Equal(256, Enumerable.Range(0, Bands.Bands).Sum(Bands.BandWidth));
        Assert.Equal(5 + 256, Bands.ProbeCount);
        // Another seed, another permutation.
        Assert.NotEqual(bandOf, BandOfBit(BandParameters.Default()));
    }

    /// <summary>A copy of <paramref name="hash"/> with <paramref name="flips"/>[b] bits flipped in band b.</summary>
    private static byte[] Flip(byte[] hash, int[] bandOf, int[] flips, Random rng)
    {
        var copy = (byte[])hash.Clone();
        for (int b = 0; b < flips.Length; b++)
        {
            var bits = Enumerable.Range(0, 256).Where(bit => bandOf[bit] == b).OrderBy(_ => rng.Next()).Take(flips[b]);
            foreach (int bit in bits)
                copy[bit >> 3] ^= (byte)(0x80 >> (bit & 7));
        }
        return copy;
    }

    [Fact]
    public void A_copy_opens_one_probe_per_band_within_one_flip_and_nothing_when_every_band_differs_by_two()
    {
        var server = ServerKey.Generate();
        var listed = Enumerable.Range(0, 40).Select(_ => RandomNumberGenerator.GetBytes(32)).ToArray();
        var (table, items, dropped) = PublicTable.Build(listed, server, listVersion: 5, Bands);
        Assert.Equal((200, 0), (items, dropped));
        var account = AccountKeys.Create(3);
        var bandOf = BandOfBit(Bands);
        var rng = new Random(11);
        var thumbnail = new byte[VoucherPayload.ThumbnailSide * VoucherPayload.ThumbnailSide];

        int Opened(byte[] pdq)
        {
            var voucher = Voucher.CreateReal(table, account, new VoucherPayload(pdq, thumbnail, "copy.jpg"));
            Assert.Equal(Voucher.SizeFor(3, table.Layout), voucher.Serialize().Length);
            var outcome = VoucherProcessor.OpenOuter(server, 5, voucher, out var opened);
            Assert.NotEqual(OuterOutcome.Rejected, outcome);
            return opened?.OpenedPairs ?? 0;
        }

        for (int round = 0; round < 6; round++)
        {
            // Each band gets 0 or 1 flips (agrees, so opens) or 2 to 6 (disagrees).
            var flips = Enumerable.Range(0, Bands.Bands).Select(_ => rng.Next(3) == 0 ? rng.Next(2) : rng.Next(2, 7)).ToArray();
            var copy = Flip(listed[round], bandOf, flips, rng);
            Assert.Equal(flips.Count(f => f <= 1), Opened(copy));
        }
        // Two flips in every band: at distance 10 it no longer opens (the exact re-check would have allowed 31).
        Assert.Equal(0, Opened(Flip(listed[7], bandOf, [2, 2, 2, 2, 2], rng)));
        // A photo far from every listed hash.
        Assert.Equal(0, Opened(RandomNumberGenerator.GetBytes(32)));
    }

    [Fact]
    public void Synthetic_banded_vouchers_have_the_real_size_and_open_between_one_and_five_probes()
    {
        var server = ServerKey.Generate();
        var (table, _, _) = PublicTable.Build([RandomNumberGenerator.GetBytes(32)], server, listVersion: 1, Bands);
        var account = AccountKeys.Create(3);
        for (int i = 0; i < 4; i++)
        {
            var voucher = Voucher.CreateSynthetic(table, account);
            Assert.Equal(Voucher.SizeFor(3, table.Layout), voucher.Serialize().Length);
            Assert.Equal(OuterOutcome.Opened, VoucherProcessor.OpenOuter(server, 1, voucher, out var opened));
            Assert.InRange(opened!.OpenedPairs, 1, 5);
        }
        // Weights that allow only one count: every synthetic voucher opens exactly that many.
        var fours = new BandParameters(5, 1, Bands.Seed, [0, 0, 0, 1, 0]);
        var (fixedTable, _, _) = PublicTable.Build([RandomNumberGenerator.GetBytes(32)], server, listVersion: 1, fours);
        VoucherProcessor.OpenOuter(server, 1, Voucher.CreateSynthetic(fixedTable, account), out var four);
        Assert.Equal(4, four!.OpenedPairs);
    }

    [Fact]
    public void Past_the_threshold_exactly_the_near_copies_are_revealed()
    {
        const int t = 3;
        var server = ServerKey.Generate();
        var listed = Enumerable.Range(0, 10).Select(_ => RandomNumberGenerator.GetBytes(32)).ToArray();
        var (table, _, _) = PublicTable.Build(listed, server, listVersion: 2, Bands);
        var account = AccountKeys.Create(t);
        var bandOf = BandOfBit(Bands);
        var rng = new Random(5);
        var thumbnail = new byte[VoucherPayload.ThumbnailSide * VoucherPayload.ThumbnailSide];
        var vouchers = new List<Voucher>();
        for (int i = 0; i < 3; i++)
            vouchers.Add(Voucher.CreateReal(table, account, new VoucherPayload(Flip(listed[i], bandOf, [1, 3, 3, 3, 3], rng), thumbnail, $"near-{i}.jpg")));
        for (int i = 0; i < 3; i++)
            vouchers.Add(Voucher.CreateReal(table, account, new VoucherPayload(RandomNumberGenerator.GetBytes(32), thumbnail, $"holiday-{i}.jpg")));

        var layout = table.Layout;
        List<Voucher> Reparse() => vouchers.Select(v => Voucher.Parse(v.Serialize(), t, layout)).ToList();
        var below = VoucherProcessor.Process(server, 2, t, Reparse());
        Assert.False(below.Revealed);
        Assert.Empty(below.Matches);

        vouchers.Add(Voucher.CreateReal(table, account, new VoucherPayload(Flip(listed[3], bandOf, [4, 4, 0, 4, 4], rng), thumbnail, "near-3.jpg")));
        var past = VoucherProcessor.Process(server, 2, t, Reparse());
        Assert.True(past.Revealed);
        Assert.Null(past.Problem);
        Assert.Equal(["near-0.jpg", "near-1.jpg", "near-2.jpg", "near-3.jpg"], past.Matches.Select(m => m.Payload.Name).Order().ToArray());
    }

    [Fact]
    public void Banded_pdata_round_trips_and_modes_do_not_mix()
    {
        var server = ServerKey.Generate();
        var listed = Enumerable.Range(0, 8).Select(_ => RandomNumberGenerator.GetBytes(32)).ToArray();
        var (table, _, _) = PublicTable.Build(listed, server, listVersion: 9, Bands);
        var bytes = table.Serialize();
        var parsed = PublicTable.Parse(bytes);
        Assert.Equal("banded", parsed.Mode);
        Assert.Equal(Bands.Seed.ToArray(), parsed.Bands!.Seed.ToArray());
        Assert.Equal(Bands.SyntheticWeights, parsed.Bands.SyntheticWeights);
        Assert.Equal(table.Layout, parsed.Layout);

        // Band parameters out of range are refused, not misread.
        var badBands = (byte[])bytes.Clone();
        badBands[25] = 3;
        Assert.Contains("band parameters", Assert.Throws<InvalidDataException>(() => PublicTable.Parse(badBands)).Message);
        var badMode = (byte[])bytes.Clone();
        badMode[24] = 7;
        Assert.Contains("matching mode 7", Assert.Throws<InvalidDataException>(() => PublicTable.Parse(badMode)).Message);

        // An exact voucher is refused where banded ones are expected, and the other way round.
        var (exact, _, _) = PublicTable.Build(listed, server, listVersion: 9);
        var account = AccountKeys.Create(3);
        var payload = new VoucherPayload(listed[0], new byte[VoucherPayload.ThumbnailSide * VoucherPayload.ThumbnailSide], "a.jpg");
        var exactBytes = Voucher.CreateReal(exact, account, payload).Serialize();
        Assert.Contains("another matching mode", Assert.Throws<InvalidDataException>(() => Voucher.Parse(exactBytes, 3, table.Layout)).Message);
        var bandedBytes = Voucher.CreateSynthetic(table, account).Serialize();
        Assert.Contains("another matching mode", Assert.Throws<InvalidDataException>(() => Voucher.Parse(bandedBytes, 3)).Message);

        // A manifest checked against a table in the other mode.
        var manifest = new Manifest
        {
            Mode = "banded", ListVersion = 9, Threshold = 3, Banks = ["b"], Entries = 8, Dropped = 0, Slots = table.SlotCount,
            PdataSha256 = PublicTable.Root(bytes), Created = "2026-11-30T00:00:00Z", SigningKey = "", Bands = ManifestBands.From(Bands),
        };
        manifest.CheckAgainst(parsed);
        Assert.Contains("exact mode", Assert.Throws<InvalidDataException>(() => manifest.CheckAgainst(exact)).Message);
        var otherSeed = manifest with { Bands = ManifestBands.From(BandParameters.Default()) };
        Assert.Contains("band parameters differ", Assert.Throws<InvalidDataException>(() => otherSeed.CheckAgainst(parsed)).Message);
        Assert.Equal(table.Layout, Manifest.Parse(manifest.ToJson()).VoucherLayout());
        Assert.Throws<InvalidDataException>(() => Manifest.Parse((manifest with { Bands = null }).ToJson()));
    }

    [Fact]
    public void An_account_sending_far_more_synthetic_vouchers_than_the_protocol_allows_is_flagged()
    {
        const int t = 2;
        var server = ServerKey.Generate();
        var listed = Enumerable.Range(0, 5).Select(_ => RandomNumberGenerator.GetBytes(32)).ToArray();
        var (table, _, _) = PublicTable.Build(listed, server, listVersion: 1);
        var account = AccountKeys.Create(t);
        var thumbnail = new byte[VoucherPayload.ThumbnailSide * VoucherPayload.ThumbnailSide];
        var vouchers = listed.Take(3).Select((pdq, i) => Voucher.CreateReal(table, account, new VoucherPayload(pdq, thumbnail, $"m{i}.jpg"))).ToList();
        var honest = VoucherProcessor.Process(server, 1, t, vouchers);
        Assert.True(honest.Revealed);
        Assert.Null(honest.Problem);

        int allowed = SyntheticRate.Allowed(t, 3 + 12);
        Assert.True(allowed < 12);
        for (int i = 0; i < 12; i++)
            vouchers.Add(Voucher.CreateSynthetic(table, account));
        var flooded = VoucherProcessor.Process(server, 1, t, vouchers);
        Assert.True(flooded.Revealed);
        Assert.Equal(12, flooded.Synthetic);
        Assert.Contains("12 of 15 vouchers were synthetic", flooded.Problem);
    }
}
