using System.Data.Common;
using System.Globalization;

namespace Vigil.Storage.Sql;

/// <summary>The report outbox on either engine. A claim is one statement; a save is one short transaction guarded by the lease.</summary>
internal sealed class SqlReportOutboxStore(SqlDatabase db) : IReportOutboxStore
{
    private const string Columns =
        "id, case_id, state, attempt, hotline_id, opened_at, changed_at, finished_at, tries, next_attempt_at, last_code, last_error, created_at, updated_at";

    private const string Active = "state IN ('queued', 'submitting', 'open', 'finishing')";

    /// <inheritdoc/>
    public async Task<int> QueueDecidedCasesAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        // Two replicas may run this at once: the unique case_id makes the second insert of a case a no-op.
        await using var command = db.Command(connection, """
            INSERT INTO reports (case_id, state, attempt, tries, next_attempt_at, created_at, updated_at)
            SELECT c.id, 'queued', 1, 0, $1, $1, $1 FROM cases c
            WHERE c.status = 'decided' AND c.verdict = 'report' AND NOT EXISTS (SELECT 1 FROM reports r WHERE r.case_id = c.id)
            ORDER BY c.id LIMIT $2
            ON CONFLICT (case_id) DO NOTHING
            """)
            .WithTime(now).With((long)limit);
        return await command.ExecuteAsync(cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<(QueueReportResult Result, OutboxReport? Report)> QueueCaseAsync(long caseId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using (var check = db.Command(connection, "SELECT status, verdict FROM cases WHERE id = $1").With(caseId))
        {
            var state = await check.FirstOrNullAsync(r => new[] { r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1) }, cancellationToken);
            if (state is null)
                return (QueueReportResult.NoSuchCase, null);
            if (state[0] == "open" || state[1] != "report")
                return (QueueReportResult.NotDecidedReport, null);
        }
        await using (var insert = db.Command(connection, """
            INSERT INTO reports (case_id, state, attempt, tries, next_attempt_at, created_at, updated_at)
            VALUES ($1, 'queued', 1, 0, $2, $2, $2) ON CONFLICT (case_id) DO NOTHING
            """).With(caseId).WithTime(now))
        {
            bool added = await insert.ExecuteAsync(cancellationToken) == 1;
            var report = await GetReportForCaseAsync(caseId, cancellationToken);
            return (added ? QueueReportResult.Queued : QueueReportResult.AlreadyQueued, report);
        }
    }

    /// <inheritdoc/>
    public Task<ClaimedReport?> ClaimNextReportAsync(DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default, string? holder = null) =>
        ClaimAsync($"""
            SELECT id FROM reports
            WHERE {Active} AND next_attempt_at <= $1 AND (lease_until IS NULL OR lease_until <= $1)
            ORDER BY next_attempt_at, id LIMIT 1{db.Dialect.ForUpdateSkipLocked}
            """, null, now, lease, cancellationToken, holder);

    /// <inheritdoc/>
    public async Task<int> ReleaseHeldReportsAsync(string holder, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(holder);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        // The holder's prefix compared as text, not LIKE: a name may hold '%' or '_'.
        await using var command = db.Command(connection, """
            UPDATE reports SET lease_token = NULL, lease_until = NULL WHERE substr(lease_token, 1, length($1)) = $1
            """).With(holder + "/");
        return await command.ExecuteAsync(cancellationToken);
    }

    /// <inheritdoc/>
    public Task<ClaimedReport?> ClaimReportAsync(long reportId, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default) =>
        ClaimAsync($"""
            SELECT id FROM reports WHERE id = $4 AND (lease_until IS NULL OR lease_until <= $1){db.Dialect.ForUpdateSkipLocked}
            """, reportId, now, lease, cancellationToken);

    private async Task<ClaimedReport?> ClaimAsync(string choose, long? reportId, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken,
        string? holder = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        string token = holder is null ? Guid.NewGuid().ToString("N") : holder + "/" + Guid.NewGuid().ToString("N");
        var until = now + lease;
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        // One statement chooses and leases the row: PostgreSQL passes over rows another claim is taking
        // (SKIP LOCKED) and re-checks the row once it holds it; SQLite has one writer.
        var command = db.Command(connection, $"""
            UPDATE reports SET lease_token = $2, lease_until = $3 WHERE id IN ({choose})
            RETURNING {Columns}
            """)
            .WithTime(now).With(token).WithTime(until);
        if (reportId is { } id)
            command.With(id);
        OutboxReport? report;
        await using (command)
            report = await command.FirstOrNullAsync(Read, cancellationToken);
        if (report is null)
            return null;
        return new ClaimedReport(report with { Files = await FilesAsync(connection, null, report.Id, cancellationToken) }, token, until);
    }

