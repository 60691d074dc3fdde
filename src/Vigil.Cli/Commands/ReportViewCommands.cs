using System.CommandLine;
using System.Text.Json;
using Vigil.Cli.Reports;
using Vigil.Reporting.Delivery;
using Vigil.Storage;

namespace Vigil.Cli.Commands;

/// <summary><c>vigil report list|show</c>: the report outbox read from the store (never media, never a credential).</summary>
internal static class ReportViewCommands
{
    /// <summary>Most reports one <c>list</c> shows.</summary>
    public const int MaxLimit = 1000;

    public static Command CreateList(TextWriter output)
    {
        var state = new Option<string?>("--state", "-s") { Description = "Only reports in this state (default: all)" };
        state.AcceptOnlyFromAmong([.. Enum.GetValues<ReportState>().Select(state => ReportNames.Name(state))]);
        var after = new Option<long>("--after") { Description = "Start after this report id (the last id of the previous page)" };
        var limit = new Option<int>("--limit") { Description = $"At most this many reports (1 to {MaxLimit})", DefaultValueFactory = _ => 100 };
        limit.Validators.Add(r =>
        {
            if (r.Tokens.Count == 1 && int.TryParse(r.Tokens[0].Value, out int n) && n is < 1 or > MaxLimit)
                r.AddError($"--limit must be 1 to {MaxLimit}, not {n}");
        });
        var format = ReportInputs.Format();
        var config = ReportInputs.Config();
        var command = new Command("list", "List reports by id: case, state, attempt, NCMEC's report id, files done, last error, last change")
        {
            state, after, limit, format, config,
        };
        command.SetAction(async (parse, ct) =>
        {
            var file = ReportInputs.LoadConfig(parse.GetValue(config));
            await using var store = await ReportInputs.OpenStoreAsync(parse, file, ct);
            ReportState? wanted = ReportNames.TryParseState(parse.GetValue(state), out var s) ? s : null;
            var reports = await store.Reports.ListReportsAsync(wanted, parse.GetValue(after), parse.GetValue(limit), ct);
            if (parse.GetValue(format) == "json")
            {
                output.WriteLine(JsonSerializer.Serialize(reports.Select(ReportJson.From).ToList(), ReportJsonContext.Default.ListReportJson));
                return ExitCodes.Success;
            }
            if (reports.Count == 0)
            {
                output.WriteLine(wanted is { } only ? $"no {ReportNames.Name(only)} reports" : "no reports");
                return ExitCodes.Success;
            }
            output.WriteLine(ReportText.Header);
            foreach (var report in reports)
                output.WriteLine(ReportText.Row(report));
            return ExitCodes.Success;
        });
        return command;
    }

    public static Command CreateShow(TextWriter output)
    {
        var id = ReportInputs.Id("REPORT_ID", "report", "vigil report list");
        id.Arity = ArgumentArity.ZeroOrOne;
        var caseId = new Option<long?>("--case") { Description = "Show the report of this case instead", HelpName = "CASE_ID" };
        var format = ReportInputs.Format();
        var config = ReportInputs.Config();
        var command = new Command("show", "Show a report: its state, its files and its history, with NCMEC's messages") { id, caseId, format, config };
        command.SetAction(async (parse, ct) =>
        {
            long reportId = parse.GetValue(id);
            long? forCase = parse.GetValue(caseId);
            if ((reportId == 0) == (forCase is null))
                throw new ArgumentException("give a REPORT_ID or --case CASE_ID (one of them)");
            var file = ReportInputs.LoadConfig(parse.GetValue(config));
            await using var store = await ReportInputs.OpenStoreAsync(parse, file, ct);
            var report = forCase is { } c
                ? await store.Reports.GetReportForCaseAsync(c, ct) ?? throw new StoreException($"case {c} has no report (see 'vigil report send {c}')")
                : await store.Reports.GetReportAsync(reportId, ct) ?? throw new StoreException($"no report {reportId}");
            var history = await store.Reports.ListReportEventsAsync(report.Id, ct);
            if (parse.GetValue(format) == "json")
            {
                var details = new ReportDetailsJson(ReportJson.From(report), report.Files.Select(ReportFileJson.From).ToList(),
                    history.Select(ReportEventJson.From).ToList());
                output.WriteLine(JsonSerializer.Serialize(details, ReportJsonContext.Default.ReportDetailsJson));
                return ExitCodes.Success;
            }
            ReportText.Write(output, report, history);
            return ExitCodes.Success;
        });
        return command;
    }
}
