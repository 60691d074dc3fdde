using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Vigil.Reporting.Building;
using Vigil.Reporting.Client;
using Vigil.Reporting.Model;
using Vigil.Reporting.Xml;
using Vigil.Review.Evidence;
using Vigil.Storage;

namespace Vigil.Reporting.Delivery;

/// <summary>
/// Moves one held report through the CyberTipline's steps: submit, upload and describe each file,
/// finish, mark the case. Each step's result is saved before the next step starts, and a step whose
/// answer was lost is resumed safely: a lost submit is sent again (NCMEC drops the unanswered
/// report), a lost upload retracts the report and starts it again (so no finished report holds a
/// file twice), a lost fileinfo or finish is sent again (finish answers "already finished").
/// </summary>
/// <remarks>No database lock is held during a call to NCMEC: the report is held by its lease only.</remarks>
public sealed class ReportDelivery
{
    private readonly IVigilStore _store;
    private readonly CyberTiplineClient _client;
    private readonly IMediaVault _vault;
    private readonly IReportOutcomes _outcomes;
    private readonly ReportDeliveryOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;

    /// <summary>A delivery over <paramref name="store"/>'s outbox through <paramref name="client"/>.</summary>
    public ReportDelivery(IVigilStore store, CyberTiplineClient client, IMediaVault vault, IReportOutcomes outcomes, ReportDeliveryOptions options,
        TimeProvider? clock = null, ILogger? logger = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _vault = vault ?? throw new ArgumentNullException(nameof(vault));
        _outcomes = outcomes ?? throw new ArgumentNullException(nameof(outcomes));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _clock = clock ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The options in use.</summary>
    public ReportDeliveryOptions Options => _options;

    /// <summary>The lease a report is held for: <see cref="ReportDeliveryOptions.Lease"/>, or longer when one call of the client
    /// through all its retries could outlast it.</summary>
    public TimeSpan Lease => _client.LongestCall is { } longest && longest + TimeSpan.FromMinutes(1) > _options.Lease
        ? longest + TimeSpan.FromMinutes(1)
        : _options.Lease;

    /// <summary>
    /// Works the held report until it is finished, failed, backing off, or no longer held; returns it as
    /// last saved and gives the claim back.
    /// </summary>
    public async Task<OutboxReport> RunAsync(ClaimedReport claim, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(claim);
        var work = new Work(this, claim);
        try
        {
            while (work.Claim is { } held && !IsResting(held.Report) && await work.StepAsync(cancellationToken))
            {
            }
        }
        finally
        {
            if (work.Claim is { } held)
                await _store.Reports.ReleaseReportAsync(held, CancellationToken.None);
        }
        return work.Last;
    }

    /// <summary>True when the worker leaves the report as it is: finished, failed, retracted, or due later.</summary>
    private bool IsResting(OutboxReport report) =>
        report.State is ReportState.Finished or ReportState.Failed or ReportState.Retracted || report.NextAttemptAt > _clock.GetUtcNow();

    /// <summary>The last moment an unfinished report can still be finished: NCMEC drops it 24 h after it opened or 1 h after its last change, whichever is later.</summary>
    public static DateTimeOffset Deadline(OutboxReport report)
    {
        var opened = report.OpenedAt ?? report.CreatedAt;
        var changed = report.ChangedAt ?? opened;
        var a = opened + TimeSpan.FromHours(24);
        var b = changed + TimeSpan.FromHours(1);
        return a > b ? a : b;
    }

    /// <summary>The back-off after <paramref name="tries"/> failures in a row: doubling from the base to the cap, with full jitter over its upper half.</summary>
    public TimeSpan Backoff(int tries)
    {
        double cap = _options.BackoffMax.TotalMilliseconds;
        double grown = _options.BackoffBase.TotalMilliseconds * Math.Pow(2, Math.Min(Math.Max(tries - 1, 0), 30));
        double ms = Math.Min(cap, grown);
        return TimeSpan.FromMilliseconds(ms / 2 + Random.Shared.NextDouble() * ms / 2);
    }

    /// <summary>One run over one held report.</summary>
    private sealed class Work(ReportDelivery delivery, ClaimedReport claim)
    {
        private ReportInput? _input;

        public ClaimedReport? Claim { get; private set; } = claim;

        public OutboxReport Last { get; private set; } = claim.Report;

        private OutboxReport Report => Claim!.Report;

        private DateTimeOffset Now => delivery._clock.GetUtcNow();

        /// <summary>Takes the report's next step; false when the run stops (lost the lease, or the report rests).</summary>
        public async Task<bool> StepAsync(CancellationToken cancellationToken)
        {
            var report = Report;
            try
            {
                switch (report.State)
                {
                    case ReportState.Queued:
                    case ReportState.Submitting:
                        return await SubmitAsync(cancellationToken);
                    case ReportState.Open:
                        return await FilesAsync(cancellationToken);
                    case ReportState.Finishing:
                        return await FinishAsync(cancellationToken);
                    default:
                        return false;
                }
            }
            catch (CyberTiplineDocumentException e)
            {
                return await FailAsync(report.State == ReportState.Open ? "fileinfo" : "submit", null, "the document does not validate against NCMEC's schema: " + e.Message, cancellationToken);
            }
            catch (CyberTiplineAuthenticationException e)
            {
                return await FailAsync(e.Operation, e.Code, $"NCMEC refused the credentials ({e.Code}: {e.Description}); fix them and retry the report", cancellationToken);
            }
            catch (CyberTiplineRejectedException e) when (e.Code == ResponseCodes.ReportDoesNotExist && report.HotlineReportId is not null)
            {
                return await RestartAsync($"NCMEC no longer has report {report.HotlineReportId} ({e.Description})", retract: false, cancellationToken);
            }
            catch (CyberTiplineRejectedException e)
            {
                return await FailAsync(e.Operation, e.Code, $"NCMEC refused {e.Operation} ({e.Code}: {e.Description})", cancellationToken);
            }
            catch (CyberTiplineHashMismatchException e)
            {
                return await RestartAsync($"NCMEC's MD5 of file {e.FileId} is {e.Actual}, ours {e.Expected}: the file arrived changed", retract: true, cancellationToken);
            }
            catch (CyberTiplineException e) when (e.IsTransient)
            {
                return await BackOffAsync(e.Operation, e.Message, cancellationToken);
            }
            catch (CyberTiplineProtocolException e)
            {
                return await BackOffAsync("answer", "NCMEC's answer could not be read: " + e.Message, cancellationToken);
            }
            catch (HttpRequestException e)
            {
                return await BackOffAsync("network", e.Message, cancellationToken);
            }
        }

        private async Task<bool> SubmitAsync(CancellationToken cancellationToken)
        {
            var input = await InputAsync(cancellationToken);
            if (input is null)
                return false;
            Report document;
            try
            {
                document = ReportDocumentBuilder.BuildReport(input);
            }
            catch (ArgumentException e)
            {
                return await FailAsync("build", null, "the report cannot be built from the case: " + e.Message, cancellationToken);
            }
            var files = new OutboxReportFile[input.Items.Count];
            for (int i = 0; i < files.Length; i++)
            {
                var item = input.Items[i];
                files[i] = new OutboxReportFile
                {
                    Position = i,
                    ItemId = item.ItemId ?? throw new InvalidOperationException("a case's report item has its item id"),
                    FileName = ReportDocumentBuilder.UploadName(item, i),
                    Md5 = item.Md5.ToLowerInvariant(),
                };
            }
            ReportEvent? note = Report.State == ReportState.Submitting
                ? Line("submit", ReportOutcome.Note, "the answer to the last submit was lost; submitting again (NCMEC drops a report nobody finishes)")
                : null;
            if (!await SaveAsync(Report with { State = ReportState.Submitting, Files = files }, note, cancellationToken))
                return false;

            long id = await delivery._client.SubmitReportAsync(document, cancellationToken);
            var now = Now;
            return await SaveAsync(Report with
            {
                State = ReportState.Open, HotlineReportId = id, OpenedAt = now, ChangedAt = now, Tries = 0, LastCode = null, LastError = null,
            }, Line("submit", ReportOutcome.Ok, $"report {id} opened with {files.Length} file(s) to send"), cancellationToken);
        }

        private async Task<bool> FilesAsync(CancellationToken cancellationToken)
        {
            var report = Report;
            long id = report.HotlineReportId ?? throw new InvalidOperationException("an open report has NCMEC's id");
            if (Now >= Deadline(report) - delivery._options.WindowMargin)
                return await RestartAsync($"report {id} could not be finished within NCMEC's window (deadline {Deadline(report):u})", retract: true, cancellationToken);

            for (int i = 0; i < report.Files.Count; i++)
            {
                var file = report.Files[i];
                switch (file.State)
                {
                    case ReportFileState.Uploading:
                        return await RestartAsync($"the answer to the upload of file {i + 1} was lost; NCMEC may hold it, so the report starts again", retract: true, cancellationToken);
                    case ReportFileState.Pending:
                        return await UploadAsync(id, i, cancellationToken);
                    case ReportFileState.Uploaded:
                        return await DescribeAsync(id, i, cancellationToken);
                }
            }
            return await SaveAsync(report with { State = ReportState.Finishing, Tries = 0 }, null, cancellationToken);
        }

        private async Task<bool> UploadAsync(long id, int index, CancellationToken cancellationToken)
        {
            var file = Report.Files[index];
            var sealedMedia = await delivery._store.Cases.GetItemMediaAsync(Report.CaseId, file.ItemId, cancellationToken);
            if (sealedMedia is null)
                return await FailAsync("upload", null, $"item {file.ItemId} has no media in the evidence vault (purged, or never kept)", cancellationToken);
            byte[] bytes;
            try
            {
                bytes = delivery._vault.Open(sealedMedia);
            }
            catch (CryptographicException e)
            {
                return await FailAsync("upload", null, $"item {file.ItemId}'s media cannot be opened with this vault key ({e.Message})", cancellationToken);
            }
            string ours = Convert.ToHexStringLower(MD5.HashData(bytes));
            if (ours != file.Md5)
                return await FailAsync("upload", null, $"item {file.ItemId}'s media in the vault has MD5 {ours}, the case recorded {file.Md5}", cancellationToken);

            if (!await SaveAsync(Report with { Files = With(Report.Files, index, file with { State = ReportFileState.Uploading }) }, null, cancellationToken))
                return false;
            UploadResult uploaded;
            try
            {
                uploaded = await delivery._client.UploadFileAsync(id, file.FileName, () => new MemoryStream(bytes, writable: false), file.Md5, cancellationToken);
            }
            catch (CyberTiplineUnavailableException e) when (e.Answered)
            {
                // NCMEC refused every attempt, so it holds no copy: the file is pending again, not lost in flight.
                if (!await SaveAsync(Report with { Files = With(Report.Files, index, file) }, null, cancellationToken))
                    return false;
                throw;
            }
            var changed = file with { State = ReportFileState.Uploaded, FileId = uploaded.FileId, HotlineMd5 = uploaded.Md5 };
            return await SaveAsync(Report with { Files = With(Report.Files, index, changed), ChangedAt = Now, Tries = 0, LastCode = null, LastError = null },
                Line("upload", ReportOutcome.Ok, $"file {index + 1} of {Report.Files.Count} uploaded as {uploaded.FileId} ({bytes.Length} bytes, MD5 checked)"),
                cancellationToken);
        }

        private async Task<bool> DescribeAsync(long id, int index, CancellationToken cancellationToken)
        {
            var input = await InputAsync(cancellationToken);
            if (input is null)
                return false;
            var file = Report.Files[index];
            int at = -1;
            for (int i = 0; i < input.Items.Count; i++)
            {
                if (input.Items[i].ItemId == file.ItemId)
                    at = i;
            }
            if (at < 0)
                return await FailAsync("fileinfo", null, $"item {file.ItemId} is no longer a confirmed item of case {Report.CaseId}", cancellationToken);
            FileDetails details;
            try
            {
                details = ReportDocumentBuilder.BuildFileDetails(input, at, id, file.FileId!);
            }
            catch (ArgumentException e)
            {
                return await FailAsync("build", null, "the file details cannot be built: " + e.Message, cancellationToken);
            }
            await delivery._client.SubmitFileDetailsAsync(details, cancellationToken);
            return await SaveAsync(Report with
            {
                Files = With(Report.Files, index, file with { State = ReportFileState.Described }), ChangedAt = Now, Tries = 0, LastCode = null, LastError = null,
            }, Line("fileinfo", ReportOutcome.Ok, $"file {file.FileId} described"), cancellationToken);
        }

        private async Task<bool> FinishAsync(CancellationToken cancellationToken)
        {
            var report = Report;
            long id = report.HotlineReportId ?? throw new InvalidOperationException("a finishing report has NCMEC's id");
            if (report.FinishedAt is null)
            {
                string message;
                try
                {
                    var done = await delivery._client.FinishReportAsync(id, cancellationToken);
                    message = $"report {id} finished; NCMEC holds {done.FileIds.Count} file(s)";
                }
                catch (CyberTiplineRejectedException e) when (e.Code == ResponseCodes.ReportAlreadyFinished)
                {
                    // The answer to an earlier finish was lost: it was finished then.
                    message = $"report {id} was finished already (the answer to the last finish was lost)";
                }
                if (!await SaveAsync(report with { FinishedAt = Now, Tries = 0, LastCode = null, LastError = null },
                        Line("finish", ReportOutcome.Ok, message), cancellationToken))
                    return false;
                report = Report;
            }
            DateTimeOffset? preserveUntil = delivery._options.PreserveFor is { } keep ? report.FinishedAt + keep : null;
            await delivery._outcomes.FiledAsync(report.CaseId, id, preserveUntil, cancellationToken);
            delivery._logger.LogInformation("Case {CaseId} reported to NCMEC as report {ReportId}", report.CaseId, id);
            return await SaveAsync(report with { State = ReportState.Finished }, Line("case", ReportOutcome.Ok, $"case {report.CaseId} marked reported"),
                cancellationToken);
        }

        /// <summary>Retracts the report at NCMEC (when it may still hold it) and queues a fresh attempt, or fails it past the attempts allowed.</summary>
        private async Task<bool> RestartAsync(string reason, bool retract, CancellationToken cancellationToken)
        {
            var report = Report;
            string retracted = "";
            if (retract && report.HotlineReportId is { } id)
            {
                try
                {
                    await delivery._client.RetractReportAsync(id, cancellationToken);
                    retracted = $"; report {id} retracted";
                }
                catch (CyberTiplineRejectedException e) when (e.Code == ResponseCodes.ReportDoesNotExist)
                {
                    retracted = $"; report {id} is gone at NCMEC already";
                }
                catch (CyberTiplineRejectedException e) when (e.Code == ResponseCodes.ReportAlreadyFinished)
                {
                    // Finished after all (by an earlier finish whose answer was lost): keep it.
                    return await SaveAsync(report with { State = ReportState.Finishing, FinishedAt = Now },
                        Line("retract", ReportOutcome.Note, $"report {id} is finished at NCMEC; keeping it"), cancellationToken);
                }
            }
            if (report.Attempt >= delivery._options.MaxAttempts)
                return await FailAsync("restart", null, $"{reason}{retracted}; gave up after {report.Attempt} attempt(s)", cancellationToken);
            delivery._logger.LogWarning("Report {Report} of case {CaseId} starts again: {Reason}", report.Id, report.CaseId, reason);
            return await SaveAsync(report with
            {
                State = ReportState.Queued, Attempt = report.Attempt + 1, HotlineReportId = null, OpenedAt = null, ChangedAt = null, FinishedAt = null,
                Tries = 0, Files = [], NextAttemptAt = Now, LastCode = null, LastError = reason,
            }, Line("restart", ReportOutcome.Note, reason + retracted), cancellationToken);
        }

        private async Task<bool> BackOffAsync(string step, string error, CancellationToken cancellationToken)
        {
            var report = Report;
            int tries = report.Tries + 1;
            if (tries >= delivery._options.MaxTries)
                return await FailAsync(step, null, $"{error}; gave up after {tries} tries", cancellationToken);
            var wait = delivery.Backoff(tries);
            delivery._logger.LogWarning("Report {Report} of case {CaseId}: {Step} failed ({Error}); next try in {Wait}", report.Id, report.CaseId, step, error, wait);
            await SaveAsync(report with { Tries = tries, NextAttemptAt = Now + wait, LastCode = null, LastError = error },
                Line(step, ReportOutcome.Retry, string.Create(CultureInfo.InvariantCulture, $"{error}; try {tries} failed, next in {wait.TotalSeconds:0.#} s")),
                cancellationToken);
            return false;
        }

        private async Task<bool> FailAsync(string step, int? code, string error, CancellationToken cancellationToken)
        {
            var report = Report;
            delivery._logger.LogError("Report {Report} of case {CaseId} failed at {Step}: {Error}", report.Id, report.CaseId, step, error);
            if (!await SaveAsync(report with { State = ReportState.Failed, LastCode = code, LastError = error },
                    Line(step, ReportOutcome.Failed, error, code), cancellationToken))
                return false;
            await delivery._outcomes.FailedAsync(report.CaseId, report.HotlineReportId, error, cancellationToken);
            return false;
        }

        /// <summary>The case as the report's input (built once per run), or null after failing the report when it cannot be.</summary>
        private async Task<ReportInput?> InputAsync(CancellationToken cancellationToken)
        {
            if (_input is not null)
                return _input;
            var details = await delivery._store.Cases.GetCaseAsync(Report.CaseId, cancellationToken);
            if (details is null)
            {
                await FailAsync("build", null, $"case {Report.CaseId} does not exist", cancellationToken);
                return null;
            }
            try
            {
                return _input = CaseReportInput.From(details, delivery._options.Reporter, delivery._options.IncidentType);
            }
            catch (ArgumentException e)
            {
                await FailAsync("build", null, e.Message, cancellationToken);
                return null;
            }
        }

        private async Task<bool> SaveAsync(OutboxReport next, ReportEvent? line, CancellationToken cancellationToken)
        {
            var saved = await delivery._store.Reports.SaveReportAsync(Claim!, next, line, Now, delivery.Lease, cancellationToken);
            if (saved is null)
            {
                delivery._logger.LogWarning("Report {Report}: the lease was lost to another worker; leaving it", next.Id);
                Claim = null;
                return false;
            }
            Claim = saved;
            Last = saved.Report;
            return true;
        }

        private ReportEvent Line(string step, ReportOutcome outcome, string message, int? code = null) => new(Now, Report.Attempt, step, outcome, message, code);

        private static OutboxReportFile[] With(IReadOnlyList<OutboxReportFile> files, int index, OutboxReportFile file)
        {
            var copy = new OutboxReportFile[files.Count];
            for (int i = 0; i < copy.Length; i++)
                copy[i] = i == index ? file : files[i];
            return copy;
        }
    }
}
