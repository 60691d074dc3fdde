using System.Security.Cryptography;
using Vigil.Privacy.Psi;

namespace Vigil.Privacy.Tests;

/// <summary>
/// The protocol's promises, exact mode, with random 32-byte hashes standing in for photos' PDQ:
/// below t nothing is revealed (not even how many matched); past t exactly the matched photos are
/// revealed; non-matching and synthetic vouchers never decrypt; copies count once; every voucher
/// has one size; a device with another list version fails loudly.
/// </summary>
public sealed class ThresholdProtocolTests
{
    private const int Threshold = 30;

    private static VoucherPayload Photo(byte[] pdq, string name)
    {
        var thumbnail = new byte[VoucherPayload.ThumbnailSide * VoucherPayload.ThumbnailSide];
        thumbnail.AsSpan().Fill(pdq[0]);
        return new VoucherPayload(pdq, thumbnail, name);
    }

    [Fact]
    public void Nothing_is_revealed_at_or_below_t_and_exactly_the_matches_past_it()
    {
        var server = ServerKey.Generate();
        var listed = Enumerable.Range(0, 36).Select(_ => RandomNumberGenerator.GetBytes(32)).ToArray();
        var (table, _, dropped) = PublicTable.Build(listed, server, listVersion: 3);
        Assert.Equal(0, dropped);
        var account = AccountKeys.Create(Threshold);

        var vouchers = new List<Voucher>();
        for (int i = 0; i < 20; i++)
            vouchers.Add(Voucher.CreateReal(table, account, Photo(listed[i], $"listed-{i}.jpg")));
        vouchers.Add(Voucher.CreateReal(table, account, Photo(listed[0], "listed-0-copy.jpg")));
        for (int i = 0; i < 10; i++)
            vouchers.Add(Voucher.CreateReal(table, account, Photo(RandomNumberGenerator.GetBytes(32), $"holiday-{i}.jpg")));
        for (int i = 0; i < 5; i++)
            vouchers.Add(Voucher.CreateSynthetic(table, account));

        // Every voucher, real or synthetic, matching or not, has the same size.
        Assert.All(vouchers, v => Assert.Equal(Voucher.SizeFor(Threshold), v.Serialize().Length));

        // 20 matches and 5 synthetic (25 shares) at t = 30: nothing.
        var below = VoucherProcessor.Process(server, 3, Threshold, Reparse(vouchers));
        Assert.Equal((false, vouchers.Count, 0, 0, 0), (below.Revealed, below.Vouchers, below.Matches.Count, below.Synthetic, below.Rejected));

        // 15 more matches: 35 distinct matched photos > t, so they (and only they) are revealed.
        for (int i = 20; i < 35; i++)
            vouchers.Add(Voucher.CreateReal(table, account, Photo(listed[i], $"listed-{i}.jpg")));
        var past = VoucherProcessor.Process(server, 3, Threshold, Reparse(vouchers));
        Assert.True(past.Revealed);
        Assert.Equal(5, past.Synthetic);
        Assert.Equal(0, past.Rejected);
        var revealed = past.Matches.Select(m => Convert.ToHexStringLower(m.Payload.Pdq)).OrderBy(h => h).ToArray();
        var expected = listed.Take(35).Select(Convert.ToHexStringLower).OrderBy(h => h).ToArray();
        Assert.Equal(expected, revealed);
        Assert.DoesNotContain(past.Matches, m => m.Payload.Name.StartsWith("holiday", StringComparison.Ordinal));
        var first = Assert.Single(past.Matches, m => m.Payload.Pdq.AsSpan().SequenceEqual(listed[7]));
        Assert.Equal("listed-7.jpg", first.Payload.Name);
        Assert.Equal(listed[7][0], first.Payload.Thumbnail[100]);

        // Another server key opens nothing at all.
        var stranger = VoucherProcessor.Process(ServerKey.Generate(), 3, Threshold, vouchers);
        Assert.Equal((false, 0), (stranger.Revealed, stranger.Matches.Count));
    }

