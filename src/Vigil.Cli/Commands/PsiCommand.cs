using System.CommandLine;
using System.Security.Cryptography;
using System.Text.Json;
using Vigil.Banks;
using Vigil.Cli.Interaction;
using Vigil.Cli.Psi;
using Vigil.Hashing.Pdq;
using Vigil.Media;
using Vigil.Privacy.Crypto;
using Vigil.Privacy.Psi;
using Vigil.Storage;

namespace Vigil.Cli.Commands;

/// <summary>
/// <c>vigil psi publish|voucher|process</c>: private matching on the device (exact or banded mode). The
/// server publishes pdata from banks; the device appends one safety voucher per photo; the server
/// processes an account's vouchers and learns the matches only past the threshold.
/// </summary>
internal static class PsiCommand
{
    private const string ManifestFile = "manifest.json";

    public static Command Create(TextWriter output, TextWriter error)
    {
        var psi = new Command("psi", "Private matching on the device: publish the blinded list (pdata), make safety vouchers, process them past a threshold");
        psi.Subcommands.Add(CreatePublish(output, error));
        psi.Subcommands.Add(CreateVoucher(output, error));
        psi.Subcommands.Add(CreateProcess(output, error));
        return psi;
    }

    private static Command CreatePublish(TextWriter output, TextWriter error)
    {
        var banks = new Option<string[]>("--bank") { Description = "Bank whose PDQ hashes go into the list (repeatable)", Required = true, AllowMultipleArgumentsPerToken = true };
        var outDir = new Option<string>("--out") { Description = "Folder for pdata.bin, manifest.json and the secret server.key", Required = true };
        var mode = new Option<string>("--mode") { Description = "exact (the PDQ must equal a list entry) or banded", DefaultValueFactory = _ => "exact" };
        mode.AcceptOnlyFromAmong("exact", "banded");
        var threshold = new Option<int>("--threshold") { Description = "t: an account's matches are revealed past t (default 30)", DefaultValueFactory = _ => 30 };
        threshold.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 1 or > 10_000) r.AddError("--threshold must be 1 to 10,000"); });
        var minBanks = new Option<int>("--min-banks")
        {
            Description = "List only hashes found in at least N of the --bank banks (default 1). With each bank one organisation's list, " +
                          "2 or more means no single organisation can put a hash on the list; the signed manifest states N",
            DefaultValueFactory = _ => 1,
            HelpName = "N",
        };
        var command = new Command("publish", "Build pdata from banks (blinded with the server key in OUT/server.key, made on first use) and its signed manifest")
        {
            banks, outDir, mode, threshold, minBanks,
        };
        command.SetAction(async (parse, ct) =>
        {
            // The banks first: a missing bank fails before anything is written to DIR.
            await using var store = await StoreOption.OpenAsync(parse, ct);
            var names = parse.GetValue(banks)!;
            int required = parse.GetValue(minBanks), named = names.Distinct(StringComparer.Ordinal).Count();
            if (required < 1 || required > named)
            {
                error.WriteLine($"error: --min-banks must be 1 to the number of --bank banks ({named}), not {required}");
                return ExitCodes.Usage;
            }
            return await CliAuditor.RunAsync(store, "psi.publish", string.Join(',', names), outcome => PublishAsync(store, parse, names, required, outcome, ct));
        });
        return command;

        async Task<int> PublishAsync(IVigilStore store, ParseResult parse, string[] names, int required, Dictionary<string, object?> outcome, CancellationToken ct)
        {
            string dir = Path.GetFullPath(parse.GetValue(outDir)!);
            outcome["out"] = dir;
            outcome["mode"] = parse.GetValue(mode);
            outcome["threshold"] = parse.GetValue(threshold);
            outcome["min_banks"] = required;
            var entries = required <= 1 ? await ReadListAsync(store, names, error, ct) : await ReadListInBanksAsync(store, names, required, error, ct);
            ulong listVersion = (ulong)await store.GetLatestChangeSeqAsync(ct);
            outcome["list_version"] = listVersion;
            Directory.CreateDirectory(dir);
            string keyPath = Path.Combine(dir, "server.key");
            var key = File.Exists(keyPath) ? ServerKey.Import(await File.ReadAllBytesAsync(keyPath, ct)) : null;
            if (key is null)
            {
                key = ServerKey.Generate();
                await SecretFile.WriteNewAsync(keyPath, key.Export(), ct);
                error.WriteLine($"vigil: made a new server key {keyPath} (keep it secret; keep it across list versions)");
                outcome["new_server_key"] = true;
            }
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var bands = parse.GetValue(mode) == "banded" ? BandParameters.Default() : null;
            // Blinding is the slow part (a group operation per slot): show it on a terminal, plain lines in logs for big lists.
            var blinding = new CommandProgress(error, "slots blinded", total: null, plainLines: entries.Count >= CommandProgress.UnknownTotalStep);
            var (table, distinct, dropped) = PublicTable.Build(entries, key, listVersion, bands,
                progress: new SerialProgress<long>(blinding.Report));
            blinding.Finish();
            var pdata = table.Serialize();
            await File.WriteAllBytesAsync(Path.Combine(dir, "pdata.bin"), pdata, ct);
            // In exact mode the table's distinct items are the distinct hashes; banded mode has five items per hash.
            int hashes = bands is null ? distinct : CountDistinct(entries);
            var manifest = Manifest.Describe(table, pdata, parse.GetValue(threshold), names, hashes, dropped, required).SignWith(key);
            await File.WriteAllTextAsync(Path.Combine(dir, ManifestFile), manifest.ToJson(), ct);
            outcome["entries"] = manifest.Entries;
            outcome["pdata_sha256"] = manifest.PdataSha256;
            string items = bands is null ? "" : $" ({distinct:N0} band items, {bands.ProbeCount} probes per photo)";
            output.WriteLine($"pdata: {manifest.Entries:N0} entries{items} in {table.SlotCount:N0} slots, {table.Mode} mode, {pdata.Length / 1e6:F1} MB, built in {clock.Elapsed.TotalSeconds:F1} s; list version {listVersion}; threshold {manifest.Threshold}");
            output.WriteLine($"root:  {manifest.PdataSha256}");
            if (dropped > 0)
                error.WriteLine($"warning: {dropped} {(bands is null ? "entries" : "band items")} could not be placed and will not match");
            return ExitCodes.Success;
        }
    }

    /// <summary>Every PDQ hash of the banks' enabled content, as bytes (repeats are merged by the table).</summary>
    private static async Task<List<byte[]>> ReadListAsync(IVigilStore store, string[] banks, TextWriter error, CancellationToken ct)
    {
        var entries = new List<byte[]>();
        var progress = new CommandProgress(error, "hashes read", total: null);
        await foreach (var entry in store.StreamPdqSignalsAsync(banks, includeDisabledContent: false, ct))
        {
            entries.Add(Convert.FromHexString(entry.Hash.ToString()));
            progress.Advance();
        }
        progress.Finish();
        return entries;
    }

    /// <summary>The PDQ hashes found in at least <paramref name="required"/> of the banks, each once.</summary>
    private static async Task<List<byte[]>> ReadListInBanksAsync(IVigilStore store, string[] banks, int required, TextWriter error, CancellationToken ct)
    {
        var bankIdsByHash = new Dictionary<PdqHash, List<long>>();
        await foreach (var entry in store.StreamPdqSignalsAsync(banks, includeDisabledContent: false, ct))
        {
            if (!bankIdsByHash.TryGetValue(entry.Hash, out var ids))
                bankIdsByHash[entry.Hash] = ids = new List<long>(2);
            if (!ids.Contains(entry.BankId))
                ids.Add(entry.BankId);
        }
        var entries = new List<byte[]>();
        foreach (var (hash, ids) in bankIdsByHash)
        {
            if (ids.Count >= required)
                entries.Add(Convert.FromHexString(hash.ToString()));
        }
        error.WriteLine($"vigil: {entries.Count:N0} of {bankIdsByHash.Count:N0} distinct hashes are in at least {required} of the {banks.Length} banks");
        return entries;
    }

    private static Command CreateVoucher(TextWriter output, TextWriter error)
    {
        var pdataOption = new Option<string>("--pdata") { Description = "The published pdata.bin (its manifest.json beside it)", Required = true };
        var account = new Option<string>("--account") { Description = "This account's key file (secret; the same on all its devices)", Required = true };
        var create = new Option<bool>("--create-account") { Description = "Make the account key file if it does not exist yet" };
        var outFile = new Option<string>("--out") { Description = "Voucher file to append to", Required = true };
        var rate = new Option<double?>("--synthetic-rate") { Description = "Chance that a photo's voucher is synthetic (default t / 10,000: about t synthetic vouchers per 10,000 photos)" };
        rate.Validators.Add(r => { if (r.GetValueOrDefault<double?>() is < 0 or > 1) r.AddError("--synthetic-rate must be 0 to 1"); });
        var signingKey = new Option<string?>("--signing-key") { Description = "Refuse a manifest not signed by this server key (hex)" };
        var requireBanks = new Option<int>("--require-min-banks")
        {
            Description = "Refuse a list whose signed manifest does not promise that every entry is in at least N of its banks (see 'psi publish --min-banks')",
            DefaultValueFactory = _ => 1,
            HelpName = "N",
        };
        var paths = new Argument<string[]>("PATH") { Description = "Photos", Arity = ArgumentArity.OneOrMore };
        var command = new Command("voucher", "On the device: append one safety voucher per photo to FILE, using only pdata and this account's keys (the device learns nothing about matches)")
        {
            pdataOption, account, create, outFile, rate, signingKey, requireBanks, paths,
        };
        command.SetAction(async (parse, ct) =>
        {
            var (pdata, manifest) = await ReadPublishedAsync(parse.GetValue(pdataOption)!, parse.GetValue(signingKey), ct);
            var table = PublicTable.Parse(pdata);
            manifest.CheckAgainst(table);
            int promised = Math.Max(1, manifest.MinBanks);
            if (promised < parse.GetValue(requireBanks))
            {
                error.WriteLine($"error: this list promises entries in at least {promised} of its banks ({string.Join(", ", manifest.Banks)}), " +
                                $"fewer than the {parse.GetValue(requireBanks)} this device requires (--require-min-banks); no vouchers were made");
                return ExitCodes.Failure;
            }

            string accountPath = parse.GetValue(account)!;
            AccountKeys keys;
            if (File.Exists(accountPath))
            {
                keys = AccountKeys.Import(await File.ReadAllBytesAsync(accountPath, ct));
            }
            else if (parse.GetValue(create))
            {
                keys = AccountKeys.Create(manifest.Threshold);
                await SecretFile.WriteNewAsync(accountPath, keys.Export(), ct);
                error.WriteLine($"vigil: made a new account key {accountPath} (threshold {manifest.Threshold})");
            }
            else
            {
                error.WriteLine($"error: no account key file {accountPath}; pass --create-account to make one");
                return ExitCodes.Failure;
            }
            if (keys.Threshold != manifest.Threshold)
                throw new InvalidDataException($"the account's threshold is {keys.Threshold} but this list's is {manifest.Threshold}");
            if (!CommonOptions.NativeLibrariesReady(error))
                return ExitCodes.Failure;

            double syntheticRate = parse.GetValue(rate) ?? SyntheticRate.For(keys.Threshold);
            var hasher = new PdqHasher();
            using var decoder = new ImageDecoder();
            int made = 0, failures = 0;
            await using var file = new FileStream(parse.GetValue(outFile)!, FileMode.Append, FileAccess.Write);
            foreach (string path in parse.GetValue(paths)!)
            {
                VoucherPayload payload;
                int quality;
                try
                {
                    using var image = decoder.DecodeFile(path);
                    var pdq = hasher.HashRgb(image.Pixels, image.Width, image.Height);
                    quality = pdq.Quality;
                    payload = new VoucherPayload(Convert.FromHexString(pdq.Hash.ToString()), VisualDerivative.From(image), Path.GetFileName(path));
                }
                catch (Exception e) when (e is ImageDecodeException or IOException or UnauthorizedAccessException)
                {
                    error.WriteLine($"error: {path}: {e.Message}");
                    failures++;
                    continue;
                }
                bool synthetic = syntheticRate > 0 && RandomNumberGenerator.GetInt32(1_000_000) < syntheticRate * 1_000_000;
                var voucher = DeviceVouchers.Make(table, keys, payload, quality, synthetic, out _);
                // Said whatever voucher was made: the coin must not show, and the quality is the device's own knowledge.
                if (quality < DeviceVouchers.MinimumQuality)
                    error.WriteLine($"warning: {path}: PDQ quality {quality} is below {DeviceVouchers.MinimumQuality}; its voucher is made so it can never match (as vigil match refuses it)");
                await file.WriteAsync(voucher.Serialize(), ct);
                made++;
            }
            output.WriteLine($"{made} voucher(s) of {Voucher.SizeFor(keys.Threshold, table.Layout):N0} bytes appended to {parse.GetValue(outFile)}");
            return failures == 0 ? ExitCodes.Success : ExitCodes.Failure;
        });
        return command;
    }

    private static Command CreateProcess(TextWriter output, TextWriter error)
    {
        var keyOption = new Option<string>("--key") { Description = "The secret server.key", Required = true };
        var pdataOption = new Option<string>("--pdata") { Description = "The pdata.bin the vouchers were made against (its manifest.json beside it)", Required = true };
        var threshold = new Option<int>("--threshold") { Description = "t: reveal only past t matches", Required = true };
        var format = new Option<string>("--format", "-f") { Description = "text or json", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var files = new Argument<string[]>("FILE") { Description = "One account's voucher files", Arity = ArgumentArity.OneOrMore };
        var command = new Command("process", "On the server: open one account's vouchers; below the threshold learn nothing, past it reveal exactly the matched photos (re-checked against the banks)")
        {
            keyOption, pdataOption, threshold, format, files,
        };
        command.SetAction(async (parse, ct) =>
        {
            var key = ServerKey.Import(await File.ReadAllBytesAsync(parse.GetValue(keyOption)!, ct));
            var (_, manifest) = await ReadPublishedAsync(parse.GetValue(pdataOption)!, Convert.ToHexStringLower(key.SigningPublicKey), ct);
            int t = parse.GetValue(threshold);
            if (t != manifest.Threshold)
                throw new InvalidDataException($"--threshold {t} differs from the list's threshold {manifest.Threshold}: the devices' shares are made for {manifest.Threshold}");
            var vouchers = new List<Voucher>();
            var layout = manifest.VoucherLayout();
            int size = Voucher.SizeFor(t, layout);
            string pdataPath = parse.GetValue(pdataOption)!;
            foreach (string path in parse.GetValue(files)!)
            {
                var bytes = await File.ReadAllBytesAsync(path, ct);
                if (Voucher.ReadLayout(bytes) is { } found && found != layout)
                {
                    // A file made against another mode's pdata: say so, rather than that its size is wrong.
                    error.WriteLine(found.Mode != layout.Mode
                        ? $"error: {path}: the vouchers are {found.Mode} but the published data {pdataPath} is {layout.Mode}: process them with the pdata they were made against "
                          + $"(published with --mode {found.Mode}), or make them again against this one (its vouchers are {layout.Mode})"
                        : $"error: {path}: the vouchers have {found.Pairs} probes of {found.KeysPerPair} keys but the published data {pdataPath} takes {layout.Pairs} of {layout.KeysPerPair}: "
                          + "they were made against a list with other band parameters; process them with that list's pdata");
                    return ExitCodes.Failure;
                }
                if (bytes.Length % size != 0)
                    throw new InvalidDataException($"{path} is {bytes.Length} bytes, not a whole number of {size}-byte vouchers (truncated?)");
                for (int at = 0; at < bytes.Length; at += size)
                    vouchers.Add(Voucher.Parse(bytes.AsSpan(at, size), t, layout));
            }
            var result = VoucherProcessor.Process(key, manifest.ListVersion, t, vouchers);
            if (result.Problem is not null)
                error.WriteLine($"warning: {result.Problem}");
            if (!result.Revealed)
            {
                output.WriteLine(parse.GetValue(format) == "json"
                    ? JsonSerializer.Serialize(new { status = "below_threshold", vouchers = result.Vouchers })
                    : $"below the threshold: {result.Vouchers} voucher(s), nothing revealed");
                return ExitCodes.Success;
            }

            // Re-check every revealed hash against the banks before anyone acts on it.
            await using var store = await StoreOption.OpenAsync(parse, ct);
            var matcher = await BankMatcher.LoadAsync(store, manifest.Banks, error, ct);
            var matches = new List<Dictionary<string, object?>>();
            foreach (var match in result.Matches)
            {
                var pdq = PdqHash.Parse(Convert.ToHexStringLower(match.Payload.Pdq));
                var outcome = await matcher.MatchAsync([pdq], 31, null, withContent: false, ct);
                matches.Add(new Dictionary<string, object?>
                {
                    ["voucher_id"] = match.VoucherId,
                    ["name"] = match.Payload.Name,
                    ["pdq"] = pdq.ToString(),
                    ["distance"] = outcome.Matches.Count > 0 ? outcome.Matches[0].Distance : null,
                });
            }
            if (parse.GetValue(format) == "json")
            {
                output.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
                {
                    ["status"] = "revealed",
                    ["vouchers"] = result.Vouchers,
                    ["matches"] = matches,
                    ["synthetic"] = result.Synthetic,
                }));
            }
            else
            {
                output.WriteLine($"revealed: {matches.Count} match(es) in {result.Vouchers} voucher(s); {result.Synthetic} synthetic");
                foreach (var m in matches)
                    output.WriteLine($"  {m["voucher_id"]}  {m["pdq"]}  distance {m["distance"] ?? "(no longer in the banks)"}  {m["name"]}");
            }
            if (result.Rejected > 0)
                error.WriteLine($"warning: {result.Rejected} voucher(s) were malformed or inconsistent and were ignored");
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>pdata and the manifest beside it, checked: the signature (by <paramref name="signingKey"/> when given) and pdata's root.</summary>
    private static async Task<(byte[] Pdata, Manifest Manifest)> ReadPublishedAsync(string pdataPath, string? signingKey, CancellationToken ct)
    {
        var pdata = await File.ReadAllBytesAsync(pdataPath, ct);
        var manifest = Manifest.Parse(await File.ReadAllTextAsync(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(pdataPath))!, ManifestFile), ct));
        manifest.Verify(pdata, signingKey);
        return (pdata, manifest);
    }

    private static int CountDistinct(List<byte[]> hashes)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var hash in hashes)
            seen.Add(Convert.ToHexString(hash));
        return seen.Count;
    }
}
