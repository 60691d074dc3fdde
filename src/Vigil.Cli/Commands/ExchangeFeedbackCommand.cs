using System.CommandLine;
using System.Text.Json;
using Vigil.Cli.Exchanges;
using Vigil.Storage;

namespace Vigil.Cli.Commands;

/// <summary>
/// <c>vigil exchange feedback [NAME] [--entry ID] [--retry-dead] [--format text|json]</c>: review decisions queued to be sent
/// back to the exchanges their entries came from, per entry: opinion, status, attempts, last error. <c>--entry</c> shows
/// the feedback on one entry of the exchange (ID is the entry's id at the exchange: the ENTRY column, the bank entry's
/// source id). <c>--retry-dead</c> sends one exchange's dead feedback again (after its credentials are fixed).
/// </summary>
internal static class ExchangeFeedbackCommand
{
    private const int Page = 500;

    public static Command Create(TextWriter output)
    {
        var name = new Argument<string?>("NAME") { Description = "Only this exchange's feedback (default: every exchange's)", Arity = ArgumentArity.ZeroOrOne };
        var entry = new Option<string?>("--entry")
        {
            HelpName = "ID",
            Description = "Only the feedback on this entry: its id at the exchange, as in the ENTRY column (the bank entry's source id; needs NAME)",
        };
        var retryDead = new Option<bool>("--retry-dead") { Description = "Send this exchange's dead feedback again, due now (needs NAME)" };
        var format = ExchangeCommand.Format();
        var command = new Command("feedback",
            "Review decisions queued for the exchanges their entries came from: entry, opinion, status, attempts, last error (all, one exchange's, or one entry's)")
        {
            name, entry, retryDead, format,
        };
        command.SetAction(async (parse, ct) =>
        {
            string? exchange = parse.GetValue(name);
            string? entryId = parse.GetValue(entry);
            if (entryId is not null)
            {
                if (exchange is null)
                    throw new ArgumentException("--entry needs the exchange's NAME");
                if (entryId.Length == 0)
                    throw new ArgumentException("--entry needs the entry's id at the exchange (the ENTRY column of 'vigil exchange feedback NAME')");
                if (parse.GetValue(retryDead))
                    throw new ArgumentException("--retry-dead sends a whole exchange's dead feedback again; it does not go with --entry");
            }
            await using var store = await StoreOption.OpenAsync(parse, ct);
            if (parse.GetValue(retryDead))
            {
                if (exchange is null)
                    throw new ArgumentException("--retry-dead needs the exchange's NAME");
                await CliAuditor.RunAsync(store, "exchange.feedback.retry", exchange, async outcome =>
                {
                    await ExchangeCommand.Find(store, exchange, ct);
                    int retried = await store.ExchangeFeedback.RetryDeadAsync(exchange, DateTimeOffset.UtcNow, ct);
                    outcome["retried"] = retried;
                    if (parse.GetValue(format) != "json")
                        output.WriteLine($"{exchange}: {retried} dead feedback queued again; 'vigil serve' sends it");
                    return ExitCodes.Success;
                });
            }
            var rows = entryId is null ? await ListAsync(store, exchange, ct)
                : [.. (await store.ExchangeFeedback.ListForEntryAsync(exchange!, entryId, ct)).Select(ExchangeFeedbackJson.From)];
            // Feedback outlives its exchange (it is dead, "not configured any more"); with none, an unknown name is an error.
            if (rows.Count == 0 && exchange is not null)
                await ExchangeCommand.Find(store, exchange, ct);
            if (parse.GetValue(format) == "json")
            {
                output.WriteLine(JsonSerializer.Serialize(rows, ExchangeFeedbackJsonContext.Default.ListExchangeFeedbackJson));
                return ExitCodes.Success;
            }
            if (rows.Count == 0)
            {
                output.WriteLine(entryId is null
                    ? "no exchange feedback (review decisions on matches of exchange entries are queued here)"
                    : $"no feedback on entry {entryId} of exchange {exchange} (review decisions on matches of it are queued here)");
                return ExitCodes.Success;
            }
            Write(rows, output);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The whole queue, or one exchange's, read page by page.</summary>
    private static async Task<List<ExchangeFeedbackJson>> ListAsync(IVigilStore store, string? exchange, CancellationToken ct)
    {
        var rows = new List<ExchangeFeedbackJson>();
        for (long after = 0; ;)
        {
            var page = await store.ExchangeFeedback.ListAsync(exchange, after, Page, ct);
            foreach (var item in page)
                rows.Add(ExchangeFeedbackJson.From(item));
            if (page.Count < Page)
                return rows;
            after = page[^1].Id;
        }
    }

    /// <summary>One line per piece: exchange, entry, opinion, status, attempts, then when it is next tried or why it stopped.</summary>
    private static void Write(List<ExchangeFeedbackJson> rows, TextWriter output)
    {
        int exchangeWidth = "EXCHANGE".Length, entryWidth = "ENTRY".Length;
        foreach (var row in rows)
        {
            exchangeWidth = Math.Max(exchangeWidth, row.Exchange.Length);
            entryWidth = Math.Max(entryWidth, row.EntryId.Length);
        }
        output.WriteLine($"{"EXCHANGE".PadRight(exchangeWidth)}  {"ENTRY".PadRight(entryWidth)}  {"OPINION",-14}  {"STATUS",-7}  ATTEMPTS  LAST ERROR");
        int pending = 0, sent = 0, dead = 0;
        foreach (var row in rows)
        {
            string detail = row.LastError ?? "";
            if (row.NextAttemptAt is { } next)
                detail = $"next {Interaction.TimeText.Utc(next)}" + (detail.Length > 0 ? "; " + detail : "");
            output.WriteLine($"{row.Exchange.PadRight(exchangeWidth)}  {row.EntryId.PadRight(entryWidth)}  {row.Opinion,-14}  {row.Status,-7}  {row.Attempts,8}  {detail}".TrimEnd());
            switch (row.Status)
            {
                case "pending":
                    pending++;
                    break;
                case "sent":
                    sent++;
                    break;
                default:
                    dead++;
                    break;
            }
        }
        output.WriteLine($"{rows.Count} feedback: {sent} sent, {pending} pending, {dead} dead");
    }
}