    /// <inheritdoc/>
    public async Task<ClaimedReport?> SaveReportAsync(ClaimedReport claim, OutboxReport next, ReportEvent? line, DateTimeOffset now, TimeSpan lease,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(claim);
        ArgumentNullException.ThrowIfNull(next);
        if (next.Id != claim.Report.Id || next.CaseId != claim.Report.CaseId)
            throw new ArgumentException("a save changes the report it holds, not another", nameof(next));
        var until = now + lease;
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await db.Dialect.BeginWriteAsync(connection, cancellationToken);
        await using (var update = db.Command(connection, """
            UPDATE reports SET state = $3, attempt = $4, hotline_id = $5, opened_at = $6, changed_at = $7, finished_at = $8,
                tries = $9, next_attempt_at = $10, last_code = $11, last_error = $12, updated_at = $13, lease_until = $14
            WHERE id = $1 AND lease_token = $2
            """, transaction)
            .With(next.Id).With(claim.Lease).With(StateName(next.State)).With((long)next.Attempt).With(next.HotlineReportId)
            .WithTime(next.OpenedAt).WithTime(next.ChangedAt).WithTime(next.FinishedAt).With((long)next.Tries).WithTime(next.NextAttemptAt)
            .With(next.LastCode).With(Truncate(next.LastError)).WithTime(now).WithTime(until))
        {
            if (await update.ExecuteAsync(cancellationToken) != 1)
                return null;
        }
        if (!SameFiles(claim.Report.Files, next.Files))
        {
            await using (var delete = db.Command(connection, "DELETE FROM report_files WHERE report_id = $1", transaction).With(next.Id))
                await delete.ExecuteAsync(cancellationToken);
            foreach (var file in next.Files)
            {
                await using var insert = db.Command(connection, """
                    INSERT INTO report_files (report_id, position, item_id, file_name, md5, state, file_id, hotline_md5)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                    """, transaction)
                    .With(next.Id).With((long)file.Position).With(file.ItemId).With(file.FileName).With(file.Md5)
                    .With(FileStateName(file.State)).With(file.FileId).With(file.HotlineMd5);
                await insert.ExecuteAsync(cancellationToken);
            }
        }
        if (line is not null)
        {
            await using var add = db.Command(connection, """
                INSERT INTO report_events (report_id, at, attempt, step, outcome, code, message) VALUES ($1, $2, $3, $4, $5, $6, $7)
                """, transaction)
                .With(next.Id).WithTime(line.At).With((long)line.Attempt).With(line.Step).With(OutcomeName(line.Outcome)).With(line.Code)
                .With(Truncate(line.Message) ?? "");
            await add.ExecuteAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return new ClaimedReport(next with { UpdatedAt = now }, claim.Lease, until);
    }

    /// <inheritdoc/>
    public async Task ReleaseReportAsync(ClaimedReport claim, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(claim);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var command = db.Command(connection, "UPDATE reports SET lease_token = NULL, lease_until = NULL WHERE id = $1 AND lease_token = $2")
            .With(claim.Report.Id).With(claim.Lease);
        await command.ExecuteAsync(cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<OutboxReport>> ListReportsAsync(ReportState? state, long afterId, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var command = db.Command(connection, $"""
            SELECT {Columns} FROM reports WHERE id > $1 AND (CAST($2 AS text) IS NULL OR state = $2) ORDER BY id LIMIT $3
            """)
            .With(afterId).With(state is { } s ? StateName(s) : null).With((long)limit);
        var reports = await command.ListAsync(Read, cancellationToken);
        if (reports.Count == 0)
            return reports;
        // One query for the page's files, not one per report.
        var files = new Dictionary<long, List<OutboxReportFile>>();
        await using (var read = db.Command(connection, """
            SELECT report_id, position, item_id, file_name, md5, state, file_id, hotline_md5 FROM report_files
            WHERE report_id >= $1 AND report_id <= $2 ORDER BY report_id, position
            """).With(reports[0].Id).With(reports[^1].Id))
        await using (var reader = await read.ReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                long id = reader.GetInt64(0);
                if (!files.TryGetValue(id, out var list))
                    files[id] = list = [];
                list.Add(ReadFile(reader, 1));
            }
        }
        for (int i = 0; i < reports.Count; i++)
        {
            if (files.TryGetValue(reports[i].Id, out var list))
                reports[i] = reports[i] with { Files = list };
        }
        return reports;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyDictionary<ReportState, int>> CountReportsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var command = db.Command(connection, "SELECT state, COUNT(*) FROM reports GROUP BY state");
        var rows = await command.ListAsync(r => (ParseState(r.GetString(0)), Convert.ToInt32(r.GetValue(1), CultureInfo.InvariantCulture)), cancellationToken);
        var counts = new Dictionary<ReportState, int>();
        foreach (var (state, count) in rows)
            counts[state] = count;
        return counts;
    }

    /// <inheritdoc/>
    public Task<OutboxReport?> GetReportAsync(long reportId, CancellationToken cancellationToken = default) =>
        GetOneAsync("id", reportId, cancellationToken);

    /// <inheritdoc/>
    public Task<OutboxReport?> GetReportForCaseAsync(long caseId, CancellationToken cancellationToken = default) =>
        GetOneAsync("case_id", caseId, cancellationToken);

    private async Task<OutboxReport?> GetOneAsync(string column, long value, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        OutboxReport? report;
        await using (var command = db.Command(connection, $"SELECT {Columns} FROM reports WHERE {column} = $1").With(value))
            report = await command.FirstOrNullAsync(Read, cancellationToken);
        return report is null ? null : report with { Files = await FilesAsync(connection, null, report.Id, cancellationToken) };
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ReportEvent>> ListReportEventsAsync(long reportId, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var command = db.Command(connection,
            "SELECT at, attempt, step, outcome, code, message FROM report_events WHERE report_id = $1 ORDER BY id").With(reportId);
        return await command.ListAsync(r => new ReportEvent(
            db.Dialect.ReadTime(r, 0),
            Convert.ToInt32(r.GetValue(1), CultureInfo.InvariantCulture),
            r.GetString(2),
            ParseOutcome(r.GetString(3)),
            r.GetString(5),
            r.IsDBNull(4) ? null : Convert.ToInt32(r.GetValue(4), CultureInfo.InvariantCulture)), cancellationToken);
    }

    private async Task<IReadOnlyList<OutboxReportFile>> FilesAsync(DbConnection connection, DbTransaction? transaction, long reportId,
        CancellationToken cancellationToken)
    {
        await using var command = db.Command(connection, """
            SELECT position, item_id, file_name, md5, state, file_id, hotline_md5 FROM report_files WHERE report_id = $1 ORDER BY position
            """, transaction).With(reportId);
        return await command.ListAsync(r => ReadFile(r, 0), cancellationToken);
    }

    private static bool SameFiles(IReadOnlyList<OutboxReportFile> a, IReadOnlyList<OutboxReportFile> b)
    {
        if (a.Count != b.Count)
            return false;
        for (int i = 0; i < a.Count; i++)
        {
            if (a[i] != b[i])
                return false;
        }
        return true;
    }

    private static string? Truncate(string? text) => text is { Length: > 4000 } ? text[..4000] : text;

    private static string StateName(ReportState state) => ReportNames.Name(state);

    private static string FileStateName(ReportFileState state) => ReportNames.Name(state);

    private static string OutcomeName(ReportOutcome outcome) => ReportNames.Name(outcome);

    private static ReportState ParseState(string name) =>
        ReportNames.TryParseState(name, out var state) ? state : throw new StoreException($"a report has an unknown state '{name}'");

    private static ReportFileState ParseFileState(string name) =>
        ReportNames.TryParseFileState(name, out var state) ? state : throw new StoreException($"a report file has an unknown state '{name}'");

    private static ReportOutcome ParseOutcome(string name) =>
        ReportNames.TryParseOutcome(name, out var outcome) ? outcome : throw new StoreException($"a report event has an unknown outcome '{name}'");

    private static OutboxReportFile ReadFile(DbDataReader r, int first) => new()
    {
        Position = Convert.ToInt32(r.GetValue(first), CultureInfo.InvariantCulture),
        ItemId = r.GetInt64(first + 1),
        FileName = r.GetString(first + 2),
        Md5 = r.GetString(first + 3),
        State = ParseFileState(r.GetString(first + 4)),
        FileId = r.IsDBNull(first + 5) ? null : r.GetString(first + 5),
        HotlineMd5 = r.IsDBNull(first + 6) ? null : r.GetString(first + 6),
    };

    private OutboxReport Read(DbDataReader r) => new()
    {
        Id = r.GetInt64(0),
        CaseId = r.GetInt64(1),
        State = ParseState(r.GetString(2)),
        Attempt = Convert.ToInt32(r.GetValue(3), CultureInfo.InvariantCulture),
        HotlineReportId = r.IsDBNull(4) ? null : r.GetInt64(4),
        OpenedAt = db.Dialect.ReadNullableTime(r, 5),
        ChangedAt = db.Dialect.ReadNullableTime(r, 6),
        FinishedAt = db.Dialect.ReadNullableTime(r, 7),
        Tries = Convert.ToInt32(r.GetValue(8), CultureInfo.InvariantCulture),
        NextAttemptAt = db.Dialect.ReadTime(r, 9),
        LastCode = r.IsDBNull(10) ? null : Convert.ToInt32(r.GetValue(10), CultureInfo.InvariantCulture),
        LastError = r.IsDBNull(11) ? null : r.GetString(11),
        CreatedAt = db.Dialect.ReadTime(r, 12),
        UpdatedAt = db.Dialect.ReadTime(r, 13),
    };
}
