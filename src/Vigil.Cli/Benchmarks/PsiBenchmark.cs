using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Vigil.Privacy.Psi;

namespace Vigil.Cli.Benchmarks;

/// <summary>
/// The private-matching costs, exact or banded mode: pdata for N random 32-byte hashes (all cores), voucher
/// creation on one core (after hashing: a photo's PDQ and derivative are given), and the server's
/// processing of those vouchers on one core (an account of real, non-matching and 1% synthetic
/// vouchers past the threshold, so every step runs): the outer layers, once per voucher as it
/// arrives, timed apart from the account's reveal, which runs once per account.
/// </summary>
internal static class PsiBenchmark
{
    public static int Run(int size, int vouchers, int threshold, bool banded, TextWriter output, TextWriter log)
    {
        var key = ServerKey.Generate();
        var entries = new byte[size][];
        for (int i = 0; i < size; i++)
            entries[i] = RandomNumberGenerator.GetBytes(32);
        var bands = banded ? BandParameters.Default() : null;
        log.WriteLine($"building {(banded ? "banded" : "exact")} pdata for {size:N0} random hashes on {Environment.ProcessorCount} cores...");
        var clock = Stopwatch.StartNew();
        var (table, items, dropped) = PublicTable.Build(entries, key, listVersion: 1, bands);
        double buildSeconds = clock.Elapsed.TotalSeconds;
        long pdataBytes = table.Serialize().LongLength;

        var account = AccountKeys.Create(threshold);
        var thumbnail = new byte[VoucherPayload.ThumbnailSide * VoucherPayload.ThumbnailSide];
        var made = new List<Voucher>(vouchers);
        log.WriteLine($"creating {vouchers:N0} vouchers on one thread (half of them for listed hashes)...");
        clock.Restart();
        for (int i = 0; i < vouchers; i++)
        {
            var pdq = i % 2 == 0 ? entries[i % size] : RandomNumberGenerator.GetBytes(32);
            made.Add(i % 100 == 99 ? Voucher.CreateSynthetic(table, account) : Voucher.CreateReal(table, account, new VoucherPayload(pdq, thumbnail, $"photo-{i}.jpg")));
        }
        double createSeconds = clock.Elapsed.TotalSeconds;

        log.WriteLine("processing them on one thread: outer layers, then the account's reveal...");
        clock.Restart();
        var opened = new List<OpenedVoucher>();
        foreach (var voucher in made)
        {
            if (VoucherProcessor.OpenOuter(key, 1, voucher, out var open) == OuterOutcome.Opened)
                opened.Add(open!);
        }
        double outerSeconds = clock.Elapsed.TotalSeconds;
        clock.Restart();
        var result = VoucherProcessor.Reveal(threshold, made.Count, opened);
        double revealSeconds = clock.Elapsed.TotalSeconds;

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"size\":{size},\"pdata_build_seconds\":{buildSeconds:F1},\"pdata_bytes\":{pdataBytes},\"pdata_bytes_per_entry\":{(double)pdataBytes / size:F1},\"mode\":\"{table.Mode}\",\"table_items\":{items},\"dropped\":{dropped},"
            + $"\"threshold\":{threshold},\"vouchers\":{vouchers},\"voucher_bytes\":{Voucher.SizeFor(threshold, table.Layout)},"
            + $"\"voucher_create_ms\":{createSeconds * 1000 / vouchers:F3},\"process_vouchers_per_second\":{vouchers / outerSeconds:F0},"
            + $"\"reveal_ms\":{revealSeconds * 1000:F1},\"opened\":{opened.Count},"
            + $"\"revealed\":{(result.Revealed ? "true" : "false")},\"matches\":{result.Matches.Count},\"synthetic\":{result.Synthetic}}}"));
        return dropped == 0 && result.Revealed ? ExitCodes.Success : ExitCodes.Failure;
    }
}
