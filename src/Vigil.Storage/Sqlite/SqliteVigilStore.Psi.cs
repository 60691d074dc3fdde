using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Vigil.Storage.Sqlite;

/// <summary>Private matching: accounts, their vouchers, and review cases (schema step 5).</summary>
public sealed partial class SqliteVigilStore
{
    // SQLite's default limit on parameters in one statement is 32,766; ids are looked up in chunks well under it.
    private const int IdChunk = 500;

    /// <inheritdoc/>
    public async Task<IReadOnlyCollection<string>> FindPsiVoucherIdsAsync(string account, IReadOnlyList<string> voucherIds,
        CancellationToken cancellationToken = default)
    {
        PsiNames.ValidateAccount(account);
        ArgumentNullException.ThrowIfNull(voucherIds);
        foreach (string id in voucherIds)
            PsiNames.ValidateVoucherId(id);
        var found = new HashSet<string>(StringComparer.Ordinal);
        if (voucherIds.Count == 0)
            return found;
        await using var connection = await OpenConnectionAsync(cancellationToken);
        for (int start = 0; start < voucherIds.Count; start += IdChunk)
        {
            int count = Math.Min(IdChunk, voucherIds.Count - start);
            using var command = connection.CreateCommand();
            var names = new string[count];
            for (int i = 0; i < count; i++)
            {
                names[i] = "$v" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                command.Parameters.AddWithValue(names[i], voucherIds[start + i]);
            }
            command.CommandText = $"SELECT voucher_id FROM psi_vouchers WHERE account = $account AND voucher_id IN ({string.Join(", ", names)})";
            command.Parameters.AddWithValue("$account", account);
            using var reader = command.ExecuteReader();
            while (reader.Read())
                found.Add(reader.GetString(0));
        }
        return found;
    }

