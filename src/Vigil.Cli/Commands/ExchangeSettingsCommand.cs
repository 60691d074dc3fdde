using System.CommandLine;
using System.Text.Json;
using Vigil.Cli.Exchanges;
using Vigil.Exchanges.Sync;
using Vigil.Storage;

namespace Vigil.Cli.Commands;

/// <summary>
/// <c>vigil exchange set NAME</c> (fetch it or not, how often) and <c>vigil exchange share NAME --bank BANK [--off]</c>
/// (submit the bank's review-confirmed content to the exchange: off unless an admin turns it on). Both are audited.
/// </summary>
internal static class ExchangeSettingsCommand
{
    public static Command CreateSet(TextWriter output)
    {
        var name = ExchangeCommand.NameArgument();
        var enable = new Option<bool>("--enable") { Description = "Fetch it again ('vigil serve' fetches it at its interval)" };
        var disable = new Option<bool>("--disable") { Description = "Stop fetching it (its entries stay in the bank)" };
        var interval = new Option<string?>("--interval") { Description = "How often 'vigil serve' fetches it (e.g. 60s, 5m, 1h; 1 s to 7 days)" };
        var format = ExchangeCommand.Format();
        var command = new Command("set", "Change an exchange: whether 'vigil serve' fetches it, and how often") { name, enable, disable, interval, format };
        command.SetAction(async (parse, ct) =>
        {
            bool on = parse.GetValue(enable), off = parse.GetValue(disable);
            if (on && off)
                throw new ArgumentException("--enable and --disable contradict each other: give one");
            TimeSpan? every = null;
            if (parse.GetValue(interval) is { } text)
            {
                if (!KeyLifetime.TryParse(text, out var parsed, out string why, "--interval"))
                    throw new ArgumentException(why);
                every = parsed;
            }
            if (!on && !off && every is null)
                throw new ArgumentException("nothing to change: give --enable, --disable or --interval");
            await using var store = await StoreOption.OpenAsync(parse, ct);
            string exchangeName = parse.GetValue(name)!;
            return await CliAuditor.RunAsync(store, "exchange.update", exchangeName, async outcome =>
            {
                var update = new ExchangeUpdate { Enabled = on ? true : off ? false : null, Interval = every };
                var changed = await store.Exchanges.UpdateExchangeAsync(exchangeName, update, ct)
                    ?? throw new StoreException($"no exchange named '{exchangeName}' (see 'vigil exchange list')");
                (outcome["enabled"], outcome["interval_seconds"]) = (changed.Enabled, (long)changed.Interval.TotalSeconds);
                if (parse.GetValue(format) == "json")
                {
                    var shares = await store.Exchanges.ListSharesAsync(changed.Name, cancellationToken: ct);
                    output.WriteLine(JsonSerializer.Serialize(ExchangeJson.From(changed, shares), ExchangeJsonContext.Default.ExchangeJson));
                }
                else
                {
                    output.WriteLine($"exchange {changed.Name}: {(changed.Enabled ? "fetched" : "not fetched (disabled)")}, every {ExchangeText.Every(changed.Interval)}");
                }
                return ExitCodes.Success;
            });
        });
        return command;
    }

    public static Command CreateShare(TextWriter output)
    {
        var name = ExchangeCommand.NameArgument();
        var bank = new Option<string>("--bank") { Description = "The bank whose review-confirmed content is submitted (e.g. review's confirmed bank)", Required = true };
        var stop = new Option<bool>("--off") { Description = "Stop sharing the bank (what was queued already is still sent)" };
        var command = new Command("share",
            "Submit a bank's review-confirmed content to an exchange that takes submissions (StopNCII): off unless turned on here")
        {
            name, bank, stop,
        };
        command.SetAction(async (parse, ct) =>
        {
            await using var store = await StoreOption.OpenAsync(parse, ct);
            string exchangeName = parse.GetValue(name)!, bankName = parse.GetValue(bank)!;
            bool share = !parse.GetValue(stop);
            return await CliAuditor.RunAsync(store, share ? "exchange.share" : "exchange.unshare", exchangeName, async outcome =>
            {
                outcome["bank"] = bankName;
                var exchange = await ExchangeCommand.Find(store, exchangeName, ct);
                if (share && !ExchangeClientFactory.TakesSubmissions(exchange.Type))
                    throw new ArgumentException($"exchange {exchange.Name} ({exchange.Type}) takes no submissions from platforms; Vigil shares to stopncii exchanges");
                if (share && exchange.Bank == bankName)
                    throw new ArgumentException($"bank {bankName} is the one exchange {exchange.Name} fills: its entries came from the exchange");
                bool changed = await store.Exchanges.SetSharingAsync(exchange.Name, bankName, share, CliAuditor.Actor, DateTimeOffset.UtcNow, ct);
                outcome["changed"] = changed;
                output.WriteLine(share
                    ? $"{(changed ? "now sharing" : "already sharing")} bank {bankName} to exchange {exchange.Name}: content a reviewer confirms into it is submitted"
                    : $"{(changed ? "stopped sharing" : "was not sharing")} bank {bankName} to exchange {exchange.Name}");
                return ExitCodes.Success;
            });
        });
        return command;
    }
}
