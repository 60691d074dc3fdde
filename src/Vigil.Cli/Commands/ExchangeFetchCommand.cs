using System.CommandLine;
using System.Text.Json;
using Vigil.Cli.Exchanges;
using Vigil.Exchanges.Sync;
using Vigil.Storage;

namespace Vigil.Cli.Commands;

/// <summary><c>vigil exchange fetch NAME</c>: one fetch to the end, with what it added, removed and skipped.</summary>
internal static class ExchangeFetchCommand
{
    /// <summary>Environment variable with URL prefixes (comma-separated) a <c>url</c> exchange may be fetched from.</summary>
    public const string UrlAllowListVariable = "VIGIL_EXCHANGE_URL_ALLOW_LIST";

    /// <summary>
    /// <c>--backfill-share</c>: the share of the time a long fetch may keep the machine busy (serve,
    /// exchange fetch and the backfill benchmark take it).
    /// </summary>
    internal static Option<double> BackfillShareOption() => new("--backfill-share")
    {
        Description = "Share of the time a long fetch (a backfill) may keep the machine busy, 0.05 to 1: it rests between batches so lookups keep their latency (default 0.5; 1 for full speed)",
        DefaultValueFactory = _ => 0.5,
        HelpName = "SHARE",
        Validators = { r => { if (!FetchLimits.IsBackfillShare(r.GetValueOrDefault<double>())) r.AddError("--backfill-share is 0.05 to 1"); } },
    };

    public static Command Create(TextWriter output, TextWriter error)
    {
        var name = new Argument<string>("NAME") { Description = "The exchange to fetch" };
        var share = BackfillShareOption();
        var allow = new Option<string[]>("--allow-url")
        {
            Description = $"A URL prefix a url exchange may be fetched from (repeat it; also ${UrlAllowListVariable}, comma-separated)",
            AllowMultipleArgumentsPerToken = false,
        };
        var takeOver = new Option<bool>("--take-over")
        {
            Description = "Fetch even when another fetcher holds the exchange (only when that one is gone, e.g. killed; its hold would lapse in 10 min)",
        };
        var format = ExchangeCommand.Format();
        var command = new Command("fetch", "Fetch one exchange now, to the end, from its checkpoint; prints what it added, removed and skipped")
        {
            name, allow, takeOver, share, format,
        };
        command.SetAction(async (parse, ct) =>
        {
            await using var store = await StoreOption.OpenAsync(parse, ct);
            var exchange = await ExchangeCommand.Find(store, parse.GetValue(name)!, ct);
            using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
            var context = new ExchangeClientContext(http, Environment.GetEnvironmentVariable, AllowList(parse.GetValue(allow), Environment.GetEnvironmentVariable));
            var client = ExchangeClientFactory.Create(exchange, context);
            var fetcher = new ExchangeFetcher(store, new FetchLimits { MaxRunTime = null, BackfillShare = parse.GetValue(share) });
            var progress = new Progress<ExchangeCounts>(c => error.WriteLine($"  {exchange.Name}: added {c.Added}, removed {c.Removed}, skipped {c.Skipped} so far"));
            var result = await fetcher.FetchAsync(exchange.Name, client, progress, ct, takeOver: parse.GetValue(takeOver))
                ?? throw new StoreException($"exchange {exchange.Name} is being fetched by another process right now (a server?); try again when it is done, " +
                    "or --take-over if that process is gone");
            if (parse.GetValue(format) == "json")
                output.WriteLine(JsonSerializer.Serialize(new FetchJson(result.Exchange, ExchangeNames.Name(result.Status), result.Counts.Added,
                    result.Counts.Removed, result.Counts.Skipped, result.Complete, result.Error), ExchangeJsonContext.Default.FetchJson));
            else
                output.WriteLine($"{result.Exchange}: {ExchangeNames.Name(result.Status)}: added {result.Counts.Added}, removed {result.Counts.Removed}, " +
                    $"skipped {result.Counts.Skipped}" + (result.Error is { } e ? $"; {e}" : ""));
            return result.Status == ExchangeRunStatus.Ok ? ExitCodes.Success : ExitCodes.Failure;
        });
        return command;
    }

    /// <summary>The URL allow-list from the flags and the environment.</summary>
    internal static IReadOnlyList<string> AllowList(string[]? flags, Func<string, string?> environment)
    {
        var list = new List<string>(flags ?? []);
        if (environment(UrlAllowListVariable) is { Length: > 0 } text)
            list.AddRange(text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return list;
    }
}
