using System.CommandLine;
using System.Text.Json;
using Vigil.Cli.Banks;
using Vigil.Cli.Hashing;
using Vigil.Cli.Interaction;
using Vigil.Exchanges;
using Vigil.Hashing.Signals;
using Vigil.Storage;

namespace Vigil.Cli.Commands;

/// <summary><c>vigil bank ...</c>: create banks and move hash lists in and out of them.</summary>
internal static class BankCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var bank = new Command("bank", "Hash banks: lists of known hashes to match against (create, list, show, delete, add, import, export)");
        bank.Subcommands.Add(CreateCreate(output));
        bank.Subcommands.Add(CreateList(output));
        bank.Subcommands.Add(CreateShow(output));
        bank.Subcommands.Add(CreateDelete(output, error));
        bank.Subcommands.Add(CreateAdd(output, error));
        bank.Subcommands.Add(CreateImport(output, error));
        bank.Subcommands.Add(CreateExport(output, error));
        return bank;
    }

    private static Argument<string> BankName() => new("NAME")
    {
        Description = "Bank name, in CAPS_AND_UNDERSCORES",
        Validators = { r => { if (r.Tokens.Count == 1 && !Storage.BankName.TryValidate(r.Tokens[0].Value, out var why)) r.AddError(why); } },
    };

    private static Option<string[]> Labels(string description) => new("--label", "-l")
    {
        Description = description,
        AllowMultipleArgumentsPerToken = false,
    };

    private static Command CreateCreate(TextWriter output)
    {
        var name = BankName();
        var negative = new Option<bool>("--negative") { Description = "A false-positive list: a query matching it has its matches in other banks suppressed" };
        var labels = Labels("A label for the bank (repeatable)");
        var command = new Command("create", "Create an empty bank") { name, negative, labels };
        command.SetAction(async (parse, ct) =>
        {
            await using var store = await StoreOption.OpenAsync(parse, ct);
            var request = new NewBank(parse.GetValue(name)!) { IsNegative = parse.GetValue(negative), Labels = parse.GetValue(labels) ?? [] };
            return await CliAuditor.RunAsync(store, "bank.create", request.Name, async outcome =>
            {
                outcome["negative"] = request.IsNegative;
                outcome["labels"] = request.Labels;
                var bank = await store.CreateBankAsync(request, ct);
                output.WriteLine($"created bank {bank.Name}{(bank.IsNegative ? " (negative)" : "")} in {store.Location}");
                return ExitCodes.Success;
            });
        });
        return command;
    }

    private static Command CreateList(TextWriter output)
    {
        var format = new Option<string>("--format", "-f") { Description = "Output format", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var command = new Command("list", "List the banks with their content counts") { format };
        command.SetAction(async (parse, ct) =>
        {
            await using var store = await StoreOption.OpenAsync(parse, ct);
            var banks = await store.ListBanksAsync(ct);
            if (parse.GetValue(format) == "json")
            {
                output.WriteLine(JsonSerializer.Serialize(banks.Select(b => BankJson(b.Bank, b.ContentCount))));
                return ExitCodes.Success;
            }
            if (banks.Count == 0)
            {
                output.WriteLine($"no banks in {store.Location} (create one with 'vigil bank create NAME')");
                return ExitCodes.Success;
            }
            int width = Math.Max(4, banks.Max(b => b.Bank.Name.Length));
            output.WriteLine($"{"NAME".PadRight(width)}  {"CONTENT",10}  ENABLED  NEGATIVE  LABELS");
            foreach (var (bank, count) in banks)
                output.WriteLine($"{bank.Name.PadRight(width)}  {count,10:N0}  {(bank.Enabled ? "yes" : "no"),-7}  {(bank.IsNegative ? "yes" : "no"),-8}  {string.Join(",", bank.Labels)}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Dictionary<string, object?> BankJson(Bank bank, long count) => new()
    {
        ["name"] = bank.Name,
        ["content_count"] = count,
        ["enabled"] = bank.Enabled,
        ["enabled_ratio"] = bank.EnabledRatio,
        ["negative"] = bank.IsNegative,
        ["labels"] = bank.Labels,
        ["created_at"] = bank.CreatedAt,
    };

    private static Command CreateShow(TextWriter output)
    {
        var name = BankName();
        var command = new Command("show", "Show a bank's settings and size") { name };
        command.SetAction(async (parse, ct) =>
        {
            await using var store = await StoreOption.OpenAsync(parse, ct);
            string bankName = parse.GetValue(name)!;
            var bank = await store.GetBankAsync(bankName, ct) ?? throw new BankNotFoundException(bankName);
            long count = await store.CountContentAsync(bankName, ct);
            output.WriteLine($"name:          {bank.Name}");
            output.WriteLine($"content:       {count:N0}");
            output.WriteLine($"enabled:       {(bank.Enabled ? "yes" : "no")} (ratio {bank.EnabledRatio:0.###})");
            output.WriteLine($"negative:      {(bank.IsNegative ? "yes: matches here suppress matches in other banks" : "no")}");
            output.WriteLine($"labels:        {(bank.Labels.Count == 0 ? "-" : string.Join(", ", bank.Labels))}");
            output.WriteLine($"created:       {bank.CreatedAt:u}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateDelete(TextWriter output, TextWriter error)
    {
        var name = BankName();
        var yes = new Option<bool>("--yes", "-y") { Description = "Do not ask for confirmation (asked only on a terminal)" };
        var command = new Command("delete", "Delete a bank and all its content; on a terminal, asks you to type the bank's name first") { name, yes };
        command.SetAction(async (parse, ct) =>
        {
            await using var store = await StoreOption.OpenAsync(parse, ct);
            string bankName = parse.GetValue(name)!;
            return await CliAuditor.RunAsync(store, "bank.delete", bankName, async outcome =>
            {
                _ = await store.GetBankAsync(bankName, ct) ?? throw new BankNotFoundException(bankName);
                long count = await store.CountContentAsync(bankName, ct);
                if (!parse.GetValue(yes) && Terminal.CanAsk)
                {
                    string? answer = Terminal.Ask(error, $"delete bank {bankName} and its {count:N0} items from {store.Location}? type the bank's name to confirm: ");
                    if (answer?.Trim() != bankName)
                    {
                        outcome["confirmed"] = false;
                        error.WriteLine($"error: not confirmed; bank {bankName} was not deleted (give --yes to skip the question)");
                        return ExitCodes.Failure;
                    }
                }
                if (!await store.DeleteBankAsync(bankName, ct))
                    throw new BankNotFoundException(bankName);
                outcome["items"] = count;
                output.WriteLine($"deleted bank {bankName} ({count:N0} items)");
                return ExitCodes.Success;
            });
        });
        return command;
    }

    private static Command CreateAdd(TextWriter output, TextWriter error)
    {
        var name = BankName();
        var label = new Option<string?>("--label", "-l") { Description = "Classification of the added content (A1, A2, B1, B2 or a free label)" };
        var note = new Option<string?>("--note") { Description = "A note stored with each added item" };
        var allowDamaged = new Option<bool>("--allow-damaged")
        {
            Description = "Add images the decoder warned about (corrupt data decoded past, a cut-off file) instead of refusing them",
        };
        var compat = CommonOptions.Compat();
        var threads = CommonOptions.Threads();
        var paths = CommonOptions.Paths();
        var robust = new Option<bool>("--robust")
        {
            Description = "Also store hashes of crops of each image (5%, 10% and 20%, centre and corners) and of it with a caption band greyed out, " +
                          "as pdq_variant signals of the same content, so that a cropped or captioned copy matches it (found by robust queries: match/scan --robust)",
        };
        var command = new Command("add",
            "Hash image files (PDQ and MD5) or videos (vPDQ at one frame per second, and MD5) and add them to a bank; the file name is kept in the metadata. Damaged images are refused unless --allow-damaged")
        {
            name, label, note, allowDamaged, compat, threads, robust, paths,
        };
        command.SetAction(async (parse, ct) =>
        {
            var (inputs, videos) = VideoFiles.Partition(parse.GetValue(paths)!, error);
            if (inputs.Count > 0 && !CommonOptions.NativeLibrariesReady(error))
                return ExitCodes.Failure;
            await using var store = await StoreOption.OpenAsync(parse, ct);
            string bankName = parse.GetValue(name)!;
            return await CliAuditor.RunAsync(store, "bank.add", bankName, async outcome =>
            {
                _ = await store.GetBankAsync(bankName, ct) ?? throw new BankNotFoundException(bankName);
                int total = inputs.Count + videos.Count;
                outcome["files"] = total;
                if (parse.GetValue(robust))
                    outcome["robust"] = true;
                var progress = new CommandProgress(error, "files hashed", total, plainLines: total >= CommandProgress.PlainLinesFromFiles);
                var decodeOptions = new Vigil.Media.DecodeOptions { Compat = CommonOptions.CompatOf(parse, compat) };
                var items = BankFiles.Hash(inputs, parse.GetValue(threads), parse.GetValue(label), parse.GetValue(note), parse.GetValue(allowDamaged), decodeOptions,
                    error, progress, out int failures, parse.GetValue(robust));
                if (videos.Count > 0)
                {
                    var videoItems = await VideoFiles.HashForBankAsync(videos, parse.GetValue(label), parse.GetValue(note), error, progress, ct);
                    failures += videos.Count - videoItems.Count;
                    items.AddRange(videoItems);
                }
                progress.Finish();
                outcome["failed"] = failures;
                var summary = await store.ImportAsync(bankName, items, progress: new AuditedProgress(outcome, null), cancellationToken: ct);
                AuditedProgress.Record(outcome, summary);
                output.WriteLine($"{bankName}: added {summary.Added:N0}, already present {summary.Unchanged:N0}, failed {failures:N0}");
                return failures == 0 ? ExitCodes.Success : ExitCodes.Failure;
            });
        });
        return command;
    }

    private static Command CreateImport(TextWriter output, TextWriter error)
    {
        var name = BankName();
        var file = new Argument<FileInfo>("FILE") { Description = "Hash list to import" };
        file.AcceptExistingOnly();
        file.Validators.Add(r =>
        {
            if (r.Tokens.Count == 1 && Directory.Exists(r.Tokens[0].Value))
                r.AddError($"{r.Tokens[0].Value} is a directory; give the hash-list file");
        });
        var format = new Option<string>("--format", "-f")
        {
            Description = "te (ThreatExchange 'pdq HEX' lines), csv, ncmec-xml, stopncii-json, or auto (detect)",
            DefaultValueFactory = _ => "auto",
        };
        format.AcceptOnlyFromAmong("auto", "te", "csv", "ncmec-xml", "stopncii-json");
        var batch = new Option<int>("--batch-size")
        {
            Description = "Items per transaction: a killed import keeps whole batches",
            DefaultValueFactory = _ => ImportOptions.DefaultBatchSize,
            Validators = { r => { if (r.Tokens.Count == 1 && int.TryParse(r.Tokens[0].Value, out int n) && n < 1) r.AddError("--batch-size must be at least 1"); } },
        };
        var command = new Command("import", "Import a hash list into a bank: idempotent, invalid lines reported by number while the valid ones are imported, deletions applied")
        {
            name, file, format, batch,
        };
        command.SetAction(async (parse, ct) =>
        {
            await using var store = await StoreOption.OpenAsync(parse, ct);
            string bankName = parse.GetValue(name)!;
            return await CliAuditor.RunAsync(store, "bank.import", bankName, outcome => ImportAsync(store, bankName, parse, outcome, ct));
        });
        return command;

        async Task<int> ImportAsync(IVigilStore store, string bankName, ParseResult parse, Dictionary<string, object?> outcome, CancellationToken ct)
        {
            string path = parse.GetValue(file)!.FullName;
            outcome["file"] = path;
            _ = await store.GetBankAsync(bankName, ct) ?? throw new BankNotFoundException(bankName);
            if (HashListReader.DescribeBinary(path) is { } binary)
            {
                outcome["refused"] = binary;
                error.WriteLine($"error: {parse.GetValue(file)!.Name} is {binary}, not a hash list; to hash media into a bank use 'vigil bank add {bankName} FILE...'");
                return ExitCodes.Failure;
            }
            var listFormat = HashListFormats.Parse(parse.GetValue(format)!) ?? HashListReader.Detect(path);
            outcome["format"] = listFormat.GetName();
            int invalid = 0;
            IEnumerable<ImportItem> Items()
            {
                foreach (var item in HashListReader.Read(path, listFormat))
                {
                    if (item.Error is { } e)
                    {
                        invalid++;
                        if (invalid <= 100)
                            error.WriteLine($"{Path.GetFileName(path)}: {e.Message}");
                        else if (invalid == 101)
                            error.WriteLine($"{Path.GetFileName(path)}: more invalid lines follow; only the count is reported from here");
                        continue;
                    }
                    yield return ToImportItem(item.Entry!);
                }
            }
            var latest = new ImportSummary(0, 0, 0, 0);
            var progress = new CommandProgress(error, "items", total: null,
                () => $": {latest.Added:N0} added, {latest.Unchanged:N0} already present, {latest.Removed:N0} removed");
            try
            {
                var summary = await store.ImportAsync(bankName, Items(), new ImportOptions { BatchSize = parse.GetValue(batch) },
                    new AuditedProgress(outcome, new SerialProgress<ImportSummary>(value => { latest = value; progress.Report(value.Total); })), ct);
                AuditedProgress.Record(outcome, summary);
                progress.Finish();
                output.WriteLine($"{bankName}: imported {Path.GetFileName(path)} as {listFormat.GetName()}: added {summary.Added:N0}, already present {summary.Unchanged:N0}, removed {summary.Removed:N0}, removals not found {summary.NotFound:N0}, invalid lines {invalid:N0}");
                return invalid == 0 ? ExitCodes.Success : ExitCodes.Failure;
            }
            finally
            {
                outcome["invalid_lines"] = invalid;
            }
        }
    }

    internal static ImportItem ToImportItem(HashListEntry entry)
    {
        var content = new NewContent(entry.Signals)
        {
            Classification = entry.Classification,
            Source = entry.Source,
            SourceId = entry.SourceId,
            Note = entry.Note,
            Metadata = entry.MetadataJson,
        };
        return new ImportItem(entry.Action == HashListAction.Add ? ImportOperation.Add : ImportOperation.Remove, content);
    }

    private static Command CreateExport(TextWriter output, TextWriter error)
    {
        var name = BankName();
        var format = new Option<string>("--format", "-f") { Description = "csv (all fields) or te ('pdq HEX' lines)", DefaultValueFactory = _ => "csv" };
        format.AcceptOnlyFromAmong("csv", "te");
        var outFile = new Option<string?>("--output", "-o") { Description = "Write to this file instead of standard output" };
        var command = new Command("export", "Write a bank's content as a hash list") { name, format, outFile };
        command.SetAction(async (parse, ct) =>
        {
            await using var store = await StoreOption.OpenAsync(parse, ct);
            string bankName = parse.GetValue(name)!;
            _ = await store.GetBankAsync(bankName, ct) ?? throw new BankNotFoundException(bankName);
            var entries = new List<HashListEntry>();
            int videosLeftOut = 0;
            await foreach (var content in store.StreamContentAsync(bankName, ct))
            {
                // The list formats carry image and file hashes: a video's vpdq (many lines of text)
                // has no place in them, and csv has no video_md5 column.
                var signals = ListSignals(content.Signals, listFormat: parse.GetValue(format)!);
                if (signals.Count != content.Signals.Count)
                    videosLeftOut++;
                if (signals.Count == 0)
                    continue;
                entries.Add(new HashListEntry(0, HashListAction.Add, signals, content.Classification,
                    string.IsNullOrEmpty(content.Source) ? null : content.Source, content.SourceId, content.Note, content.Metadata));
            }
            if (videosLeftOut > 0)
                error.WriteLine($"warning: the vpdq of {videosLeftOut:N0} video items of {bankName} is not written: the {parse.GetValue(format)} format has no place for it (te keeps their video_md5)");
            var listFormat = HashListFormats.Parse(parse.GetValue(format)!)!.Value;
            string? target = parse.GetValue(outFile);
            if (target is null)
            {
                HashListWriter.Write(output, listFormat, entries);
                output.Flush();
            }
            else
            {
                using (var writer = new StreamWriter(target))
                    HashListWriter.Write(writer, listFormat, entries);
                error.WriteLine($"wrote {entries.Count:N0} items of {bankName} to {target}");
            }
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The signals of a content item the hash-list format can carry: never vpdq; video_md5 in te only.</summary>
    private static IReadOnlyList<Signal> ListSignals(IReadOnlyList<Signal> signals, string listFormat)
    {
        bool all = true;
        foreach (var signal in signals)
            all &= !signal.Type.IsVideo;
        if (all)
            return signals;
        var kept = new List<Signal>(signals.Count);
        foreach (var signal in signals)
        {
            if (!signal.Type.IsVideo || (signal.Type == SignalType.VideoMd5 && listFormat == "te"))
                kept.Add(signal);
        }
        return kept;
    }
}
