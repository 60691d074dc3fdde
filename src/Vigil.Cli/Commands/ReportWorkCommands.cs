using System.CommandLine;
using Vigil.Cli.Reports;
using Vigil.Cli.Serve;
using Vigil.Reporting.Client;
using Vigil.Reporting.Delivery;
using Vigil.Review;
using Vigil.Review.Actions;
using Vigil.Review.Evidence;
using Vigil.Server;
using Vigil.Storage;

namespace Vigil.Cli.Commands;

/// <summary>
/// <c>vigil report send|retry|retract</c>: an operator's actions on the report outbox, as
/// <c>cli:USER@HOST</c>, through <see cref="ReportOperations"/> (the code the UI's buttons call); send
/// and retry then work the report to its end in this process, as the server's worker would.
/// </summary>
internal static class ReportWorkCommands
{
    public static Command CreateSend(TextWriter output, TextWriter error)
    {
        var caseId = ReportInputs.Id("CASE_ID", "case", "vigil review list --status decided");
        var queueOnly = new Option<bool>("--queue-only") { Description = "Only queue it: a running 'vigil serve' with reporting files it" };
        var (config, vaultKey, cybertipline) = (ReportInputs.Config(), ReportInputs.VaultKey(), ReportingSetup.CyberTiplineOption());
        var command = new Command("send", "File the report of a case decided report now: queue it, then submit, upload and describe each file and finish, " +
                                          "printing each step (exit 0 when NCMEC finished it, 1 with NCMEC's message when it failed)")
        {
            caseId, queueOnly, config, vaultKey, cybertipline,
        };
        var actions = new ActionOptions();
        actions.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var file = ReportInputs.LoadConfig(parse.GetValue(config));
            bool only = parse.GetValue(queueOnly);
            actions.RequireWith(parse, !only, QueueOnlyActions);
            // Everything the run needs is checked before anything changes.
            var reporting = only ? null : ReportInputs.Reporting(file, parse.GetValue(cybertipline), CliAuditor.Actor);
            using var key = only ? null : ReportInputs.LoadVaultKey(parse.GetValue(vaultKey), file);
            await using var store = await ReportInputs.OpenStoreAsync(parse, file, ct);
            await using var acting = only ? CliActions.Off : actions.Load(parse, store, file?.Actions);
            var queued = await Operations(store).QueueAsync(parse.GetValue(caseId), CliAuditor.Actor, ct);
            if (!queued.Succeeded)
                return Refused(error, queued);
            output.WriteLine(queued.Message);
            var report = queued.Report!;
            switch (report.State)
            {
                case ReportState.Finished:
                    output.WriteLine($"case {report.CaseId} is reported already: NCMEC report {report.HotlineReportId}");
                    return ExitCodes.Success;
                case ReportState.Failed or ReportState.Retracted:
                    error.WriteLine($"error: report {report.Id} is {ReportNames.Name(report.State)}" + (report.LastError is { } last ? $": {last}" : "") +
                                    $"; 'vigil report retry {report.Id}' puts it back to work");
                    return ExitCodes.Failure;
            }
            if (only)
            {
                output.WriteLine($"a running 'vigil serve' with reporting files it within its poll interval; follow it with 'vigil report show {report.Id}'");
                return ExitCodes.Success;
            }
            // Its whole history so far, then each step as it is saved.
            return await RunAsync(store, reporting!, key!, file?.Review, acting, report.Id, 0, output, error, ct);
        });
        return command;
    }

    public static Command CreateRetry(TextWriter output, TextWriter error)
    {
        var id = ReportInputs.Id("REPORT_ID", "report", "vigil report list --state failed");
        var queueOnly = new Option<bool>("--queue-only") { Description = "Only put it back in the queue: a running 'vigil serve' with reporting files it" };
        var (config, vaultKey, cybertipline) = (ReportInputs.Config(), ReportInputs.VaultKey(), ReportingSetup.CyberTiplineOption());
        var command = new Command("retry", "Put a failed or retracted report back to work with a fresh count of tries, then work it to its end as send does")
        {
            id, queueOnly, config, vaultKey, cybertipline,
        };
        var actions = new ActionOptions();
        actions.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var file = ReportInputs.LoadConfig(parse.GetValue(config));
            bool only = parse.GetValue(queueOnly);
            actions.RequireWith(parse, !only, QueueOnlyActions);
            var reporting = only ? null : ReportInputs.Reporting(file, parse.GetValue(cybertipline), CliAuditor.Actor);
            using var key = only ? null : ReportInputs.LoadVaultKey(parse.GetValue(vaultKey), file);
            await using var store = await ReportInputs.OpenStoreAsync(parse, file, ct);
            await using var acting = only ? CliActions.Off : actions.Load(parse, store, file?.Actions);
            var retried = await Operations(store).RetryAsync(parse.GetValue(id), CliAuditor.Actor, ct);
            if (!retried.Succeeded)
                return Refused(error, retried);
            output.WriteLine(retried.Message);
            if (only)
                return ExitCodes.Success;
            int shown = (await store.Reports.ListReportEventsAsync(retried.Report!.Id, ct)).Count;
            return await RunAsync(store, reporting!, key!, file?.Review, acting, retried.Report.Id, shown, output, error, ct);
        });
        return command;
    }

    public static Command CreateRetract(TextWriter output, TextWriter error)
    {
        var id = ReportInputs.Id("REPORT_ID", "report", "vigil report list");
        var (config, cybertipline) = (ReportInputs.Config(), ReportingSetup.CyberTiplineOption());
        var command = new Command("retract", "Withdraw a report that is not finished (queued, submitting, open or failed): at NCMEC when it holds it open " +
                                             "(that needs --config), then here; it rests until 'vigil report retry'. A finished report cannot be retracted")
        {
            id, config, cybertipline,
        };
        command.SetAction(async (parse, ct) =>
        {
            long reportId = parse.GetValue(id);
            var file = ReportInputs.LoadConfig(parse.GetValue(config));
            await using var store = await ReportInputs.OpenStoreAsync(parse, file, ct);
            var report = await store.Reports.GetReportAsync(reportId, ct) ?? throw new StoreException($"no report {reportId}");
            // NCMEC is only asked when it holds the report open: then the reporting settings are needed.
            using var client = report is { HotlineReportId: not null, State: ReportState.Open or ReportState.Submitting or ReportState.Failed }
                ? new CyberTiplineClient(ReportInputs.Reporting(file, parse.GetValue(cybertipline), CliAuditor.Actor).Client)
                : null;
            var retracted = await Operations(store).RetractAsync(reportId, CliAuditor.Actor, client, ct);
            if (!retracted.Succeeded)
                return Refused(error, retracted);
            output.WriteLine(retracted.Message);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Why <c>--actions</c> goes not with <c>--queue-only</c>.</summary>
    private const string QueueOnlyActions = "the report this command files; with --queue-only 'vigil serve' files it and acts by its own rules";

    private static ReportOperations Operations(IVigilStore store) => new(store, new StoreReviewAudit(store));

    private static int Refused(TextWriter error, ReportOperationResult result)
    {
        error.WriteLine($"error: {result.Message}");
        return ExitCodes.Failure;
    }

    /// <summary>Works the report to its end here and says how it ended: 0 finished, 1 failed (with NCMEC's message) or stopped.</summary>
    private static async Task<int> RunAsync(IVigilStore store, ReportingSettings reporting, KeyFileWrapper key, ReviewSection? review, CliActions actions,
        long reportId, int shown, TextWriter output, TextWriter error, CancellationToken ct)
    {
        int exit = await WorkAsync(store, reporting, key, review, actions, reportId, shown, output, error, ct);
        // report_filed / report_failed reach the platform as the server's worker would send them.
        if (await actions.FinishAsync(CancellationToken.None, sendDue: !ct.IsCancellationRequested) is { } sent)
            output.WriteLine(sent);
        return exit;
    }

    private static async Task<int> WorkAsync(IVigilStore store, ReportingSettings reporting, KeyFileWrapper key, ReviewSection? review, CliActions actions,
        long reportId, int shown, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var vault = new EvidenceVault(key);
        using var client = new CyberTiplineClient(reporting.Client);
        var reviews = CliReviewService.For(store, (review ?? ReviewSection.Defaults).ToOptions(), actions.Sink, vault);
        var delivery = new ReportDelivery(store, client, vault, new ReviewReportOutcomes(reviews, CliAuditor.Actor), reporting.Delivery);
        output.WriteLine($"filing with {ReportingSetup.Describe(reporting)}");
        output.Flush();
        OutboxReport done;
        try
        {
            done = await new ReportRunner(store, delivery, output).RunAsync(reportId, shown, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            var now = await store.Reports.GetReportAsync(reportId, CancellationToken.None);
            error.WriteLine($"stopped: report {reportId} is {(now is null ? "gone" : ReportNames.Name(now.State))}; a running 'vigil serve' with reporting, " +
                            "or 'vigil report send CASE_ID' again, goes on from there");
            return ExitCodes.Failure;
        }
        switch (done.State)
        {
            case ReportState.Finished:
                output.WriteLine($"case {done.CaseId} reported: NCMEC report {done.HotlineReportId} finished with {done.Files.Count} file(s)");
                return ExitCodes.Success;
            case ReportState.Failed:
                error.WriteLine($"error: report {done.Id} failed: {done.LastError}");
                error.WriteLine($"fix the cause, then 'vigil report retry {done.Id}'");
                return ExitCodes.Failure;
            default:
                error.WriteLine($"error: report {done.Id} is {ReportNames.Name(done.State)}");
                return ExitCodes.Failure;
        }
    }
}
