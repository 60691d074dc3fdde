using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Vigil.Hashing.Pdq;
using Vigil.Cli.Guarding;
using Vigil.Classifiers;
using Vigil.Media.Video;
using Vigil.Video.Guard;

namespace Vigil.Cli.Commands;

/// <summary>
/// <c>vigil guard INPUT OUTPUT</c>: a relay that checks frames before they leave (docs/guard.md). Frames are decoded by
/// ffmpeg once, held in a delay line, sampled checks run against known PDQ hashes (a bank, or a list file), and only
/// frames covered by a passed check go to OUTPUT (ffmpeg: a file, udp://, rtmp://, a v4l2 loopback device or -); on a
/// hit the output is blanked, frozen or stopped and one JSON event is printed. Nothing is sent anywhere else.
/// </summary>
internal static class GuardCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var input = new Argument<string>("INPUT") { Description = "A video file, a stream URL ffmpeg reads (udp://, rtmp://), a v4l2 device, or - for standard input" };
        var target = new Argument<string>("OUTPUT") { Description = "Where checked frames go: a file, udp://..., rtmp://..., /dev/videoN (v4l2 loopback), or - for standard output (MPEG-TS)" };
        var banks = new Option<string[]>("--bank", "-b") { Description = "Check against this bank's PDQ hashes (repeatable)" };
        var list = new Option<string?>("--list") { Description = "Check against the PDQ hashes in this file: a packed, signed list ('vigil guard pack-list'; needs --list-key), or one 64-hex hash per line", HelpName = "FILE" };
        var listKey = new Option<string?>("--list-key") { Description = "The Ed25519 public key (64 hex digits) a packed --list must be signed by ('vigil guard pack-list' prints it)", HelpName = "HEX" };
        var delay = new Option<string>("--delay") { Description = "The delay line: frames are held this long at most (e.g. 500ms, 1s)", DefaultValueFactory = _ => "500ms" };
        var checks = new Option<double>("--checks-per-second") { Description = "Sampled checks a second; every frame is covered by the next one", DefaultValueFactory = _ => 5 };
        var onBlock = new Option<string>("--on-block") { Description = "What leaves on a hit: blank (black frames), freeze (the last clean frame) or stop", DefaultValueFactory = _ => "blank" };
        onBlock.AcceptOnlyFromAmong("blank", "freeze", "stop");
        var resumeAfter = new Option<string>("--resume-after") { Description = "After a hit, frames stay blocked until checks have passed for this long (e.g. 10s)", DefaultValueFactory = _ => "10s" };
        var classifier = new Option<string?>("--classifier")
        {
            Description = "Also block frames this on-device classifier scores past its threshold (an ONNX manifest, docs/classifiers.md; a vendor's http manifest is refused: frames never leave the device)",
            HelpName = "MANIFEST",
        };
        var hooks = new Option<string[]>("--on-block-run")
        {
            Description = "A shell command to run when the output is blocked or stopped (repeatable): it gets the event's JSON line on standard input and VIGIL_GUARD_EVENT, _FRAME, _REASON, _INPUT",
            HelpName = "COMMAND",
        };
        var maxDistance = new Option<int>("--max-distance", "-d") { Description = "PDQ distance of a hit", DefaultValueFactory = _ => 31 };
        var stallTimeout = new Option<double>("--stall-timeout")
        {
            Description = "A live input that sends no frame for this many seconds has ended: what is held is checked and flushed",
            DefaultValueFactory = _ => 10,
        };
        var command = new Command("guard", "Relay a stream, pictures and sound, and let out only frames a check at or after them passed: known material is blanked (or frozen, or the stream stopped), its sound silenced, before it leaves")
        {
            input, target, banks, list, listKey, classifier, delay, checks, onBlock, resumeAfter, hooks, maxDistance, stallTimeout,
        };
        command.Subcommands.Add(CreatePackList(output, error));
        command.Validators.Add(r =>
        {
            if ((r.GetValue(banks) is not { Length: > 0 }) && r.GetValue(list) is null && r.GetValue(classifier) is null)
                r.AddError("give what to check against: --bank NAME, --list FILE or --classifier MANIFEST");
            if (r.GetResult(stallTimeout) is { Implicit: false } && r.GetValue(stallTimeout) is not (> 0 and <= 3600))
                r.AddError("--stall-timeout must be more than 0, at most 3600 seconds");
            if (r.GetResult(checks) is { Implicit: false } && r.GetValue(checks) is not (> 0 and <= 120))
                r.AddError("--checks-per-second must be more than 0, at most 120");
            foreach (var option in new[] { delay, resumeAfter })
            {
                if (r.GetValue(option) is { } given && !TryParseDuration(given, out _))
                    r.AddError($"{option.Name} must be a duration such as 500ms, 2s or 1.5s, not '{r.GetValue(option)}'");
            }
        });
        command.SetAction(async (parse, ct) =>
        {
            string inputPath = parse.GetValue(input)!, outputPath = parse.GetValue(target)!;
            // Events go to standard output, unless the video does.
            var events = outputPath == "-" ? error : output;
            var hashes = new List<PdqHash>();
            if (parse.GetValue(list) is { } listPath && !GuardListFile.Read(listPath, parse.GetValue(listKey), hashes, error))
                return ExitCodes.Failure;
            if (parse.GetValue(banks) is { Length: > 0 } bankNames)
            {
                await using var store = await StoreOption.OpenAsync(parse, ct);
                await AddBankHashesAsync(store, bankNames, hashes, ct);
            }
            using var model = OpenOnDeviceClassifier(parse.GetValue(classifier), error);
            if (parse.GetValue(classifier) is not null && model is null)
                return ExitCodes.Failure;
            if (hashes.Count == 0 && model is null)
                error.WriteLine("warning: no PDQ hashes to check against: every frame will pass");
            TryParseDuration(parse.GetValue(delay)!, out var delayTime);
            TryParseDuration(parse.GetValue(resumeAfter)!, out var resumeTime);
            var mode = parse.GetValue(onBlock) switch { "freeze" => BlockMode.Freeze, "stop" => BlockMode.Stop, _ => BlockMode.Blank };
            var checker = new GuardChecks(new PdqListCheck(hashes, parse.GetValue(maxDistance)), model);
            var eventLog = new GuardEvents(events, error, inputPath, parse.GetValue(hooks) ?? []);
            error.WriteLine($"vigil guard: {hashes.Count:N0} known hashes{(model is null ? "" : $", classifier {model.Manifest.Name} {model.Manifest.Version} (threshold {model.Manifest.Threshold})")}, delay {delayTime.TotalMilliseconds:0} ms, {parse.GetValue(checks)} checks/s, on a hit {parse.GetValue(onBlock)}");

            var relay = new GuardRelay(checker, eventLog, new GuardSettings(delayTime, parse.GetValue(checks), mode, resumeTime, TimeSpan.FromSeconds(parse.GetValue(stallTimeout))));
            GuardRunSummary summary;
            try
            {
                summary = await relay.RunAsync(inputPath, outputPath, ct);
            }
            catch (VideoDecodeException e)
            {
                error.WriteLine($"error: {e.Message}");
                return ExitCodes.Failure;
            }
            finally
            {
                await eventLog.WaitForHooksAsync();
            }
            if (summary.Stalled)
                error.WriteLine($"vigil guard: no frame for {parse.GetValue(stallTimeout):0.#} s: the input has ended");
            error.WriteLine($"vigil guard: {summary.Frames:N0} frames{(summary.Audio ? " with sound" : "")}, {summary.Hits} hit(s), {summary.BlockedFrames:N0} frames blocked{(summary.Stopped ? ", stopped" : "")}"
                + (checker.ClassifierFailures > 0 ? $", {checker.ClassifierFailures} classifier failure(s) (their frames were blocked)" : ""));
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The classifier an on-device guard may run: an ONNX model on this machine, never a vendor's service.</summary>
    private static IMediaClassifier? OpenOnDeviceClassifier(string? manifestPath, TextWriter error)
    {
        if (manifestPath is null)
            return null;
        try
        {
            var manifest = Vigil.Classifiers.Manifests.ClassifierManifestReader.Read(manifestPath);
            if (manifest.Onnx is null)
            {
                error.WriteLine($"error: --classifier {manifestPath} is a vendor's http service: vigil guard sends nothing off the device, so it runs only on-device (onnx) models");
                return null;
            }
            return MediaClassifiers.Open(manifest, threads: 1);
        }
        catch (Exception e) when (e is Vigil.Classifiers.Manifests.ClassifierManifestException or ClassifierException)
        {
            error.WriteLine($"error: --classifier {manifestPath}: {e.Message}");
            return null;
        }
    }

    /// <summary><c>vigil guard pack-list --bank NAME... --key server.key --out FILE</c>: the device's list, PDQ only, signed by the private-matching key.</summary>
    private static Command CreatePackList(TextWriter output, TextWriter error)
    {
        var banks = new Option<string[]>("--bank", "-b") { Description = "A bank whose PDQ hashes go on the list (repeatable)", Required = true };
        var key = new Option<string>("--key") { Description = "The private-matching server key ('vigil psi publish' makes OUT/server.key): its signing key signs the list", Required = true, HelpName = "FILE" };
        var outFile = new Option<string>("--out") { Description = "The packed list to write", Required = true, HelpName = "FILE" };
        var command = new Command("pack-list", "Pack banks' PDQ hashes into the compact, signed list a device running 'vigil guard --list' checks at start; prints the public key to give it")
        {
            banks, key, outFile,
        };
        command.SetAction(async (parse, ct) =>
        {
            Vigil.Privacy.Psi.ServerKey serverKey;
            try
            {
                serverKey = Vigil.Privacy.Psi.ServerKey.Import(await File.ReadAllBytesAsync(parse.GetValue(key)!, ct));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or ArgumentException or FormatException or System.Security.Cryptography.CryptographicException)
            {
                error.WriteLine($"error: --key {parse.GetValue(key)}: {e.Message}");
                return ExitCodes.Failure;
            }
            var hashes = new List<PdqHash>();
            await using (var store = await StoreOption.OpenAsync(parse, ct))
                await AddBankHashesAsync(store, parse.GetValue(banks)!, hashes, ct);
            byte[] packed = PackedPdqList.Pack(hashes, body => serverKey.Sign(body));
            string path = parse.GetValue(outFile)!;
            await File.WriteAllBytesAsync(path + ".tmp", packed, ct);
            File.Move(path + ".tmp", path, overwrite: true);
            int count = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(packed.AsSpan(4));
            output.WriteLine($"packed {count:N0} PDQ hashes into {path} ({packed.Length:N0} bytes), signed");
            output.WriteLine($"list key: {Convert.ToHexStringLower(serverKey.SigningPublicKey)}");
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The banks' PDQ hashes as an index is built from them (content disabled now left out; unknown banks an error).</summary>
    private static async Task AddBankHashesAsync(Vigil.Storage.IVigilStore store, string[] banks, List<PdqHash> hashes, CancellationToken ct)
    {
        await foreach (var entry in store.StreamPdqSignalsAsync(banks, includeDisabledContent: false, ct))
            hashes.Add(entry.Hash);
    }

    /// <summary>500ms, 2s, 1.5s, 1m.</summary>
    internal static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = default;
        (string number, double unit) = text.EndsWith("ms", StringComparison.Ordinal) ? (text[..^2], 0.001)
            : text.EndsWith('s') ? (text[..^1], 1.0)
            : text.EndsWith('m') ? (text[..^1], 60.0)
            : (text, 1.0);
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !(value >= 0) || !double.IsFinite(value) || value * unit > 3600)
            return false;
        duration = TimeSpan.FromSeconds(value * unit);
        return true;
    }
}
