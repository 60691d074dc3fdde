using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Vigil.Review.Actions;
using Vigil.Storage;

using Vigil.Cli.Interaction;

namespace Vigil.Cli.Commands;

/// <summary><c>vigil actions deliveries|retry</c>: the action outbox (docs/actions.md), read and retried in the store itself.</summary>
internal static class ActionsCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var command = new Command("actions", "Action webhooks: list the deliveries (pending, delivered, dead) and send dead ones again");
        command.Subcommands.Add(CreateDeliveries(output));
        command.Subcommands.Add(CreateRetry(output));
        return command;
    }

    private static Command CreateDeliveries(TextWriter output)
    {
        var status = new Option<string?>("--status", "-s") { Description = "Only deliveries in this state: pending, delivered or dead (default: all)" };
        status.AcceptOnlyFromAmong("pending", "delivered", "dead");
        var after = new Option<long>("--after") { Description = "Only deliveries with a larger id (the last id of the previous page)", DefaultValueFactory = _ => 0 };
        var limit = new Option<int>("--limit") { Description = "At most this many (1-10000)", DefaultValueFactory = _ => 100 };
        limit.Validators.Add(r =>
        {
            if (r.Tokens.Count == 1 && int.TryParse(r.Tokens[0].Value, out int n) && n is < 1 or > 10_000)
                r.AddError($"--limit must be 1..10000, not {n}");
        });
        var format = new Option<string>("--format", "-f") { Description = "Output format", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var command = new Command("deliveries", "List action deliveries by id: status, attempts, the last HTTP status and error, when next due")
        {
            status, after, limit, format,
        };
        command.SetAction(async (parse, ct) =>
        {
            await using var store = await StoreOption.OpenAsync(parse, ct);
            ActionDeliveryStatus? wanted = ActionDeliveryView.TryParseStatus(parse.GetValue(status), out var s) ? s : null;
            var deliveries = await store.ListActionDeliveriesAsync(wanted, parse.GetValue(after), parse.GetValue(limit), ct);
            var views = deliveries.Select(ActionDeliveryView.From).ToList();
            if (parse.GetValue(format) == "json")
            {
                output.WriteLine(JsonSerializer.Serialize(views, ActionDeliveryJsonContext.Default.ListActionDeliveryView));
                return ExitCodes.Success;
            }
            if (views.Count == 0)
            {
                output.WriteLine(wanted is null ? "no action deliveries" : $"no {ActionDeliveryView.StatusName(wanted.Value)} action deliveries");
                return ExitCodes.Success;
            }
            int ruleWidth = Math.Max(4, views.Max(v => v.Rule.Length));
            output.WriteLine($"{"ID",8}  {"RULE".PadRight(ruleWidth)}  STATUS     ATTEMPTS  CREATED               NEXT / DELIVERED      LAST");
            foreach (var v in views)
            {
                string when = v.DeliveredAt is { } d ? TimeText.Utc(d) : v.NextAttemptAt is { } n ? TimeText.Utc(n) : "-";
                string last = v.LastStatus is { } code ? $"HTTP {code.ToString(CultureInfo.InvariantCulture)}" : "";
                if (v.LastError is { } lastError)
                    last = last.Length == 0 ? lastError : $"{last}: {lastError}";
                output.WriteLine($"{v.Id,8}  {v.Rule.PadRight(ruleWidth)}  {v.Status,-9}  {v.Attempts,8}  {TimeText.Utc(v.CreatedAt)}  {when,-20}  {v.Target} {last}".TrimEnd());
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateRetry(TextWriter output)
    {
        var id = new Argument<long>("ID") { Description = "The dead delivery's id (see 'vigil actions deliveries --status dead')" };
        var command = new Command("retry", "Send a dead delivery again: it is pending at once and retried for another 24 h") { id };
        command.SetAction(async (parse, ct) =>
        {
            await using var store = await StoreOption.OpenAsync(parse, ct);
            long deliveryId = parse.GetValue(id);
            return await CliAuditor.RunAsync(store, "actions.retry", deliveryId.ToString(CultureInfo.InvariantCulture), async outcome =>
            {
                var now = DateTimeOffset.UtcNow;
                if (!await store.RetryActionDeliveryAsync(deliveryId, now, now + new ActionDeliveryPolicy().MaxAge, ct))
                {
                    throw new StoreException(await store.GetActionDeliveryAsync(deliveryId, ct) is { } delivery
                        ? $"delivery {deliveryId} is {ActionDeliveryView.StatusName(delivery.Status)}; only dead deliveries are retried"
                        : $"no action delivery {deliveryId}");
                }
                outcome["status"] = "pending";
                output.WriteLine($"delivery {deliveryId} is pending again; a running 'vigil serve --actions' sends it within a second or so");
                return ExitCodes.Success;
            });
        });
        return command;
    }

}
