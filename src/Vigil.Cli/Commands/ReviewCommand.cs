using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Vigil.Review;
using Vigil.Review.Actions;
using Vigil.Server;
using Vigil.Storage;

using Vigil.Cli.Interaction;

namespace Vigil.Cli.Commands;

/// <summary>
/// <c>vigil review list|show|decide|purge|hold</c>: the review queue for scripts, on the same store
/// and through the same service as the web UI and <c>/v1/cases</c>; the operator reviews as
/// <c>cli:USER@HOST</c>, and every step is in the audit log.
/// </summary>
internal static class ReviewCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var command = new Command("review", "Review cases: list, show, decide, purge media past retention, hold for legal reasons, init-key for the evidence vault");
        command.Subcommands.Add(CreateList(output));
        command.Subcommands.Add(CreateShow(output));
        command.Subcommands.Add(CreateDecide(output, error));
        command.Subcommands.Add(CreatePurge(output));
        command.Subcommands.Add(CreateHold(output));
        command.Subcommands.Add(ReviewKeyCommand.CreateInitKey(output, error));
        return command;
    }

    private static Option<string> Format()
    {
        var format = new Option<string>("--format", "-f") { Description = "Output format", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        return format;
    }

    private static Command CreateList(TextWriter output)
    {
        var status = new Option<string?>("--status") { Description = "Only cases that are open, decided or reported (default: all)" };
        status.AcceptOnlyFromAmong("open", "decided", "reported");
        var after = new Option<long>("--after") { Description = "Start after this case id (the last id of the previous page)" };
        var limit = new Option<int>("--limit") { Description = $"At most this many cases (1 to {CaseEndpoints.MaxCasesPerPage})", DefaultValueFactory = _ => 100 };
        var format = Format();
        var command = new Command("list", "List cases in id order (open ones with their priority and lease)") { status, after, limit, format };
        command.SetAction(async (parse, ct) =>
        {
            int count = parse.GetValue(limit);
            if (count is < 1 or > CaseEndpoints.MaxCasesPerPage)
                throw new ArgumentException($"--limit must be 1 to {CaseEndpoints.MaxCasesPerPage}");
            await using var store = await StoreOption.OpenAsync(parse, ct);
            CaseStatus? wanted = parse.GetValue(status) is { } s && CaseNames.TryParseStatus(s, out var parsed) ? parsed : null;
            var cases = await store.Cases.ListCasesAsync(wanted, parse.GetValue(after), count, ct);
            if (parse.GetValue(format) == "json")
            {
                var json = new List<CaseJson>(cases.Count);
                foreach (var c in cases)
                    json.Add(CaseJson.From(c));
                output.WriteLine(JsonSerializer.Serialize(json, CaseJsonContext.Default.ListCaseJson));
                return ExitCodes.Success;
            }
            if (cases.Count == 0)
            {
                output.WriteLine("no cases");
                return ExitCodes.Success;
            }
            output.WriteLine("CASE      STATUS    PRIORITY     ITEMS  OPENED                SUBJECT");
            foreach (var c in cases)
            {
                string status = CaseNames.Name(c.Status) + (c.Escalated && c.Status == CaseStatus.Open ? "*" : "");
                output.WriteLine($"{c.Id,-8}  {status,-8}  {CasePriority.Name(c.Priority),-11}  {c.ItemCount,5}  {TimeText.Utc(c.OpenedAt)}  {c.Subject}");
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateShow(TextWriter output)
    {
        var id = new Argument<long>("CASE") { Description = "The case id" };
        var format = Format();
        var command = new Command("show", "Show a case: its items, their matches and context, and its decisions (never media)") { id, format };
        command.SetAction(async (parse, ct) =>
        {
            await using var store = await StoreOption.OpenAsync(parse, ct);
            long caseId = parse.GetValue(id);
            var details = await store.Cases.GetCaseAsync(caseId, ct) ?? throw new StoreException($"no case {caseId}");
            if (parse.GetValue(format) == "json")
            {
                output.WriteLine(JsonSerializer.Serialize(CaseDetailsJson.From(details), CaseJsonContext.Default.CaseDetailsJson));
                return ExitCodes.Success;
            }
            var c = details.Case;
            output.WriteLine($"case {c.Id}: {CaseNames.Name(c.Status)}{(c.Verdict is { } v ? " " + CaseNames.Name(v) : "")}, {CasePriority.Name(c.Priority)}, subject {c.Subject}");
            output.WriteLine($"  opened {TimeText.Utc(c.OpenedAt)}{(c.Escalated ? ", escalated" : "")}{(c.LegalHold ? ", legal hold" : "")}" +
                             (c.LeaseHolder is { } holder && c.LeaseExpiresAt > DateTimeOffset.UtcNow ? $", leased to {holder} until {TimeText.Utc(c.LeaseExpiresAt!.Value)}" : "") +
                             (c.ReportId is { } report ? $", reported as {report}" : ""));
            foreach (var item in details.Items)
            {
                var d = item.Details;
                output.WriteLine($"  item {item.Id} ({d.Source}{(d.Reason is { } r ? ", " + r : "")}): {(item.Verdict is { } iv ? CaseNames.Name(iv) : "undecided")}" +
                                 (item.Classification is { } cl ? " " + cl : "") + (item.HasMedia ? $", media {item.MediaType}" : ", hashes only"));
                foreach (var signal in d.Signals)
                    output.WriteLine($"    {signal.Type.Name} {signal.Value}");
                foreach (var m in d.Matches)
                    output.WriteLine($"    matched {m.Bank} #{m.ContentId} by {m.SignalType} at distance {m.Distance}" +
                                     (m.Classification is { } mc ? $", classified {mc}" : "") + (m.EntrySource is { } es ? $", from {es}" : ""));
                foreach (var score in d.Scores)
                    output.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                        $"    scored {score.Score:0.000} by {score.Model} {score.Version} (threshold {score.Threshold}{(score.Priority is { } level ? ", " + level : "")}){(score.Score >= score.Threshold ? ", past the threshold" : "")}"));
                foreach (var m in d.Messages)
                    output.WriteLine($"    message {m.Index} {TimeText.Utc(m.SentAt)} {m.Sender} -> {m.Recipient}: {m.Text}" +
                                     (m.Signals.Count > 0 ? $"  [{string.Join(", ", m.Signals)}]" : ""));
                var x = d.Context;
                string context = string.Join(", ", new[] { ("user", x.ScreenName), ("file", x.FileName), ("ip", x.Ip is null ? null : x.Port is { } p ? $"{x.Ip}:{p}" : x.Ip),
                    ("url", x.Url), ("uploaded", x.UploadedAt is { } at ? TimeText.Utc(at) : null) }.Where(f => f.Item2 is not null).Select(f => $"{f.Item1} {f.Item2}"));
                if (context.Length > 0)
                    output.WriteLine($"    {context}");
            }
            foreach (var decision in details.Decisions)
                output.WriteLine($"  {TimeText.Utc(decision.DecidedAt)} {decision.Reviewer}: {(decision.ItemId is { } i ? $"item {i} " : "case ")}{decision.Verdict}" +
                                 (decision.Classification is { } dc ? " " + dc : ""));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateDecide(TextWriter output, TextWriter error)
    {
        var id = new Argument<long>("CASE") { Description = "The case id" };
        var item = new Option<long?>("--item") { Description = "Decide this item (else the verdict is the case's)" };
        var verdict = new Option<string>("--verdict")
        {
            Description = "Item: confirmed, not_abuse, escalate or skip. Case: report, no_report or escalate",
            Required = true,
        };
        verdict.AcceptOnlyFromAmong("confirmed", "not_abuse", "escalate", "skip", "report", "no_report");
        var classification = new Option<string?>("--classification") { Description = "For confirmed: A1, A2, B1 or B2" };
        classification.AcceptOnlyFromAmong("A1", "A2", "B1", "B2");
        var confirmedBank = new Option<string?>("--confirmed-bank") { Description = "Bank a confirmed item's hashes go into (created when missing)" };
        var falsePositiveBank = new Option<string?>("--false-positive-bank") { Description = "Negative bank a false positive's hashes go into (created when missing)" };
        var fourEyes = new Option<bool>("--four-eyes") { Description = "A report needs two different reviewers (as the server's --four-eyes)" };
        var format = Format();
        var command = new Command("decide", "Decide an item or a case as cli:USER@HOST (the case is leased for the decision and given back after)")
        {
            id, item, verdict, classification, confirmedBank, falsePositiveBank, fourEyes, format,
        };
        var actions = new ActionOptions();
        actions.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            long caseId = parse.GetValue(id);
            string said = parse.GetValue(verdict)!;
            long? itemId = parse.GetValue(item);
            string? cls = parse.GetValue(classification);
            ItemVerdict itemVerdict = default;
            CaseVerdict caseVerdict = default;
            if (itemId is not null ? !CaseNames.TryParseItemVerdict(said, out itemVerdict) : !CaseNames.TryParseCaseVerdict(said, out caseVerdict))
                throw new ArgumentException(itemId is not null
                    ? $"an item's verdict is confirmed, not_abuse, escalate or skip, not {said}"
                    : $"a case's verdict is report, no_report or escalate, not {said} (give --item ITEM to decide an item)");
            IndustryClassification? parsedClass = null;
            if (itemId is not null && itemVerdict == ItemVerdict.Confirmed)
                parsedClass = CaseNames.TryParseClassification(cls, out var c) ? c : throw new ArgumentException("confirmed needs --classification A1, A2, B1 or B2");
            else if (cls is not null)
                throw new ArgumentException("--classification goes only with --verdict confirmed on an item");

            await using var store = await StoreOption.OpenAsync(parse, ct);
            await using var acting = actions.Load(parse, store);
            var review = CliReviewService.For(store, new ReviewOptions
            {
                ConfirmedBank = parse.GetValue(confirmedBank),
                FalsePositiveBank = parse.GetValue(falsePositiveBank),
                FourEyes = parse.GetValue(fourEyes),
            }, acting.Sink);
            var reviewer = new Reviewer(CliAuditor.Actor, Senior: true);
            Check(await review.ClaimAsync(caseId, reviewer, ct), caseId, itemId);
            CaseChange change;
            try
            {
                change = itemId is { } i
                    ? await review.DecideItemAsync(caseId, i, reviewer, itemVerdict, parsedClass, ct)
                    : await review.DecideCaseAsync(caseId, reviewer, caseVerdict, ct);
            }
            finally
            {
                // An item decision keeps the case open: give the lease back so the queue is not held.
                var after = await store.Cases.GetCaseAsync(caseId, CancellationToken.None);
                if (after?.Case is { Status: CaseStatus.Open } open && open.LeaseHolder == reviewer.Name)
                    await review.ReleaseAsync(caseId, reviewer, CancellationToken.None);
            }
            Check(change, caseId, itemId);
            string? sent = await acting.FinishAsync(ct);
            if (parse.GetValue(format) == "json")
            {
                if (sent is not null)
                    error.WriteLine(sent);
                // The same answer as POST /v1/cases/ID/decision: the outcome and the case after it.
                var decided = await store.Cases.GetCaseAsync(caseId, CancellationToken.None) ?? throw new StoreException($"no case {caseId}");
                output.WriteLine(JsonSerializer.Serialize(new DecisionJson(change == CaseChange.AwaitingSecondReviewer ? "awaiting_second_reviewer" : "done",
                    CaseJson.From(decided.Case)), CaseJsonContext.Default.DecisionJson));
                return ExitCodes.Success;
            }
            output.WriteLine(change == CaseChange.AwaitingSecondReviewer
                ? $"case {caseId}: report recorded; four-eyes review waits for a second reviewer"
                : $"{(itemId is { } done ? $"case {caseId} item {done}" : $"case {caseId}")}: {said}{(parsedClass is { } pc ? " " + pc : "")}");
            if (sent is not null)
                output.WriteLine(sent);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreatePurge(TextWriter output)
    {
        var reported = new Option<string>("--reported-retention")
        {
            Description = "Keep reported cases' media this long after the report (at least 365d)",
            DefaultValueFactory = _ => "365d",
        };
        var dismissed = new Option<string>("--dismissed-retention")
        {
            Description = "Keep no_report cases' media and user context this long after the decision",
            DefaultValueFactory = _ => "30d",
        };
        var idle = new Option<string>("--idle-conversation-retention")
        {
            Description = "Keep the messages of conversations that never opened a review item this long after their last message",
            DefaultValueFactory = _ => "90d",
        };
        var format = Format();
        var command = new Command("purge", "Delete the evidence of cases past retention (never a case under legal hold) and the messages of long-idle conversations " +
                                           "that never opened a case")
        {
            reported, dismissed, idle, format,
        };
        command.SetAction(async (parse, ct) =>
        {
            var options = new ReviewOptions { ReportedRetention = Duration(parse.GetValue(reported)!, "--reported-retention"),
                DismissedRetention = Duration(parse.GetValue(dismissed)!, "--dismissed-retention"),
                IdleConversationRetention = Duration(parse.GetValue(idle)!, "--idle-conversation-retention") };
            if (options.Problem() is { } problem)
                throw new ArgumentException(problem);
            await using var store = await StoreOption.OpenAsync(parse, ct);
            var purged = await CliReviewService.For(store, options).PurgeAsync(CliAuditor.Actor, ct);
            if (parse.GetValue(format) == "json")
            {
                output.WriteLine(JsonSerializer.Serialize(new PurgeJson([.. purged.Cases], purged.IdleConversations), CaseJsonContext.Default.PurgeJson));
                return ExitCodes.Success;
            }
            if (purged.IsEmpty)
                output.WriteLine("nothing to purge");
            if (purged.Cases.Count > 0)
                output.WriteLine($"purged the evidence of {purged.Cases.Count} case(s): {string.Join(", ", purged.Cases)}");
            if (purged.IdleConversations > 0)
                output.WriteLine($"deleted the messages of {purged.IdleConversations} idle conversation(s) that never opened a case");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateHold(TextWriter output)
    {
        var id = new Argument<long>("CASE") { Description = "The case id" };
        var release = new Option<bool>("--release") { Description = "Lift the hold instead" };
        var command = new Command("hold", "Put a case under legal hold (no purge touches it) or lift the hold") { id, release };
        command.SetAction(async (parse, ct) =>
        {
            long caseId = parse.GetValue(id);
            bool lift = parse.GetValue(release);
            await using var store = await StoreOption.OpenAsync(parse, ct);
            if (!await CliReviewService.For(store, new ReviewOptions()).SetLegalHoldAsync(caseId, !lift, CliAuditor.Actor, ct))
                throw new StoreException($"no case {caseId}");
            output.WriteLine(lift ? $"case {caseId}: legal hold lifted" : $"case {caseId}: under legal hold");
            return ExitCodes.Success;
        });
        return command;
    }

    private static void Check(CaseChange change, long caseId, long? itemId)
    {
        string? problem = change switch
        {
            CaseChange.NotFound => itemId is { } i ? $"case {caseId} has no item {i}" : $"no case {caseId}",
            CaseChange.NotLeased => $"case {caseId} is leased to another reviewer; try again when they release it or the lease ends",
            CaseChange.NotOpen => $"case {caseId} is decided already",
            CaseChange.SameReviewer => $"case {caseId}: four-eyes review needs a second, different reviewer",
            CaseChange.NothingConfirmed => $"case {caseId}: a report needs at least one item decided confirmed",
            _ => null,
        };
        if (problem is not null)
            throw new StoreException(problem);
    }

    private static TimeSpan Duration(string text, string option) =>
        KeyLifetime.TryParse(text, out var span, out string why, option) ? span : throw new ArgumentException(why);

}
