using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Vigil.Cli.Exchanges;
using Vigil.Exchanges.Sync;
using Vigil.Storage;

namespace Vigil.Cli.Commands;

/// <summary>
/// <c>vigil exchange add|list|show|fetch|status|set|share|remove|feedback</c>: where banks are filled from (NCMEC hash
/// sharing, StopNCII, ThreatExchange, a list URL). Credentials come from <c>--credentials-file</c> (its
/// path is stored, never its content) or the environment; nothing prints them.
/// </summary>
internal static class ExchangeCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var command = new Command("exchange",
            "Hash exchanges that fill banks: add, list, show, fetch one now, status of all, change, share a bank to one, remove, feedback sent back");
        command.Subcommands.Add(CreateAdd(output));
        command.Subcommands.Add(CreateList(output));
        command.Subcommands.Add(CreateShow(output));
        command.Subcommands.Add(ExchangeFetchCommand.Create(output, error));
        command.Subcommands.Add(CreateStatus(output));
        command.Subcommands.Add(ExchangeSettingsCommand.CreateSet(output));
        command.Subcommands.Add(ExchangeSettingsCommand.CreateShare(output));
        command.Subcommands.Add(CreateRemove(output));
        command.Subcommands.Add(ExchangeFeedbackCommand.Create(output));
        return command;
    }

    internal static Argument<string> NameArgument() => new("NAME") { Description = "The exchange's name" };

    internal static Option<string> Format() => new Option<string>("--format") { Description = "text or json", DefaultValueFactory = _ => "text" }
        .AcceptOnlyFromAmong("text", "json");

    private static Command CreateAdd(TextWriter output)
    {
        var name = NameArgument();
        var type = new Option<string>("--type") { Description = "ncmec, stopncii, threatexchange or url", Required = true };
        type.AcceptOnlyFromAmong("ncmec", "stopncii", "threatexchange", "url");
        var bank = new Option<string>("--bank") { Description = "The bank its entries go into (it must exist)", Required = true };
        var baseUrl = new Option<string?>("--base-url") { Description = "Another base URL than the exchange's own (a test environment, a proxy, a fake)" };
        var credentials = new Option<string?>("--credentials-file")
        {
            Description = "A JSON file with the type's keys (e.g. StopNCII's subscription_key and fetch_function_key); only its path is stored",
        };
        var interval = new Option<string>("--interval") { Description = "How often 'vigil serve' fetches it (e.g. 60s, 5m, 1h)", DefaultValueFactory = _ => "60s" };
        var url = new Option<string?>("--url") { Description = "url: the list's URL (https)" };
        var listFormat = new Option<string?>("--list-format") { Description = "url: te, csv, ncmec-xml or stopncii-json (default: detected)" };
        listFormat.AcceptOnlyFromAmong([.. Vigil.Exchanges.HashListFormats.All.Select(f => Vigil.Exchanges.HashListFormats.GetName(f)), Vigil.Exchanges.HashListFormats.AutoName]);
        var privacyGroup = new Option<string?>("--privacy-group") { Description = "threatexchange: the privacy group's id" };
        var environment = new Option<string?>("--environment") { Description = "ncmec: which NCMEC environment (see docs/exchanges.md)" };
        var start = new Option<string?>("--start") { Description = "ncmec: where the first fetch's backfill begins (a date, e.g. 2024-01-01; default: 2000-01-01)" };
        var format = Format();
        var command = new Command("add", "Add an exchange that fills a bank")
        {
            name, type, bank, baseUrl, credentials, interval, url, listFormat, privacyGroup, environment, start, format,
        };
        command.SetAction(async (parse, ct) =>
        {
            if (!KeyLifetime.TryParse(parse.GetValue(interval)!, out var every, out string why, "--interval"))
                throw new ArgumentException(why);
            string kind = parse.GetValue(type)!;
            var options = new JsonObject();
            void Put(string key, string? value, string forType, string flag)
            {
                if (value is null)
                    return;
                if (kind != forType)
                    throw new ArgumentException($"{flag} is for --type {forType}, not {kind}");
                options[key] = value;
            }
            Put("url", parse.GetValue(url), "url", "--url");
            Put("format", parse.GetValue(listFormat), "url", "--list-format");
            Put("privacy_group", parse.GetValue(privacyGroup), "threatexchange", "--privacy-group");
            Put("environment", parse.GetValue(environment), "ncmec", "--environment");
            Put("start", parse.GetValue(start), "ncmec", "--start");
            if (kind == "url" && options["url"] is null && parse.GetValue(baseUrl) is null)
                throw new ArgumentException("--type url needs --url (the list's https URL)");
            if (kind == "threatexchange" && options["privacy_group"] is null)
                throw new ArgumentException("--type threatexchange needs --privacy-group ID");
            string? file = parse.GetValue(credentials) is { } path ? Path.GetFullPath(path) : null;
            if (file is not null && !File.Exists(file))
                throw new ArgumentException($"--credentials-file {file}: no such file");
            await using var store = await StoreOption.OpenAsync(parse, ct);
            return await CliAuditor.RunAsync(store, "exchange.add", parse.GetValue(name)!, async outcome =>
            {
                var added = await store.Exchanges.AddExchangeAsync(new NewExchange(parse.GetValue(name)!, kind, parse.GetValue(bank)!)
                {
                    BaseUrl = parse.GetValue(baseUrl),
                    OptionsJson = options.ToJsonString(),
                    CredentialsFile = file,
                    Interval = every,
                }, DateTimeOffset.UtcNow, ct);
                (outcome["type"], outcome["bank"], outcome["interval_seconds"]) = (added.Type, added.Bank, (long)added.Interval.TotalSeconds);
                if (parse.GetValue(format) == "json")
                    output.WriteLine(JsonSerializer.Serialize(ExchangeJson.From(added, []), ExchangeJsonContext.Default.ExchangeJson));
                else
                    output.WriteLine($"added exchange {added.Name}: {added.Type} into bank {added.Bank}, every {ExchangeText.Every(added.Interval)}; fetch it now with 'vigil exchange fetch {added.Name}'");
                return ExitCodes.Success;
            });
        });
        return command;
    }

    private static Command CreateList(TextWriter output) =>
        ListCommand("list", "List the exchanges: type, bank, interval, last fetch, entries added and removed", output, exchanges =>
        {
            if (exchanges.Count == 0)
            {
                output.WriteLine("no exchanges (add one with 'vigil exchange add NAME --type TYPE --bank BANK')");
                return ExitCodes.Success;
            }
            output.WriteLine(ExchangeText.Header.TrimEnd());
            foreach (var e in exchanges)
                output.WriteLine(ExchangeText.Row(e));
            return ExitCodes.Success;
        });

    private static Command CreateShow(TextWriter output)
    {
        var name = NameArgument();
        var format = Format();
        var command = new Command("show", "Show an exchange: its configuration (never its credentials), checkpoint and last fetch") { name, format };
        command.SetAction(async (parse, ct) =>
        {
            await using var store = await StoreOption.OpenAsync(parse, ct);
            var exchange = await Find(store, parse.GetValue(name)!, ct);
            var shares = await store.Exchanges.ListSharesAsync(exchange.Name, cancellationToken: ct);
            if (parse.GetValue(format) == "json")
                output.WriteLine(JsonSerializer.Serialize(ExchangeJson.From(exchange, shares), ExchangeJsonContext.Default.ExchangeJson));
            else
                ExchangeText.Show(exchange, shares, output);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateStatus(TextWriter output) =>
        ListCommand("status", "How every exchange's fetching stands: last fetch, its result, the checkpoint's age, the last error", output, exchanges =>
        {
            if (exchanges.Count == 0)
                output.WriteLine("no exchanges");
            int failing = 0;
            foreach (var e in exchanges)
            {
                string age = e.CheckpointAt is { } at ? $"data as of {Interaction.TimeText.Utc(at)}" : "no checkpoint";
                output.WriteLine($"{e.Name}: {ExchangeNames.Name(e.LastStatus)}, {age}" + (e.LastError is { } last ? $"; {last}" : ""));
                if (e.LastStatus is ExchangeRunStatus.Error or ExchangeRunStatus.AuthFailed)
                    failing++;
            }
            return failing == 0 ? ExitCodes.Success : ExitCodes.Failure;
        }, failWhenOneFails: true);

    /// <summary>A command over every exchange: the same JSON for all, its own text.</summary>
    private static Command ListCommand(string name, string description, TextWriter output, Func<IReadOnlyList<Exchange>, int> text,
        bool failWhenOneFails = false)
    {
        var format = Format();
        var command = new Command(name, description) { format };
        command.SetAction(async (parse, ct) =>
        {
            await using var store = await StoreOption.OpenAsync(parse, ct);
            var exchanges = await store.Exchanges.ListExchangesAsync(ct);
            if (parse.GetValue(format) != "json")
                return text(exchanges);
            var shares = await store.Exchanges.ListSharesAsync(cancellationToken: ct);
            output.WriteLine(JsonSerializer.Serialize(exchanges.Select(e => ExchangeJson.From(e, shares)).ToList(), ExchangeJsonContext.Default.ListExchangeJson));
            return failWhenOneFails && exchanges.Any(e => e.LastStatus is ExchangeRunStatus.Error or ExchangeRunStatus.AuthFailed)
                ? ExitCodes.Failure
                : ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateRemove(TextWriter output)
    {
        var name = NameArgument();
        var format = Format();
        var command = new Command("remove", "Remove an exchange (the entries it added stay in the bank)") { name, format };
        command.SetAction(async (parse, ct) =>
        {
            await using var store = await StoreOption.OpenAsync(parse, ct);
            string exchangeName = parse.GetValue(name)!;
            return await CliAuditor.RunAsync(store, "exchange.remove", exchangeName, async outcome =>
            {
                var exchange = await Find(store, exchangeName, ct);
                if (!await store.Exchanges.RemoveExchangeAsync(exchangeName, ct))
                    throw new StoreException($"no exchange named '{exchangeName}' (see 'vigil exchange list')");
                (outcome["type"], outcome["bank"]) = (exchange.Type, exchange.Bank);
                if (parse.GetValue(format) == "json")
                    output.WriteLine(JsonSerializer.Serialize(new ExchangeRemovedJson(exchange.Name, exchange.Type, exchange.Bank, Removed: true),
                        ExchangeJsonContext.Default.ExchangeRemovedJson));
                else
                    output.WriteLine($"removed exchange {exchange.Name}; the entries it added stay in bank {exchange.Bank}");
                return ExitCodes.Success;
            });
        });
        return command;
    }

    internal static async Task<Exchange> Find(IVigilStore store, string name, CancellationToken ct) =>
        await store.Exchanges.GetExchangeAsync(name, ct) ?? throw new StoreException($"no exchange named '{name}' (see 'vigil exchange list')");
}