    /// <inheritdoc/>
    public async Task<PsiVoucherBatchResult> AddPsiVouchersAsync(string account, IReadOnlyList<NewPsiVoucher> vouchers,
        CancellationToken cancellationToken = default)
    {
        PsiNames.Validate(account, vouchers);
        await using var connection = await OpenConnectionAsync(cancellationToken);
        // BEGIN IMMEDIATE: SQLite runs one writer at a time, which serialises every account's uploads
        // (and so each account's) in every process sharing the file.
        using var transaction = connection.BeginTransaction();
        long now = UnixMicros.Now();
        EnsurePsiAccount(connection, transaction, account, now);

        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO psi_vouchers (account, voucher_id, list_version, received_at, bytes, outcome, inner_key)
            VALUES ($account, $id, $version, $at, $bytes, $outcome, $key)
            ON CONFLICT (account, voucher_id) DO NOTHING
            """;
        foreach (string name in new[] { "$account", "$id", "$version", "$at", "$bytes", "$outcome", "$key" })
            insert.Parameters.Add(new SqliteParameter { ParameterName = name });
        insert.Prepare();
        int accepted = 0, duplicates = 0;
        long opened = 0, rejected = 0;
        foreach (var voucher in vouchers)
        {
            insert.Parameters[0].Value = account;
            insert.Parameters[1].Value = voucher.VoucherId;
            insert.Parameters[2].Value = unchecked((long)voucher.ListVersion);
            insert.Parameters[3].Value = now;
            insert.Parameters[4].Value = voucher.Bytes;
            insert.Parameters[5].Value = PsiNames.Name(voucher.Outcome);
            insert.Parameters[6].Value = (object?)voucher.InnerKey ?? DBNull.Value;
            if (insert.ExecuteNonQuery() == 0)
            {
                duplicates++;
                continue;
            }
            accepted++;
            if (voucher.Outcome == PsiVoucherOutcome.Opened)
                opened++;
            else if (voucher.Outcome == PsiVoucherOutcome.Rejected)
                rejected++;
        }

        using (var update = connection.CreateCommand())
        {
            update.Transaction = transaction;
            update.CommandText = """
                UPDATE psi_accounts SET vouchers = vouchers + $accepted, opened = opened + $opened, rejected = rejected + $rejected,
                       updated_at = $now
                WHERE account = $account
                """;
            update.Parameters.AddWithValue("$accepted", accepted);
            update.Parameters.AddWithValue("$opened", opened);
            update.Parameters.AddWithValue("$rejected", rejected);
            update.Parameters.AddWithValue("$now", now);
            update.Parameters.AddWithValue("$account", account);
            update.ExecuteNonQuery();
        }
        var state = ReadPsiAccount(connection, transaction, account)!;
        transaction.Commit();
        return new PsiVoucherBatchResult(accepted, duplicates, state);
    }

    /// <inheritdoc/>
    public async Task<PsiAccount?> GetPsiAccountAsync(string account, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        await using var connection = await OpenConnectionAsync(cancellationToken);
        return ReadPsiAccount(connection, null, account);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<OpenedPsiVoucher>> ReadOpenedPsiVouchersAsync(string account, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        await using var connection = await OpenConnectionAsync(cancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT voucher_id, list_version, bytes, inner_key FROM psi_vouchers
            WHERE account = $account AND outcome = 'opened' ORDER BY id
            """;
        command.Parameters.AddWithValue("$account", account);
        using var reader = command.ExecuteReader();
        var opened = new List<OpenedPsiVoucher>();
        while (reader.Read())
            opened.Add(new OpenedPsiVoucher(reader.GetString(0), unchecked((ulong)reader.GetInt64(1)), (byte[])reader[2], (byte[])reader[3]));
        return opened;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<string>> ListPsiAccountsAwaitingRevealAsync(int threshold, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT account FROM psi_accounts WHERE opened > $threshold AND opened > revealed_through ORDER BY account";
        command.Parameters.AddWithValue("$threshold", threshold);
        using var reader = command.ExecuteReader();
        var accounts = new List<string>();
        while (reader.Read())
            accounts.Add(reader.GetString(0));
        return accounts;
    }

    /// <inheritdoc/>
    public async Task<PsiRevealResult> RecordPsiRevealAsync(PsiReveal reveal, CancellationToken cancellationToken = default)
    {
        PsiNames.Validate(reveal);
        await using var connection = await OpenConnectionAsync(cancellationToken);
        using var transaction = connection.BeginTransaction();
        var before = ReadPsiAccount(connection, transaction, reveal.Account)
            ?? throw new StoreException($"no private-matching account '{reveal.Account}'");
        long now = UnixMicros.Now();
        int created = 0;
        if (reveal.Cases.Count > 0)
        {
            using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT INTO review_cases (source, account, voucher_id, name, pdq, thumbnail, recheck, bank, content_id, distance, created_at)
                VALUES ($source, $account, $voucher, $name, $pdq, $thumbnail, $recheck, $bank, $content, $distance, $at)
                ON CONFLICT DO NOTHING
                """;
            foreach (string name in new[] { "$source", "$account", "$voucher", "$name", "$pdq", "$thumbnail", "$recheck", "$bank", "$content", "$distance", "$at" })
                insert.Parameters.Add(new SqliteParameter { ParameterName = name });
            insert.Prepare();
            foreach (var item in reveal.Cases)
            {
                insert.Parameters[0].Value = item.Source;
                insert.Parameters[1].Value = (object?)item.Account ?? DBNull.Value;
                insert.Parameters[2].Value = (object?)item.VoucherId ?? DBNull.Value;
                insert.Parameters[3].Value = (object?)item.Name ?? DBNull.Value;
                insert.Parameters[4].Value = item.Pdq;
                insert.Parameters[5].Value = (object?)item.Thumbnail ?? DBNull.Value;
                insert.Parameters[6].Value = item.Recheck;
                insert.Parameters[7].Value = (object?)item.Bank ?? DBNull.Value;
                insert.Parameters[8].Value = (object?)item.ContentId ?? DBNull.Value;
                insert.Parameters[9].Value = (object?)item.Distance ?? DBNull.Value;
                insert.Parameters[10].Value = now;
                created += insert.ExecuteNonQuery();
            }
        }

        // A reveal that saw fewer opened vouchers than one already recorded keeps that one's status.
        bool latest = reveal.OpenedSeen >= before.RevealedThrough;
        var status = before.Status;
        string? reason = before.FlagReason;
        if (reveal.FlagReason is not null)
            (status, reason) = (PsiAccountStatus.Flagged, reveal.FlagReason);
        else if (latest && reveal.Revealed && status != PsiAccountStatus.Flagged)
            status = PsiAccountStatus.Revealed;
        using (var update = connection.CreateCommand())
        {
            update.Transaction = transaction;
            update.CommandText = """
                UPDATE psi_accounts SET status = $status, flag_reason = $reason, revealed_through = MAX(revealed_through, $seen), updated_at = $now
                WHERE account = $account
                """;
            update.Parameters.AddWithValue("$status", PsiNames.Name(status));
            update.Parameters.AddWithValue("$reason", (object?)reason ?? DBNull.Value);
            update.Parameters.AddWithValue("$seen", reveal.OpenedSeen);
            update.Parameters.AddWithValue("$now", now);
            update.Parameters.AddWithValue("$account", reveal.Account);
            update.ExecuteNonQuery();
        }
        var after = ReadPsiAccount(connection, transaction, reveal.Account)!;
        transaction.Commit();
        return new PsiRevealResult(created, after);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ReviewCase>> ListReviewCasesAsync(ReviewCaseStatus? status, long afterId, int limit,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var connection = await OpenConnectionAsync(cancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {PsiRows.ReviewCaseColumns} FROM review_cases
            WHERE id > $after AND ($status IS NULL OR status = $status) ORDER BY id LIMIT $limit
            """;
        command.Parameters.AddWithValue("$after", afterId);
        command.Parameters.AddWithValue("$status", status is { } s ? PsiNames.Name(s) : DBNull.Value);
        command.Parameters.AddWithValue("$limit", limit);
        using var reader = command.ExecuteReader();
        var cases = new List<ReviewCase>();
        while (reader.Read())
            cases.Add(ReadReviewCase(reader));
        return cases;
    }

    /// <inheritdoc/>
    public async Task<ReviewCase?> GetReviewCaseAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {PsiRows.ReviewCaseColumns} FROM review_cases WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadReviewCase(reader) : null;
    }

    /// <inheritdoc/>
    public async Task<byte[]?> GetReviewCaseThumbnailAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT thumbnail FROM review_cases WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        return command.ExecuteScalar() as byte[];
    }

    private static void EnsurePsiAccount(SqliteConnection connection, SqliteTransaction transaction, string account, long now)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO psi_accounts (account, created_at, updated_at) VALUES ($account, $now, $now)
            ON CONFLICT (account) DO NOTHING
            """;
        command.Parameters.AddWithValue("$account", account);
        command.Parameters.AddWithValue("$now", now);
        command.ExecuteNonQuery();
    }

    private static PsiAccount? ReadPsiAccount(SqliteConnection connection, SqliteTransaction? transaction, string account)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT {PsiRows.AccountColumns} FROM psi_accounts a WHERE a.account = $account";
        command.Parameters.AddWithValue("$account", account);
        using var reader = command.ExecuteReader();
        if (!reader.Read())
            return null;
        return PsiRows.ReadAccount(reader, ReadPsiTime);
    }

    private static ReviewCase ReadReviewCase(DbDataReader reader) => PsiRows.ReadReviewCase(reader, ReadPsiTime);

    private static readonly Func<DbDataReader, int, DateTimeOffset> ReadPsiTime = static (reader, ordinal) => UnixMicros.ToTime(reader.GetInt64(ordinal));
}
