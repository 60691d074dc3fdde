using System.Data.Common;

namespace Vigil.Storage.Sql;

/// <summary>
/// Review cases on either engine (schema step 7). Every change to a case first takes its row (on
/// PostgreSQL <c>FOR UPDATE</c>; on SQLite the single writer), so a lease check and the change it
/// guards are one step; claims pass over rows another claimer holds (<c>SKIP LOCKED</c>).
/// </summary>
internal sealed class SqlCaseStore(SqlDatabase db) : ICaseStore
{
    private const int MatchColumns = 9;

    /// <inheritdoc/>
    public async Task<OpenedItem> AddCaseItemAsync(NewCaseItem item, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        CaseValidation.Validate(item);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await db.Dialect.BeginWriteAsync(connection, cancellationToken);
        var opened = await AddItemAsync(connection, transaction, item, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return opened;
    }

    /// <summary>Adds an item inside the caller's write transaction (the private-matching reveal records its items with the account's state).</summary>
    internal async Task<OpenedItem> AddItemAsync(DbConnection connection, DbTransaction transaction, NewCaseItem item, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        if (item.VoucherId is not null)
        {
            await using var existing = db.Command(connection,
                "SELECT case_id, id FROM case_items WHERE source = $1 AND account = $2 AND voucher_id = $3", transaction)
                .With(item.Source).With(item.Account).With(item.VoucherId);
            await using var reader = await existing.ReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
                return new OpenedItem(reader.GetInt64(0), reader.GetInt64(1), NewCase: false, NewItem: false);
        }

        long caseId;
        bool newCase;
        await using (var find = db.Command(connection, $"SELECT id FROM cases WHERE subject = $1 AND status = 'open'{db.Dialect.ForUpdate()}", transaction)
            .With(item.Subject))
        {
            long? found = await find.Int64Async(cancellationToken);
            newCase = found is null;
            caseId = found ?? 0;
        }
        if (newCase)
        {
            // Another writer may open the subject's case between the look and the insert (PostgreSQL): then this joins it.
            await using var open = db.Command(connection, $"""
                INSERT INTO cases (subject, priority, opened_at, updated_at) VALUES ($1, $2, $3, $3)
                ON CONFLICT (subject) WHERE status = 'open'
                DO UPDATE SET priority = {db.Dialect.Least("cases.priority", "excluded.priority")}, updated_at = excluded.updated_at
                RETURNING id
                """, transaction)
                .With(item.Subject).With((long)item.Priority).WithTime(now);
            caseId = (await open.Int64Async(cancellationToken))!.Value;
        }
        else
        {
            await using var update = db.Command(connection,
                $"UPDATE cases SET priority = {db.Dialect.Least("priority", "$2")}, updated_at = $3 WHERE id = $1", transaction)
                .With(caseId).With((long)item.Priority).WithTime(now);
            await update.ExecuteAsync(cancellationToken);
        }

        var context = item.Context;
        long itemId;
        await using (var insert = db.Command(connection, """
            INSERT INTO case_items (case_id, source, reason, priority, signals, screen_name, email, file_name, uploaded_at, ip, port, url,
                                    account, voucher_id, recheck, thumbnail, created_at, scores, messages, incident_kind, publicly_available)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)
            RETURNING id
            """, transaction)
            .With(caseId).With(item.Source).With(item.Reason).With((long)item.Priority).With(CaseRows.SerializeSignals(item.Signals))
            .With(context.ScreenName).With(context.Email).With(context.FileName).WithTime(context.UploadedAt).With(context.Ip)
            .With(context.Port).With(context.Url).With(item.Account).With(item.VoucherId).With(item.Recheck).With(item.Thumbnail).WithTime(now)
            .With(CaseRows.SerializeScores(item.Scores)).With(CaseRows.SerializeMessages(item.Messages))
            .With(context.IncidentKind is { } kind ? CaseNames.Name(kind) : null).With(context.PubliclyAvailable))
        {
            itemId = (await insert.Int64Async(cancellationToken))!.Value;
        }

        int rowsPerInsert = MultiRowValues.RowsPerStatement(MatchColumns);
        for (int start = 0; start < item.Matches.Count; start += rowsPerInsert)
        {
            int count = Math.Min(rowsPerInsert, item.Matches.Count - start);
            await using var matches = db.Command(connection, $"""
                INSERT INTO case_matches (item_id, bank, content_id, signal_type, distance, classification, labels, entry_source, entry_source_id)
                VALUES {MultiRowValues.Of(count, MatchColumns)}
                ON CONFLICT DO NOTHING
                """, transaction);
            for (int i = start; i < start + count; i++)
            {
                var match = item.Matches[i];
                matches.With(itemId).With(match.Bank).With(match.ContentId).With(match.SignalType).With((long)match.Distance)
                    .With(match.Classification).With(LabelsJson.Serialize(match.Labels)).With(match.EntrySource).With(match.EntrySourceId);
            }
            await matches.ExecuteAsync(cancellationToken);
        }

        if (item.Media is { } media)
        {
            await using var store = db.Command(connection, """
                INSERT INTO case_media (item_id, content_type, length, key_id, wrapped_key, nonce, ciphertext)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                """, transaction)
                .With(itemId).With(media.ContentType).With(media.Length).With(media.KeyId).With(media.WrappedKey).With(media.Nonce).With(media.Ciphertext);
            await store.ExecuteAsync(cancellationToken);
        }
        return new OpenedItem(caseId, itemId, newCase, NewItem: true);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ReviewCase>> ListCasesAsync(CaseStatus? status, long afterId, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var command = db.Command(connection, $"""
            SELECT {CaseRows.CaseColumns} FROM cases c
            WHERE c.id > $1 AND (CAST($2 AS text) IS NULL OR c.status = $2) ORDER BY c.id LIMIT $3
            """)
            .With(afterId).With(status is { } s ? CaseNames.Name(s) : null).With((long)limit);
        return await command.ListAsync(reader => CaseRows.ReadCase(reader, db.Dialect.ReadTime), cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ReviewCase>> ListQueueAsync(QueueCursor? after, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        // Keyset paging on the queue index: (priority, opened_at, id) after the cursor, no OFFSET and no count.
        await using var command = after is null
            ? db.Command(connection, $"""
                SELECT {CaseRows.CaseColumns} FROM cases c{db.Dialect.UseIndex("cases_queue")} WHERE c.status = 'open'
                ORDER BY c.priority, c.opened_at, c.id LIMIT $1
                """).With((long)limit)
            : db.Command(connection, $"""
                SELECT {CaseRows.CaseColumns} FROM cases c{db.Dialect.UseIndex("cases_queue")}
                WHERE c.status = 'open' AND (c.priority, c.opened_at, c.id) > ($1, $2, $3)
                ORDER BY c.priority, c.opened_at, c.id LIMIT $4
                """).With((long)after.Priority).WithTime(after.OpenedAt).With(after.Id).With((long)limit);
        return await command.ListAsync(reader => CaseRows.ReadCase(reader, db.Dialect.ReadTime), cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<CaseDetails?> GetCaseAsync(long caseId, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await db.Dialect.BeginSnapshotReadAsync(connection, cancellationToken);
        var found = await ReadCaseAsync(connection, transaction, caseId, cancellationToken);
        if (found is null)
            return null;

        var matches = new Dictionary<long, List<CaseMatch>>();
        await using (var command = db.Command(connection, """
            SELECT m.item_id, m.bank, m.content_id, m.signal_type, m.distance, m.classification, m.labels, m.entry_source, m.entry_source_id
            FROM case_matches m JOIN case_items i ON i.id = m.item_id WHERE i.case_id = $1 ORDER BY m.item_id, m.distance, m.bank, m.content_id
            """, transaction).With(caseId))
        {
            await using var reader = await command.ReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                long itemId = reader.GetInt64(0);
                if (!matches.TryGetValue(itemId, out var list))
                    matches[itemId] = list = [];
                list.Add(new CaseMatch(reader.GetString(1), reader.GetInt64(2), reader.GetString(3), reader.GetInt32(4), CaseRows.StringOrNull(reader, 5),
                    LabelsJson.Parse(reader.GetString(6)), CaseRows.StringOrNull(reader, 7), CaseRows.StringOrNull(reader, 8)));
            }
        }

        List<CaseItem> items;
        await using (var command = db.Command(connection, $"""
            SELECT {CaseRows.ItemColumns} FROM case_items i LEFT JOIN case_media m ON m.item_id = i.id WHERE i.case_id = $1 ORDER BY i.id
            """, transaction).With(caseId))
        {
            items = await command.ListAsync(reader => CaseRows.ReadItem(reader, db.Dialect.ReadTime,
                matches.TryGetValue(reader.GetInt64(0), out var list) ? list : []) with { }, cancellationToken);
        }
        for (int i = 0; i < items.Count; i++)
            items[i] = items[i] with { Details = items[i].Details with { Subject = found.Subject } };

        List<CaseDecision> decisions;
        await using (var command = db.Command(connection, """
            SELECT id, case_id, item_id, reviewer, verdict, classification, decided_at FROM case_decisions WHERE case_id = $1 ORDER BY id
            """, transaction).With(caseId))
        {
            decisions = await command.ListAsync(reader => new CaseDecision(reader.GetInt64(0), reader.GetInt64(1),
                reader.IsDBNull(2) ? null : reader.GetInt64(2), reader.GetString(3), reader.GetString(4),
                reader.IsDBNull(5) ? null : Enum.Parse<IndustryClassification>(reader.GetString(5)), db.Dialect.ReadTime(reader, 6)), cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return new CaseDetails(found, items, decisions);
    }

    /// <inheritdoc/>
    public async Task<ReviewCase?> ClaimNextCaseAsync(string reviewer, bool senior, DateTimeOffset now, DateTimeOffset leaseUntil,
        CancellationToken cancellationToken = default)
    {
        CaseValidation.ValidateReviewer(reviewer);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await db.Dialect.BeginWriteAsync(connection, cancellationToken);
        long? caseId;
        // The case this reviewer holds already comes back with its lease renewed: one reviewer, one case at a time.
        await using (var held = db.Command(connection, """
            SELECT id FROM cases WHERE status = 'open' AND lease_holder = $1 AND lease_expires_at > $2 ORDER BY id LIMIT 1
            """, transaction).With(reviewer).WithTime(now))
        {
            caseId = await held.Int64Async(cancellationToken);
        }
        if (caseId is null)
        {
            await using var next = db.Command(connection, $"""
                SELECT id FROM cases{db.Dialect.UseIndex("cases_queue")}
                WHERE status = 'open' AND (lease_expires_at IS NULL OR lease_expires_at <= $1)
                  AND (first_report_by IS NULL OR first_report_by <> $2) AND (escalated = FALSE OR $3)
                ORDER BY {(senior ? "escalated DESC, " : "")}priority, opened_at, id
                LIMIT 1{db.Dialect.ForUpdateSkipLocked}
                """, transaction).WithTime(now).With(reviewer).With(senior);
            caseId = await next.Int64Async(cancellationToken);
        }
        if (caseId is null)
        {
            await transaction.CommitAsync(cancellationToken);
            return null;
        }
        await LeaseAsync(connection, transaction, caseId.Value, reviewer, leaseUntil, cancellationToken);
        var claimed = await ReadCaseAsync(connection, transaction, caseId.Value, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return claimed;
    }

    /// <inheritdoc/>
    public async Task<CaseChange> ClaimCaseAsync(long caseId, string reviewer, DateTimeOffset now, DateTimeOffset leaseUntil,
        CancellationToken cancellationToken = default)
    {
        CaseValidation.ValidateReviewer(reviewer);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await db.Dialect.BeginWriteAsync(connection, cancellationToken);
        var current = await ReadCaseAsync(connection, transaction, caseId, cancellationToken, forUpdate: true);
        var change = current is null ? CaseChange.NotFound
            : current.Status != CaseStatus.Open ? CaseChange.NotOpen
            : current.LeaseHolder is { } holder && holder != reviewer && current.LeaseExpiresAt > now ? CaseChange.NotLeased
            : CaseChange.Done;
        if (change == CaseChange.Done)
            await LeaseAsync(connection, transaction, caseId, reviewer, leaseUntil, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return change;
    }

    /// <inheritdoc/>
    public async Task<CaseChange> ReleaseCaseAsync(long caseId, string reviewer, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await db.Dialect.BeginWriteAsync(connection, cancellationToken);
        var (change, _) = await HoldLeasedAsync(connection, transaction, caseId, reviewer, now, cancellationToken);
        if (change == CaseChange.Done)
            await ReleaseAsync(connection, transaction, caseId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return change;
    }

    /// <inheritdoc/>
    public async Task<CaseChange> DecideItemAsync(long caseId, long itemId, string reviewer, ItemVerdict verdict, IndustryClassification? classification,
        DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        if ((verdict == ItemVerdict.Confirmed) != (classification is not null))
            throw new ArgumentException("a confirmed item needs a classification (A1, A2, B1 or B2), and only a confirmed one has one", nameof(classification));
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await db.Dialect.BeginWriteAsync(connection, cancellationToken);
        var (change, _) = await HoldLeasedAsync(connection, transaction, caseId, reviewer, now, cancellationToken);
        if (change != CaseChange.Done)
        {
            await transaction.CommitAsync(cancellationToken);
            return change;
        }
        string? before;
        bool exists;
        await using (var item = db.Command(connection, "SELECT verdict FROM case_items WHERE id = $1 AND case_id = $2", transaction).With(itemId).With(caseId))
        {
            await using var reader = await item.ReaderAsync(cancellationToken);
            exists = await reader.ReadAsync(cancellationToken);
            before = exists ? CaseRows.StringOrNull(reader, 0) : null;
        }
        if (!exists)
        {
            await transaction.CommitAsync(cancellationToken);
            return CaseChange.NotFound;
        }
        string name = CaseNames.Name(verdict);
        string? classificationName = classification?.ToString();
        await using (var update = db.Command(connection, """
            UPDATE case_items SET verdict = $2, classification = $3, decided_by = $4, decided_at = $5 WHERE id = $1
            """, transaction).With(itemId).With(name).With(classificationName).With(reviewer).WithTime(now))
        {
            await update.ExecuteAsync(cancellationToken);
        }
        await RecordDecisionAsync(connection, transaction, caseId, itemId, reviewer, name, classificationName, now, cancellationToken);
        // A false positive counts once per item against each entry it matched, however often it is re-decided.
        if (verdict == ItemVerdict.NotAbuse && before != "not_abuse")
            await CountFalsePositivesAsync(connection, transaction, itemId, +1, cancellationToken);
        else if (verdict != ItemVerdict.NotAbuse && before == "not_abuse")
            await CountFalsePositivesAsync(connection, transaction, itemId, -1, cancellationToken);
        await using (var touch = db.Command(connection,
            $"UPDATE cases SET updated_at = $2{(verdict == ItemVerdict.Escalate ? ", escalated = TRUE" : "")} WHERE id = $1", transaction)
            .With(caseId).WithTime(now))
        {
            await touch.ExecuteAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return CaseChange.Done;
    }

    /// <inheritdoc/>
    public async Task<CaseChange> DecideCaseAsync(long caseId, string reviewer, CaseVerdict verdict, bool fourEyes, DateTimeOffset now,
        CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await db.Dialect.BeginWriteAsync(connection, cancellationToken);
        var (change, current) = await HoldLeasedAsync(connection, transaction, caseId, reviewer, now, cancellationToken);
        change = change != CaseChange.Done ? change : await DecideHeldCaseAsync(connection, transaction, current!, reviewer, verdict, fourEyes, now,
            cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return change;
    }

    private async Task<CaseChange> DecideHeldCaseAsync(DbConnection connection, DbTransaction transaction, ReviewCase current, string reviewer,
        CaseVerdict verdict, bool fourEyes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        long caseId = current.Id;
        if (verdict == CaseVerdict.Report)
        {
            await using var confirmed = db.Command(connection,
                "SELECT COUNT(*) FROM case_items WHERE case_id = $1 AND verdict = 'confirmed'", transaction).With(caseId);
            if (await confirmed.Int64Async(cancellationToken) is null or 0)
                return CaseChange.NothingConfirmed;
            if (fourEyes && current.FirstReportBy == reviewer)
                return CaseChange.SameReviewer;
        }
        string name = CaseNames.Name(verdict);
        await RecordDecisionAsync(connection, transaction, caseId, null, reviewer, name, null, now, cancellationToken);
        var outcome = CaseChange.Done;
        string set;
        if (verdict == CaseVerdict.Escalate)
            set = "escalated = TRUE";
        else if (verdict == CaseVerdict.Report && fourEyes && current.FirstReportBy is null)
        {
            set = "first_report_by = $2";
            outcome = CaseChange.AwaitingSecondReviewer;
        }
        else
            set = "status = 'decided', verdict = $3, decided_by = $2, decided_at = $4";
        await using (var update = db.Command(connection,
            $"UPDATE cases SET {set}, lease_holder = NULL, lease_expires_at = NULL, updated_at = $4 WHERE id = $1", transaction)
            .With(caseId).With(reviewer).With(name).WithTime(now))
        {
            await update.ExecuteAsync(cancellationToken);
        }
        return outcome;
    }

    /// <inheritdoc/>
    public async Task<SealedMedia?> GetItemMediaAsync(long caseId, long itemId, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var command = db.Command(connection, """
            SELECT m.content_type, m.length, m.key_id, m.wrapped_key, m.nonce, m.ciphertext
            FROM case_media m JOIN case_items i ON i.id = m.item_id WHERE i.id = $1 AND i.case_id = $2
            """).With(itemId).With(caseId);
        return await command.FirstOrNullAsync(static reader => new SealedMedia(reader.GetString(0), reader.GetInt64(1), reader.GetString(2),
            reader.GetFieldValue<byte[]>(3), reader.GetFieldValue<byte[]>(4), reader.GetFieldValue<byte[]>(5)), cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<byte[]?> GetItemThumbnailAsync(long caseId, long itemId, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var command = db.Command(connection, "SELECT thumbnail FROM case_items WHERE id = $1 AND case_id = $2").With(itemId).With(caseId);
        return await command.ScalarAsync(cancellationToken) as byte[];
    }

    /// <inheritdoc/>
    public async Task MarkViewedClearAsync(long caseId, long itemId, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var command = db.Command(connection, "UPDATE case_items SET viewed_clear = TRUE WHERE id = $1 AND case_id = $2 AND viewed_clear = FALSE")
            .With(itemId).With(caseId);
        await command.ExecuteAsync(cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<CaseChange> MarkReportedAsync(long caseId, string reportId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(reportId);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await db.Dialect.BeginWriteAsync(connection, cancellationToken);
        var current = await ReadCaseAsync(connection, transaction, caseId, cancellationToken, forUpdate: true);
        var change = current is null ? CaseChange.NotFound
            : current.Status != CaseStatus.Decided || current.Verdict != CaseVerdict.Report ? CaseChange.NotOpen
            : CaseChange.Done;
        if (change == CaseChange.Done)
        {
            await using var update = db.Command(connection,
                "UPDATE cases SET status = 'reported', report_id = $2, reported_at = $3, updated_at = $3 WHERE id = $1", transaction)
                .With(caseId).With(reportId).WithTime(now);
            await update.ExecuteAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return change;
    }

    /// <inheritdoc/>
    public async Task<bool> SetLegalHoldAsync(long caseId, bool hold, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var command = db.Command(connection, "UPDATE cases SET legal_hold = $2, updated_at = $3 WHERE id = $1")
            .With(caseId).With(hold).WithTime(now);
        return await command.ExecuteAsync(cancellationToken) > 0;
    }

    /// <inheritdoc/>
    public async Task<RetentionPurge> PurgePastRetentionAsync(DateTimeOffset reportedBefore, DateTimeOffset dismissedBefore,
        DateTimeOffset idleConversationsBefore, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await db.Dialect.BeginWriteAsync(connection, cancellationToken);
        List<long> due;
        await using (var find = db.Command(connection, $"""
            SELECT id FROM cases
            WHERE legal_hold = FALSE AND media_purged_at IS NULL
              AND ((status = 'reported' AND reported_at < $1) OR (status = 'decided' AND verdict = 'no_report' AND decided_at < $2))
            ORDER BY id{db.Dialect.ForUpdate()}
            """, transaction).WithTime(reportedBefore).WithTime(dismissedBefore))
        {
            due = await find.ListAsync(static reader => reader.GetInt64(0), cancellationToken);
        }
        if (due.Count > 0)
        {
            // Media and thumbnails go, and a conversation's messages (on its item and as stored); of a dismissed case the
            // platform's context about its user goes too.
            foreach (string sql in (string[])[
                $"DELETE FROM case_media WHERE item_id IN (SELECT id FROM case_items WHERE {db.Dialect.InList("case_id", "$1")})",
                $"UPDATE case_items SET thumbnail = NULL, messages = NULL WHERE {db.Dialect.InList("case_id", "$1")}",
                $"DELETE FROM conversation_messages WHERE conversation IN (SELECT conversation FROM conversations WHERE {db.Dialect.InList("case_id", "$1")})",
                $"DELETE FROM conversations WHERE {db.Dialect.InList("case_id", "$1")}",
                $"""
                UPDATE case_items SET screen_name = NULL, email = NULL, ip = NULL, port = NULL, url = NULL, file_name = NULL
                WHERE {db.Dialect.InList("case_id", "$1")} AND case_id IN (SELECT id FROM cases WHERE verdict = 'no_report')
                """,
                $"UPDATE cases SET media_purged_at = $2 WHERE {db.Dialect.InList("id", "$1")}"])
            {
                await using var command = db.Command(connection, sql, transaction).WithList(due);
                if (sql.Contains("$2", StringComparison.Ordinal))
                    command.WithTime(now);
                await command.ExecuteAsync(cancellationToken);
            }
        }
        int idle = await PurgeIdleConversationsAsync(connection, transaction, idleConversationsBefore, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new RetentionPurge(due, idle);
    }

    /// <summary>
    /// Deletes the stored messages of conversations with no review item whose last message arrived before
    /// <paramref name="before"/> (and the stale claims left without messages); returns how many conversations went.
    /// </summary>
    private async Task<int> PurgeIdleConversationsAsync(DbConnection connection, DbTransaction transaction, DateTimeOffset before,
        CancellationToken cancellationToken)
    {
        // One pass finds them (every stored message is grouped), then they go a slice of ids at a time; only messages older
        // than the cutoff, so one a platform sends meanwhile (another replica, on PostgreSQL) is kept.
        List<string> idle;
        await using (var find = db.Command(connection, """
            SELECT conversation FROM conversation_messages
            WHERE conversation NOT IN (SELECT conversation FROM conversations WHERE item_id IS NOT NULL)
            GROUP BY conversation HAVING MAX(received_at) < $1
            """, transaction).WithTime(before))
        {
            idle = await find.ListAsync(static reader => reader.GetString(0), cancellationToken);
        }
        if (idle.Count == 0)
            return 0;
        const int Slice = 10_000;
        for (int start = 0; start < idle.Count; start += Slice)
        {
            var slice = idle.GetRange(start, Math.Min(Slice, idle.Count - start));
            await using var delete = db.Command(connection,
                    $"DELETE FROM conversation_messages WHERE {db.Dialect.InList("conversation", "$1")} AND received_at < $2", transaction)
                .WithList(slice).WithTime(before);
            await delete.ExecuteAsync(cancellationToken);
        }
        await using (var claims = db.Command(connection, """
            DELETE FROM conversations WHERE item_id IS NULL AND updated_at < $1 AND conversation NOT IN (SELECT conversation FROM conversation_messages)
            """, transaction).WithTime(before))
            await claims.ExecuteAsync(cancellationToken);
        return idle.Count;
    }

    /// <inheritdoc/>
    public async Task<ReviewerExposure> AddExposureAsync(string reviewer, DateOnly day, double seconds, int clearViews,
        CancellationToken cancellationToken = default)
    {
        CaseValidation.ValidateReviewer(reviewer);
        if (!double.IsFinite(seconds) || seconds < 0)
            throw new ArgumentOutOfRangeException(nameof(seconds), "exposure is a finite, non-negative number of seconds");
        ArgumentOutOfRangeException.ThrowIfNegative(clearViews);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var command = db.Command(connection, """
            INSERT INTO reviewer_exposure (reviewer, day, seconds, clear_views) VALUES ($1, $2, $3, $4)
            ON CONFLICT (reviewer, day) DO UPDATE SET seconds = reviewer_exposure.seconds + excluded.seconds,
                                                      clear_views = reviewer_exposure.clear_views + excluded.clear_views
            RETURNING seconds, clear_views
            """).With(reviewer).With(CaseRows.Day(day)).With((double?)seconds).With((long)clearViews);
        await using var reader = await command.ReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new ReviewerExposure(reviewer, day, reader.GetDouble(0), reader.GetInt64(1));
    }

    /// <inheritdoc/>
    public async Task<ReviewerExposure> GetExposureAsync(string reviewer, DateOnly day, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var command = db.Command(connection, "SELECT seconds, clear_views FROM reviewer_exposure WHERE reviewer = $1 AND day = $2")
            .With(reviewer).With(CaseRows.Day(day));
        await using var reader = await command.ReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new ReviewerExposure(reviewer, day, reader.GetDouble(0), reader.GetInt64(1))
            : new ReviewerExposure(reviewer, day, 0, 0);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ReviewerExposure>> ListExposureAsync(DateOnly day, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var command = db.Command(connection,
            $"SELECT reviewer, seconds, clear_views FROM reviewer_exposure WHERE day = $1 ORDER BY seconds DESC, reviewer{db.Dialect.BinaryCollation}")
            .With(CaseRows.Day(day));
        return await command.ListAsync(reader => new ReviewerExposure(reader.GetString(0), day, reader.GetDouble(1), reader.GetInt64(2)), cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<ReviewerSettings> GetReviewerSettingsAsync(string reviewer, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var command = db.Command(connection, "SELECT blur_radius, greyscale, mute FROM reviewer_settings WHERE reviewer = $1").With(reviewer);
        return await command.FirstOrNullAsync(static reader => new ReviewerSettings(reader.IsDBNull(0) ? null : reader.GetInt32(0),
            reader.IsDBNull(1) ? null : reader.GetBoolean(1), reader.IsDBNull(2) ? null : reader.GetBoolean(2)), cancellationToken)
            ?? ReviewerSettings.Defaults;
    }

    /// <inheritdoc/>
    public async Task SetReviewerSettingsAsync(string reviewer, ReviewerSettings settings, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        CaseValidation.ValidateReviewer(reviewer);
        ArgumentNullException.ThrowIfNull(settings);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var command = db.Command(connection, """
            INSERT INTO reviewer_settings (reviewer, blur_radius, greyscale, mute, updated_at) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (reviewer) DO UPDATE SET blur_radius = excluded.blur_radius, greyscale = excluded.greyscale, mute = excluded.mute,
                                                 updated_at = excluded.updated_at
            """).With(reviewer).With(settings.BlurRadius).With(settings.Greyscale).With(settings.Mute).WithTime(now);
        await command.ExecuteAsync(cancellationToken);
    }

    /// <summary>Takes the case's row and checks that it is open and <paramref name="reviewer"/> holds an unexpired lease.</summary>
    private async Task<(CaseChange Change, ReviewCase? Case)> HoldLeasedAsync(DbConnection connection, DbTransaction transaction, long caseId,
        string reviewer, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var current = await ReadCaseAsync(connection, transaction, caseId, cancellationToken, forUpdate: true);
        if (current is null)
            return (CaseChange.NotFound, null);
        if (current.Status != CaseStatus.Open)
            return (CaseChange.NotOpen, current);
        return current.IsLeasedTo(reviewer, now) ? (CaseChange.Done, current) : (CaseChange.NotLeased, current);
    }

    private async Task LeaseAsync(DbConnection connection, DbTransaction transaction, long caseId, string reviewer, DateTimeOffset leaseUntil,
        CancellationToken cancellationToken)
    {
        await using var lease = db.Command(connection, "UPDATE cases SET lease_holder = $2, lease_expires_at = $3 WHERE id = $1", transaction)
            .With(caseId).With(reviewer).WithTime(leaseUntil);
        await lease.ExecuteAsync(cancellationToken);
    }

    private async Task ReleaseAsync(DbConnection connection, DbTransaction transaction, long caseId, CancellationToken cancellationToken)
    {
        await using var release = db.Command(connection, "UPDATE cases SET lease_holder = NULL, lease_expires_at = NULL WHERE id = $1", transaction)
            .With(caseId);
        await release.ExecuteAsync(cancellationToken);
    }

    private async Task RecordDecisionAsync(DbConnection connection, DbTransaction transaction, long caseId, long? itemId, string reviewer,
        string verdict, string? classification, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var insert = db.Command(connection, """
            INSERT INTO case_decisions (case_id, item_id, reviewer, verdict, classification, decided_at) VALUES ($1, $2, $3, $4, $5, $6)
            """, transaction).With(caseId).With(itemId).With(reviewer).With(verdict).With(classification).WithTime(now);
        await insert.ExecuteAsync(cancellationToken);
    }

    private async Task CountFalsePositivesAsync(DbConnection connection, DbTransaction transaction, long itemId, int delta,
        CancellationToken cancellationToken)
    {
        await using var update = db.Command(connection, $"""
            UPDATE bank_content SET false_positives = {db.Dialect.Greatest("false_positives + $2", "0")}
            WHERE id IN (SELECT content_id FROM case_matches WHERE item_id = $1)
            """, transaction).With(itemId).With((long)delta);
        await update.ExecuteAsync(cancellationToken);
    }

    private async Task<ReviewCase?> ReadCaseAsync(DbConnection connection, DbTransaction? transaction, long caseId, CancellationToken cancellationToken,
        bool forUpdate = false)
    {
        await using var command = db.Command(connection,
            $"SELECT {CaseRows.CaseColumns} FROM cases c WHERE c.id = $1{(forUpdate ? db.Dialect.ForUpdate("c") : "")}", transaction).With(caseId);
        return await command.FirstOrNullAsync(reader => CaseRows.ReadCase(reader, db.Dialect.ReadTime), cancellationToken);
    }
}
