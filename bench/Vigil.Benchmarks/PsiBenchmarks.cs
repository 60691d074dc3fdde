using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Vigil.Privacy.Psi;

namespace Vigil.Benchmarks;

/// <summary>
/// Private matching per photo, one thread: a device making a voucher (after hashing: the PDQ and
/// derivative are given) and the server opening one voucher's outer layer, for a listed and an
/// unlisted photo, in exact and banded mode. The list is 10,000 random hashes; the costs do not
/// depend on its size (pdata for a million is timed by <c>vigil bench psi</c>).
/// </summary>
[MemoryDiagnoser]
public class PsiBenchmarks
{
    private const int Threshold = 30;
    private ServerKey _server = null!;
    private PublicTable _table = null!;
    private AccountKeys _account = null!;
    private VoucherPayload _listed = null!;
    private VoucherPayload _unlisted = null!;
    private Voucher _listedVoucher = null!;
    private Voucher _unlistedVoucher = null!;

    [Params("exact", "banded")]
    public string Mode { get; set; } = "exact";

    [GlobalSetup]
    public void Setup()
    {
        _server = ServerKey.Generate();
        var rng = new Random(3);
        var list = new byte[10_000][];
        for (int i = 0; i < list.Length; i++)
        {
            list[i] = new byte[32];
            rng.NextBytes(list[i]);
        }
        (_table, _, _) = PublicTable.Build(list, _server, 1, Mode == "banded" ? BandParameters.Default() : null);
        _account = AccountKeys.Create(Threshold);
        var thumbnail = new byte[VoucherPayload.ThumbnailSide * VoucherPayload.ThumbnailSide];
        _listed = new VoucherPayload(list[17], thumbnail, "listed.jpg");
        _unlisted = new VoucherPayload(RandomNumberGenerator.GetBytes(32), thumbnail, "holiday.jpg");
        _listedVoucher = Voucher.CreateReal(_table, _account, _listed);
        _unlistedVoucher = Voucher.CreateReal(_table, _account, _unlisted);
    }

    [Benchmark]
    public Voucher CreateVoucher() => Voucher.CreateReal(_table, _account, _unlisted);

    [Benchmark]
    public OuterOutcome OpenListed() => VoucherProcessor.OpenOuter(_server, 1, _listedVoucher, out _);

    [Benchmark]
    public OuterOutcome OpenUnlisted() => VoucherProcessor.OpenOuter(_server, 1, _unlistedVoucher, out _);
}
