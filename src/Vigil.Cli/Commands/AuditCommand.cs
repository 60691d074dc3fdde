using System.CommandLine;
using System.Text.Json;
using Vigil.Hashing.Signals;
using Vigil.Server.Audit;
using Vigil.Storage;

namespace Vigil.Cli.Commands;

/// <summary><c>vigil audit verify|list</c>: the append-only, hash-chained audit log.</summary>
internal static class AuditCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var command = new Command("audit", "The audit log: verify its hash chain, list its entries");
        command.Subcommands.Add(CreateVerify(output, error));
        command.Subcommands.Add(CreateList(output, error));
        return command;
    }

    private static Command CreateVerify(TextWriter output, TextWriter error)
    {
        var head = new Option<string?>("--head")
        {
            Description = "A head hash printed by an earlier 'audit verify' and kept elsewhere: fail unless the log still holds that entry " +
                          "(entries cut off the end, or a log swapped for another, keep a valid chain but lose it)",
            HelpName = "HASH",
            Validators =
            {
                r =>
                {
                    if (r.Tokens.Count == 1 && !LowerHex.Is(r.Tokens[0].Value, 64))
                        r.AddError($"--head must be 64 lowercase hex digits, not '{r.Tokens[0].Value}'");
                },
            },
        };
        var checkpointFile = new Option<FileInfo>("--checkpoints", "--checkpoint")
        {
            Description = "The service's signed checkpoint file (serve --audit-checkpoints): fail if the log disagrees with any checkpoint, " +
                          "which shows a chain rewritten and recomputed by someone with write access to the database",
            HelpName = "FILE",
        };
        checkpointFile.AcceptExistingOnly();
        var key = new Option<string?>("--key")
        {
            Description = "The audit signing key's public key to pin (64 hex digits, or a file holding them, or the key file itself); " +
                          "without it the checkpoints are checked only against the key they name",
            HelpName = "HEX|FILE",
        };
        var command = new Command("verify",
            "Check the audit log's SHA-256 chain from the first entry; exit 1 naming the first broken entry. " +
            "Keep the printed head hash elsewhere and give it to a later 'verify --head', or give the service's signed --checkpoints, " +
            "to detect entries cut off the end or a rewritten chain")
        {
            head, checkpointFile, key,
        };
        command.SetAction(async (parse, ct) =>
        {
            string? expected = parse.GetValue(head);
            long? expectedSeq = expected == AuditChain.GenesisHash ? 0 : null;
            AuditCheckpointCheck? checkpoints = null;
            if (parse.GetValue(checkpointFile) is { } checkpointPath)
            {
                if (!PinnedKey.TryRead(parse.GetValue(key), out byte[]? pinned, out string? keyError))
                {
                    error.WriteLine($"error: --key: {keyError}");
                    return ExitCodes.Usage;
                }
                checkpoints = AuditCheckpointCheck.Load(checkpointPath.FullName, pinned);
            }
            else if (parse.GetValue(key) is not null)
            {
                error.WriteLine("error: --key pins the key of --checkpoints FILE; give the checkpoint file too");
                return ExitCodes.Usage;
            }
            await using var store = await StoreOption.OpenAsync(parse, ct);
            var result = await AuditChain.CheckAsync(Watch(store.ReadAuditAsync(0, ct)), ct);
            if (result.Break is { } broken)
            {
                output.WriteLine($"audit log broken at entry {broken.Seq}: {broken.Reason}");
                return ExitCodes.Failure;
            }
            if (checkpoints?.Problem() is { } disagreement)
            {
                output.WriteLine($"audit log does not match its checkpoints: {disagreement}");
                return ExitCodes.Failure;
            }
            if (expected is not null && expectedSeq is null)
            {
                output.WriteLine($"audit log does not hold the recorded head {expected}: entries were cut off the end, or this is another log " +
                                 $"(its {result.Count} entries chain intact to head {result.HeadHash})");
                return ExitCodes.Failure;
            }
            output.WriteLine($"audit log intact: {result.Count} entries, head {result.HeadHash}");
            if (expectedSeq is { } seq)
                output.WriteLine($"the recorded head is entry {seq}; {result.Count - seq} entries since");
            if (checkpoints is { Latest: { } latest })
            {
                output.WriteLine($"checkpoints: all {checkpoints.Count:N0} agree; the latest, signed at {latest.At:u}, covers entries 1 to {latest.Seq:N0} " +
                                 $"({result.Count - latest.Seq:N0} entries since are covered by the chain alone)");
                if (!checkpoints.IsPinned)
                    error.WriteLine($"warning: the checkpoints were checked against the key they name ({latest.Key}); pin it with --key to rule out a re-signed file");
            }
            else if (checkpoints is not null)
            {
                output.WriteLine("checkpoints: the file holds none yet");
            }
            return ExitCodes.Success;

            async IAsyncEnumerable<AuditEntry> Watch(IAsyncEnumerable<AuditEntry> entries)
            {
                await foreach (var entry in entries)
                {
                    checkpoints?.Observe(entry);
                    if (expected is not null && string.Equals(entry.Hash, expected, StringComparison.Ordinal))
                        expectedSeq = entry.Seq;
                    yield return entry;
                }
            }
        });
        return command;
    }

    private static Command CreateList(TextWriter output, TextWriter error)
    {
        var after = new Option<long>("--after") { Description = "Only entries with a sequence number above SEQ", DefaultValueFactory = _ => 0 };
        after.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<long>() < 0)
                result.AddError("--after must be 0 or more");
        });
        var limit = new Option<int?>("--limit", "-n") { Description = "At most N entries (default: all)" };
        limit.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is <= 0)
                result.AddError("--limit must be at least 1");
        });
        var format = new Option<string>("--format", "-f") { Description = "Output format", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var command = new Command("list", "List audit entries in order (as stored: 'vigil audit verify' checks them)") { after, limit, format };
        command.SetAction(async (parse, ct) =>
        {
            await using var store = await StoreOption.OpenAsync(parse, ct);
            int max = parse.GetValue(limit) ?? int.MaxValue;
            bool json = parse.GetValue(format) == "json";
            int count = 0;
            if (json)
            {
                await using var writer = new Utf8JsonWriter(new TextWriterStream(output), new JsonWriterOptions { Indented = false });
                writer.WriteStartArray();
                await foreach (var entry in store.ReadAuditAsync(parse.GetValue(after), ct))
                {
                    if (count++ == max)
                        break;
                    WriteJson(writer, entry);
                }
                writer.WriteEndArray();
                await writer.FlushAsync(ct);
                output.WriteLine();
                return ExitCodes.Success;
            }
            await foreach (var entry in store.ReadAuditAsync(parse.GetValue(after), ct))
            {
                if (count++ == max)
                    break;
                if (count == 1)
                    output.WriteLine("SEQ\tAT\tACTOR\tACTION\tSUBJECT\tDETAIL\tHASH");
                output.WriteLine(string.Join('\t', entry.Seq, entry.At.ToString("yyyy-MM-dd HH:mm:ss.ffffff") + "Z",
                    Clean(entry.Actor), Clean(entry.Action), Clean(entry.Subject), entry.DetailJson is null ? "-" : Clean(entry.DetailJson), entry.Hash));
            }
            if (count == 0)
                error.WriteLine("no audit entries" + (parse.GetValue(after) > 0 ? $" after {parse.GetValue(after)}" : ""));
            return ExitCodes.Success;
        });
        return command;
    }

    private static void WriteJson(Utf8JsonWriter writer, AuditEntry entry)
    {
        writer.WriteStartObject();
        writer.WriteNumber("seq", entry.Seq);
        writer.WriteString("at", entry.At);
        writer.WriteString("actor", entry.Actor);
        writer.WriteString("action", entry.Action);
        writer.WriteString("subject", entry.Subject);
        writer.WritePropertyName("detail");
        if (entry.DetailJson is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            try
            {
                using var detail = JsonDocument.Parse(entry.DetailJson);
                detail.RootElement.WriteTo(writer);
            }
            catch (JsonException)
            {
                // Stored by something other than Vigil: show it as it is.
                writer.WriteStringValue(entry.DetailJson);
            }
        }
        writer.WriteString("previous_hash", entry.PreviousHash);
        writer.WriteString("hash", entry.Hash);
        writer.WriteEndObject();
    }

    /// <summary>Keeps one entry on one line of the text listing: tabs and line breaks become spaces.</summary>
    private static string Clean(string value) => value.Length == 0
        ? "-"
        : string.Create(value.Length, value, (span, source) =>
        {
            for (int i = 0; i < source.Length; i++)
                span[i] = char.IsControl(source[i]) ? ' ' : source[i];
        });

    /// <summary>A write-only stream over a <see cref="TextWriter"/> (UTF-8), so JSON goes to the command's output.</summary>
    private sealed class TextWriterStream(TextWriter writer) : Stream
    {
        private readonly System.Text.Decoder _decoder = System.Text.Encoding.UTF8.GetDecoder();

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => writer.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            char[] chars = new char[_decoder.GetCharCount(buffer, flush: false)];
            int n = _decoder.GetChars(buffer, chars, flush: false);
            writer.Write(chars, 0, n);
        }
    }
}
