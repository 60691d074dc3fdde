using System.Security.Cryptography;
using Vigil.Privacy.Psi;

namespace Vigil.Privacy.Tests;

/// <summary>
/// A photo whose PDQ quality is under 50 gets <see cref="Voucher.CreateUnmatchable"/>: it never opens or reveals,
/// even when the photo's own hash is on the list, while it looks like every other voucher (same size, same fixed
/// bytes, the same spread of the rest).
/// </summary>
public sealed class UnmatchableVoucherTests
{
    private const int Threshold = 2;
    private static readonly BandParameters Bands = BandParameters.Default(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    private static VoucherPayload Photo(byte[] pdq, string name) =>
        new(pdq, new byte[VoucherPayload.ThumbnailSide * VoucherPayload.ThumbnailSide], name);

    public static TheoryData<bool> Modes() => new() { false, true };

    [Theory]
    [MemberData(nameof(Modes))]
    public void A_low_quality_photo_on_the_list_never_matches_while_normal_ones_do(bool banded)
    {
        var server = ServerKey.Generate();
        var listed = Enumerable.Range(0, 6).Select(_ => RandomNumberGenerator.GetBytes(32)).ToArray();
        var (table, _, dropped) = PublicTable.Build(listed, server, listVersion: 4, banded ? Bands : null);
        Assert.Equal(0, dropped);
        var account = AccountKeys.Create(Threshold);

        // listed[0..2] are normal photos; listed[3..5] are low-quality photos whose hashes the list holds too.
        var vouchers = new List<Voucher>();
        for (int i = 0; i < 6; i++)
        {
            int quality = i < 3 ? 100 : 12;
            vouchers.Add(DeviceVouchers.Make(table, account, Photo(listed[i], $"photo-{i}.jpg"), quality, synthetic: false, out var kind));
            Assert.Equal(i < 3 ? VoucherKind.Real : VoucherKind.Unmatchable, kind);
        }

        for (int i = 3; i < 6; i++)
            Assert.Equal(OuterOutcome.Closed, VoucherProcessor.OpenOuter(server, 4, vouchers[i], out _));
        var result = VoucherProcessor.Process(server, 4, Threshold, vouchers);
        Assert.True(result.Revealed);
        Assert.Equal(0, result.Rejected);
        Assert.Equal(["photo-0.jpg", "photo-1.jpg", "photo-2.jpg"], result.Matches.Select(m => m.Payload.Name).Order());

        // Without the normal photos, the three low-quality ones (past t = 2 if they counted) reveal nothing.
        var alone = VoucherProcessor.Process(server, 4, Threshold, vouchers.Skip(3).ToList());
        Assert.Equal((false, 0, 0), (alone.Revealed, alone.Matches.Count, alone.Rejected));
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void It_has_the_size_fixed_bytes_and_byte_spread_of_a_real_voucher(bool banded)
    {
        var server = ServerKey.Generate();
        var (table, _, _) = PublicTable.Build([RandomNumberGenerator.GetBytes(32)], server, listVersion: 7, banded ? Bands : null);
        var account = AccountKeys.Create(Threshold);
        const int n = 40;
        var real = Enumerable.Range(0, n).Select(i => Voucher.CreateReal(table, account, Photo(RandomNumberGenerator.GetBytes(32), $"p{i}.jpg")).Serialize()).ToList();
        var dummy = Enumerable.Range(0, n).Select(_ => Voucher.CreateUnmatchable(table, account).Serialize()).ToList();

        int size = Voucher.SizeFor(Threshold, table.Layout);
        Assert.All(real, v => Assert.Equal(size, v.Length));
        Assert.All(dummy, v => Assert.Equal(size, v.Length));
        Assert.All(dummy, v => Voucher.Parse(v, Threshold, table.Layout)); // every Q a valid group element, the layout the table's

        // The byte positions that never change (magic, version, list version, layout) are the same, with the same values.
        var fixedReal = FixedPositions(real);
        var fixedDummy = FixedPositions(dummy);
        Assert.Equal(fixedReal.Keys.Order(), fixedDummy.Keys.Order());
        foreach (var (position, value) in fixedReal)
            Assert.Equal(value, fixedDummy[position]);
        Assert.True(fixedReal.Count < 20, $"{fixedReal.Count} fixed positions: only the header should be fixed");

        // The rest is spread alike: mean byte value and the share of each value's high bit.
        var (realMean, realHigh) = Spread(real, fixedReal);
        var (dummyMean, dummyHigh) = Spread(dummy, fixedDummy);
        Assert.InRange(realMean, 125.5, 129.5);
        Assert.InRange(dummyMean, 125.5, 129.5);
        Assert.InRange(Math.Abs(realMean - dummyMean), 0, 2.0);
        Assert.InRange(Math.Abs(realHigh - dummyHigh), 0, 0.01);
    }

    private static Dictionary<int, byte> FixedPositions(List<byte[]> vouchers)
    {
        var positions = new Dictionary<int, byte>();
        for (int i = 0; i < vouchers[0].Length; i++)
        {
            byte first = vouchers[0][i];
            if (vouchers.All(v => v[i] == first))
                positions[i] = first;
        }
        return positions;
    }

    private static (double Mean, double HighBitShare) Spread(List<byte[]> vouchers, Dictionary<int, byte> fixedPositions)
    {
        long sum = 0, high = 0, count = 0;
        foreach (var v in vouchers)
        {
            for (int i = 0; i < v.Length; i++)
            {
                if (fixedPositions.ContainsKey(i))
                    continue;
                sum += v[i];
                high += v[i] >> 7;
                count++;
            }
        }
        return ((double)sum / count, (double)high / count);
    }
}