    [Fact]
    public void Synthetic_vouchers_alone_never_reveal_anything_however_many()
    {
        var server = ServerKey.Generate();
        var (table, _, _) = PublicTable.Build([RandomNumberGenerator.GetBytes(32)], server, listVersion: 1);
        var account = AccountKeys.Create(5);
        var synthetic = Enumerable.Range(0, 30).Select(_ => Voucher.CreateSynthetic(table, account)).ToList();
        var result = VoucherProcessor.Process(server, 1, 5, synthetic);
        Assert.False(result.Revealed);
        Assert.Empty(result.Matches);
    }

    [Fact]
    public void An_account_with_more_synthetic_vouchers_than_the_protocol_allows_is_flagged_not_opened()
    {
        var server = ServerKey.Generate();
        var listed = Enumerable.Range(0, 10).Select(_ => RandomNumberGenerator.GetBytes(32)).ToArray();
        var (table, _, _) = PublicTable.Build(listed, server, listVersion: 1);
        var account = AccountKeys.Create(2);
        var vouchers = listed.Select((h, i) => Voucher.CreateReal(table, account, Photo(h, $"{i}.jpg"))).ToList();
        // s = 32 for t = 2: 40 synthetic vouchers are more than the detectable hash can separate.
        for (int i = 0; i < 40; i++)
            vouchers.Add(Voucher.CreateSynthetic(table, account));
        var result = VoucherProcessor.Process(server, 1, 2, vouchers);
        Assert.False(result.Revealed);
        Assert.Empty(result.Matches);
        Assert.Contains("flag the account", result.Problem);
    }

    [Fact]
    public void A_voucher_for_another_list_version_fails_loudly()
    {
        var server = ServerKey.Generate();
        var (table, _, _) = PublicTable.Build([RandomNumberGenerator.GetBytes(32)], server, listVersion: 1);
        var account = AccountKeys.Create(2);
        var voucher = Voucher.CreateSynthetic(table, account);
        var error = Assert.Throws<InvalidDataException>(() => VoucherProcessor.Process(server, 2, 2, [voucher]));
        Assert.Contains("list version 1", error.Message);
    }

    [Fact]
    public void Malformed_vouchers_and_key_files_are_refused_with_clear_errors_never_a_crash()
    {
        var server = ServerKey.Generate();
        var listed = RandomNumberGenerator.GetBytes(32);
        var (table, _, _) = PublicTable.Build([listed], server, listVersion: 1);
        var account = AccountKeys.Create(2);
        var bytes = Voucher.CreateReal(table, account, Photo(listed, "a.jpg")).Serialize();

        Assert.Throws<InvalidDataException>(() => Voucher.Parse(bytes.AsSpan(0, bytes.Length - 1), 2));
        Assert.Throws<InvalidDataException>(() => Voucher.Parse(bytes, 20));
        Assert.Throws<InvalidDataException>(() => Voucher.Parse("XXXX"u8, 2));
        var rng = new Random(5);
        for (int i = 0; i < 300; i++)
        {
            var tampered = (byte[])bytes.Clone();
            tampered[rng.Next(tampered.Length)] ^= (byte)(1 << rng.Next(8));
            try
            {
                var voucher = Voucher.Parse(tampered, 2);
                var result = VoucherProcessor.Process(server, voucher.ListVersion, 2, [voucher]);
                Assert.False(result.Revealed);
            }
            catch (InvalidDataException)
            {
                // Refused with a reason.
            }
        }

        var keyFile = account.Export();
        Assert.Equal(keyFile, AccountKeys.Import(keyFile).Export());
        Assert.Throws<InvalidDataException>(() => AccountKeys.Import(keyFile.AsSpan(0, keyFile.Length - 8)));
        Assert.Throws<InvalidDataException>(() => AccountKeys.Import("VGLPSIA2"u8.ToArray().Concat(keyFile.Skip(8)).ToArray()));
    }

    private static List<Voucher> Reparse(List<Voucher> vouchers) =>
        vouchers.Select(v => Voucher.Parse(v.Serialize(), Threshold)).OrderBy(_ => RandomNumberGenerator.GetInt32(1000)).ToList();
}
