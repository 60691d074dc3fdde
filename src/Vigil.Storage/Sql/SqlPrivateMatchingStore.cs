using System.Data.Common;

namespace Vigil.Storage.Sql;

/// <summary>
/// Private matching on either engine: accounts, their vouchers, and the reveals recorded over them
/// (schema step 5). Every write to an account first holds its row (made on first use; on PostgreSQL
/// locked <c>FOR UPDATE</c>, on SQLite covered by the single writer), so one account's uploads and
/// reveals are recorded one at a time across processes while, on PostgreSQL, different accounts'
/// run in parallel.
/// </summary>
internal sealed class SqlPrivateMatchingStore(SqlDatabase db, SqlCaseStore cases) : IPrivateMatchingStore
{
    private const int VoucherColumns = 7;

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
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var command = db.Command(connection,
            $"SELECT voucher_id FROM psi_vouchers WHERE account = $1 AND {db.Dialect.InList("voucher_id", "$2")}")
            .With(account).WithList(voucherIds);
        await using var reader = await command.ReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            found.Add(reader.GetString(0));
        return found;
    }

    /// <inheritdoc/>
    public async Task<PsiVoucherBatchResult> AddPsiVouchersAsync(string account, IReadOnlyList<NewPsiVoucher> vouchers,
        CancellationToken cancellationToken = default)
    {
        PsiNames.Validate(account, vouchers);
        // Duplicates within the upload are dropped here: one INSERT must not name a key twice.
        var distinct = new List<NewPsiVoucher>(vouchers.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var voucher in vouchers)
        {
            if (seen.Add(voucher.VoucherId))
                distinct.Add(voucher);
        }
        var now = DateTimeOffset.UtcNow;
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await db.Dialect.BeginWriteAsync(connection, cancellationToken);
        await HoldAccountAsync(connection, transaction, account, now, cancellationToken);

        int accepted = 0;
        long opened = 0, rejected = 0;
        int rowsPerInsert = MultiRowValues.RowsPerStatement(VoucherColumns);
        for (int start = 0; start < distinct.Count; start += rowsPerInsert)
        {
            int count = Math.Min(rowsPerInsert, distinct.Count - start);
            await using var insert = db.Command(connection, $"""
                INSERT INTO psi_vouchers (account, voucher_id, list_version, received_at, bytes, outcome, inner_key)
                VALUES {MultiRowValues.Of(count, VoucherColumns)}
                ON CONFLICT (account, voucher_id) DO NOTHING
                RETURNING outcome
                """, transaction);
            for (int i = start; i < start + count; i++)
            {
                var voucher = distinct[i];
                insert.With(account).With(voucher.VoucherId).With(unchecked((long)voucher.ListVersion)).WithTime(now).With(voucher.Bytes)
                    .With(PsiNames.Name(voucher.Outcome)).With(voucher.InnerKey);
            }
            await using var reader = await insert.ReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                accepted++;
                string outcome = reader.GetString(0);
                if (outcome == "opened")
                    opened++;
                else if (outcome == "rejected")
                    rejected++;
            }
        }
        await using (var update = db.Command(connection, """
            UPDATE psi_accounts SET vouchers = vouchers + $2, opened = opened + $3, rejected = rejected + $4, updated_at = $5
            WHERE account = $1
            """, transaction)
            .With(account).With((long)accepted).With(opened).With(rejected).WithTime(now))
        {
            await update.ExecuteAsync(cancellationToken);
        }
        var state = (await ReadAccountAsync(connection, transaction, account, cancellationToken))!;
        await transaction.CommitAsync(cancellationToken);
        return new PsiVoucherBatchResult(accepted, vouchers.Count - accepted, state);
    }

    /// <inheritdoc/>
    public async Task<PsiAccount?> GetPsiAccountAsync(string account, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await ReadAccountAsync(connection, null, account, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<OpenedPsiVoucher>> ReadOpenedPsiVouchersAsync(string account, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var command = db.Command(connection, """
            SELECT voucher_id, list_version, bytes, inner_key FROM psi_vouchers
            WHERE account = $1 AND outcome = 'opened' ORDER BY id
            """)
            .With(account);
        return await command.ListAsync(static reader => new OpenedPsiVoucher(reader.GetString(0), unchecked((ulong)reader.GetInt64(1)),
            reader.GetFieldValue<byte[]>(2), reader.GetFieldValue<byte[]>(3)), cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<string>> ListPsiAccountsAwaitingRevealAsync(int threshold, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var command = db.Command(connection,
            $"SELECT account FROM psi_accounts WHERE opened > $1 AND opened > revealed_through ORDER BY account{db.Dialect.BinaryCollation}")
            .With((long)threshold);
        return await command.ListAsync(static reader => reader.GetString(0), cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<PsiRevealResult> RecordPsiRevealAsync(PsiReveal reveal, CancellationToken cancellationToken = default)
    {
        PsiNames.Validate(reveal);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await db.Dialect.BeginWriteAsync(connection, cancellationToken);
        await using (var lockRow = db.Command(connection, $"SELECT account FROM psi_accounts WHERE account = $1{db.Dialect.ForUpdate()}", transaction)
            .With(reveal.Account))
        {
            if (await lockRow.ScalarAsync(cancellationToken) is null)
                throw new StoreException($"no private-matching account '{reveal.Account}'");
        }
        var before = (await ReadAccountAsync(connection, transaction, reveal.Account, cancellationToken))!;
        var now = DateTimeOffset.UtcNow;
        int created = 0;
        foreach (var item in reveal.Cases)
        {
            if ((await cases.AddItemAsync(connection, transaction, item, now, cancellationToken)).NewItem)
                created++;
        }

        // A reveal that saw fewer opened vouchers than one already recorded keeps that one's status.
        bool latest = reveal.OpenedSeen >= before.RevealedThrough;
        var status = before.Status;
        string? reason = before.FlagReason;
        if (reveal.FlagReason is not null)
            (status, reason) = (PsiAccountStatus.Flagged, reveal.FlagReason);
        else if (latest && reveal.Revealed && status != PsiAccountStatus.Flagged)
            status = PsiAccountStatus.Revealed;
        await using (var update = db.Command(connection, $"""
            UPDATE psi_accounts SET status = $2, flag_reason = $3, revealed_through = {db.Dialect.Greatest("revealed_through", "$4")}, updated_at = $5
            WHERE account = $1
            """, transaction)
            .With(reveal.Account).With(PsiNames.Name(status)).With(reason).With(reveal.OpenedSeen).WithTime(now))
        {
            await update.ExecuteAsync(cancellationToken);
        }
        var after = (await ReadAccountAsync(connection, transaction, reveal.Account, cancellationToken))!;
        await transaction.CommitAsync(cancellationToken);
        return new PsiRevealResult(created, after);
    }

    /// <summary>Makes the account's row if it is new and holds it for the rest of the transaction (one account's writers queue here).</summary>
    private async Task HoldAccountAsync(DbConnection connection, DbTransaction transaction, string account, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        await using (var create = db.Command(connection, """
            INSERT INTO psi_accounts (account, created_at, updated_at) VALUES ($1, $2, $3)
            ON CONFLICT (account) DO NOTHING
            """, transaction)
            .With(account).WithTime(now).WithTime(now))
        {
            await create.ExecuteAsync(cancellationToken);
        }
        await using var lockRow = db.Command(connection, $"SELECT account FROM psi_accounts WHERE account = $1{db.Dialect.ForUpdate()}", transaction)
            .With(account);
        await lockRow.ScalarAsync(cancellationToken);
    }

    private async Task<PsiAccount?> ReadAccountAsync(DbConnection connection, DbTransaction? transaction, string account,
        CancellationToken cancellationToken)
    {
        await using var command = db.Command(connection, $"SELECT {PsiRows.AccountColumns} FROM psi_accounts a WHERE a.account = $1", transaction)
            .With(account);
        return await command.FirstOrNullAsync(reader => PsiRows.ReadAccount(reader, db.Dialect.ReadTime), cancellationToken);
    }
}
