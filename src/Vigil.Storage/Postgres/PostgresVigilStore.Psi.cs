using System.Data.Common;
using Npgsql;
using NpgsqlTypes;

namespace Vigil.Storage.Postgres;

/// <summary>
/// Private matching: accounts, their vouchers, and review cases (schema step 5). Every write to an
/// account first locks its row (<c>SELECT ... FOR UPDATE</c>, the row made on first use), so one
/// account's uploads and reveals are recorded one at a time across processes while different
/// accounts' run in parallel.
/// </summary>
public sealed partial class PostgresVigilStore
{
    /// <inheritdoc/>
    public async Task<IReadOnlyCollection<string>> FindPsiVoucherIdsAsync(string account, IReadOnlyList<string> voucherIds,
        CancellationToken cancellationToken = default)
    {
        PsiNames.ValidateAccount(account);
        ArgumentNullException.ThrowIfNull(voucherIds);
        var ids = new string[voucherIds.Count];
        for (int i = 0; i < ids.Length; i++)
        {
            PsiNames.ValidateVoucherId(voucherIds[i]);
            ids[i] = voucherIds[i];
        }
        var found = new HashSet<string>(StringComparer.Ordinal);
        if (ids.Length == 0)
            return found;
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, "SELECT voucher_id FROM psi_vouchers WHERE account = $1 AND voucher_id = ANY($2)",
            PostgresRows.Param(account, NpgsqlDbType.Text),
            PostgresRows.Param(ids, NpgsqlDbType.Array | NpgsqlDbType.Text));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
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
        var now = PostgresRows.ToDatabase(DateTimeOffset.UtcNow);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockPsiAccountAsync(connection, account, now, cancellationToken);

        var ids = new string[distinct.Count];
        var versions = new long[distinct.Count];
        var bytes = new byte[distinct.Count][];
        var outcomes = new string[distinct.Count];
        var keys = new byte[]?[distinct.Count];
        for (int i = 0; i < distinct.Count; i++)
        {
            ids[i] = distinct[i].VoucherId;
            versions[i] = unchecked((long)distinct[i].ListVersion);
            bytes[i] = distinct[i].Bytes;
            outcomes[i] = PsiNames.Name(distinct[i].Outcome);
            keys[i] = distinct[i].InnerKey;
        }
        int accepted = 0;
        long opened = 0, rejected = 0;
        await using (var insert = Command(connection, """
            INSERT INTO psi_vouchers (account, voucher_id, list_version, received_at, bytes, outcome, inner_key)
            SELECT $1, v.id, v.version, $2, v.bytes, v.outcome, v.inner_key
            FROM unnest($3, $4, $5, $6, $7) WITH ORDINALITY AS v (id, version, bytes, outcome, inner_key, n)
            ORDER BY v.n
            ON CONFLICT (account, voucher_id) DO NOTHING
            RETURNING outcome
            """,
            PostgresRows.Param(account, NpgsqlDbType.Text),
            PostgresRows.Param(now, NpgsqlDbType.TimestampTz),
            PostgresRows.Param(ids, NpgsqlDbType.Array | NpgsqlDbType.Text),
            PostgresRows.Param(versions, NpgsqlDbType.Array | NpgsqlDbType.Bigint),
            PostgresRows.Param(bytes, NpgsqlDbType.Array | NpgsqlDbType.Bytea),
            PostgresRows.Param(outcomes, NpgsqlDbType.Array | NpgsqlDbType.Text),
            PostgresRows.Param(keys, NpgsqlDbType.Array | NpgsqlDbType.Bytea)))
        await using (var reader = await insert.ExecuteReaderAsync(cancellationToken))
        {
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
        await using (var update = Command(connection, """
            UPDATE psi_accounts SET vouchers = vouchers + $2, opened = opened + $3, rejected = rejected + $4, updated_at = $5
            WHERE account = $1
            """,
            PostgresRows.Param(account, NpgsqlDbType.Text),
            PostgresRows.Param((long)accepted, NpgsqlDbType.Bigint),
            PostgresRows.Param(opened, NpgsqlDbType.Bigint),
            PostgresRows.Param(rejected, NpgsqlDbType.Bigint),
            PostgresRows.Param(now, NpgsqlDbType.TimestampTz)))
        {
            await update.ExecuteNonQueryAsync(cancellationToken);
        }
        var state = (await ReadPsiAccountAsync(connection, account, cancellationToken))!;
        await transaction.CommitAsync(cancellationToken);
        return new PsiVoucherBatchResult(accepted, vouchers.Count - accepted, state);
    }

    /// <inheritdoc/>
    public async Task<PsiAccount?> GetPsiAccountAsync(string account, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        return await ReadPsiAccountAsync(connection, account, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<OpenedPsiVoucher>> ReadOpenedPsiVouchersAsync(string account, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, """
            SELECT voucher_id, list_version, bytes, inner_key FROM psi_vouchers
            WHERE account = $1 AND outcome = 'opened' ORDER BY id
            """,
            PostgresRows.Param(account, NpgsqlDbType.Text));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var opened = new List<OpenedPsiVoucher>();
        while (await reader.ReadAsync(cancellationToken))
        {
            opened.Add(new OpenedPsiVoucher(reader.GetString(0), unchecked((ulong)reader.GetInt64(1)),
                reader.GetFieldValue<byte[]>(2), reader.GetFieldValue<byte[]>(3)));
        }
        return opened;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<string>> ListPsiAccountsAwaitingRevealAsync(int threshold, CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection,
            "SELECT account FROM psi_accounts WHERE opened > $1 AND opened > revealed_through ORDER BY account",
            PostgresRows.Param((long)threshold, NpgsqlDbType.Bigint));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var accounts = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
            accounts.Add(reader.GetString(0));
        return accounts;
    }

    /// <inheritdoc/>
    public async Task<PsiRevealResult> RecordPsiRevealAsync(PsiReveal reveal, CancellationToken cancellationToken = default)
    {
        PsiNames.Validate(reveal);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var lockRow = Command(connection, "SELECT account FROM psi_accounts WHERE account = $1 FOR UPDATE",
            PostgresRows.Param(reveal.Account, NpgsqlDbType.Text)))
        {
            if (await lockRow.ExecuteScalarAsync(cancellationToken) is null)
                throw new StoreException($"no private-matching account '{reveal.Account}'");
        }
        var before = (await ReadPsiAccountAsync(connection, reveal.Account, cancellationToken))!;
        var now = PostgresRows.ToDatabase(DateTimeOffset.UtcNow);
        int created = 0;
        if (reveal.Cases.Count > 0)
        {
            int n = reveal.Cases.Count;
            var sources = new string[n];
            var accounts = new string?[n];
            var voucherIds = new string?[n];
            var names = new string?[n];
            var pdqs = new string[n];
            var thumbnails = new byte[]?[n];
            var rechecks = new string[n];
            var banks = new string?[n];
            var contentIds = new long?[n];
            var distances = new int?[n];
            for (int i = 0; i < n; i++)
            {
                var item = reveal.Cases[i];
                (sources[i], accounts[i], voucherIds[i], names[i], pdqs[i]) = (item.Source, item.Account, item.VoucherId, item.Name, item.Pdq);
                (thumbnails[i], rechecks[i], banks[i], contentIds[i], distances[i]) = (item.Thumbnail, item.Recheck, item.Bank, item.ContentId, item.Distance);
            }
            await using var insert = Command(connection, """
                INSERT INTO review_cases (source, account, voucher_id, name, pdq, thumbnail, recheck, bank, content_id, distance, created_at)
                SELECT c.source, c.account, c.voucher_id, c.name, c.pdq, c.thumbnail, c.recheck, c.bank, c.content_id, c.distance, $11
                FROM unnest($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) WITH ORDINALITY
                    AS c (source, account, voucher_id, name, pdq, thumbnail, recheck, bank, content_id, distance, n)
                ORDER BY c.n
                ON CONFLICT DO NOTHING
                """,
                PostgresRows.Param(sources, NpgsqlDbType.Array | NpgsqlDbType.Text),
                PostgresRows.Param(accounts, NpgsqlDbType.Array | NpgsqlDbType.Text),
                PostgresRows.Param(voucherIds, NpgsqlDbType.Array | NpgsqlDbType.Text),
                PostgresRows.Param(names, NpgsqlDbType.Array | NpgsqlDbType.Text),
                PostgresRows.Param(pdqs, NpgsqlDbType.Array | NpgsqlDbType.Text),
                PostgresRows.Param(thumbnails, NpgsqlDbType.Array | NpgsqlDbType.Bytea),
                PostgresRows.Param(rechecks, NpgsqlDbType.Array | NpgsqlDbType.Text),
                PostgresRows.Param(banks, NpgsqlDbType.Array | NpgsqlDbType.Text),
                PostgresRows.Param(contentIds, NpgsqlDbType.Array | NpgsqlDbType.Bigint),
                PostgresRows.Param(distances, NpgsqlDbType.Array | NpgsqlDbType.Integer),
                PostgresRows.Param(now, NpgsqlDbType.TimestampTz));
            created = await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        // A reveal that saw fewer opened vouchers than one already recorded keeps that one's status.
        bool latest = reveal.OpenedSeen >= before.RevealedThrough;
        var status = before.Status;
        string? reason = before.FlagReason;
        if (reveal.FlagReason is not null)
            (status, reason) = (PsiAccountStatus.Flagged, reveal.FlagReason);
        else if (latest && reveal.Revealed && status != PsiAccountStatus.Flagged)
            status = PsiAccountStatus.Revealed;
        await using (var update = Command(connection, """
            UPDATE psi_accounts SET status = $2, flag_reason = $3, revealed_through = GREATEST(revealed_through, $4), updated_at = $5
            WHERE account = $1
            """,
            PostgresRows.Param(reveal.Account, NpgsqlDbType.Text),
            PostgresRows.Param(PsiNames.Name(status), NpgsqlDbType.Text),
            PostgresRows.Param(reason, NpgsqlDbType.Text),
            PostgresRows.Param(reveal.OpenedSeen, NpgsqlDbType.Bigint),
            PostgresRows.Param(now, NpgsqlDbType.TimestampTz)))
        {
            await update.ExecuteNonQueryAsync(cancellationToken);
        }
        var after = (await ReadPsiAccountAsync(connection, reveal.Account, cancellationToken))!;
        await transaction.CommitAsync(cancellationToken);
        return new PsiRevealResult(created, after);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ReviewCase>> ListReviewCasesAsync(ReviewCaseStatus? status, long afterId, int limit,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, $"""
            SELECT {PsiRows.ReviewCaseColumns} FROM review_cases
            WHERE id > $1 AND ($2::text IS NULL OR status = $2) ORDER BY id LIMIT $3
            """,
            PostgresRows.Param(afterId, NpgsqlDbType.Bigint),
            PostgresRows.Param(status is { } s ? PsiNames.Name(s) : null, NpgsqlDbType.Text),
            PostgresRows.Param((long)limit, NpgsqlDbType.Bigint));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var cases = new List<ReviewCase>();
        while (await reader.ReadAsync(cancellationToken))
            cases.Add(ReadReviewCase(reader));
        return cases;
    }

    /// <inheritdoc/>
    public async Task<ReviewCase?> GetReviewCaseAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, $"SELECT {PsiRows.ReviewCaseColumns} FROM review_cases WHERE id = $1",
            PostgresRows.Param(id, NpgsqlDbType.Bigint));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadReviewCase(reader) : null;
    }

    /// <inheritdoc/>
    public async Task<byte[]?> GetReviewCaseThumbnailAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, "SELECT thumbnail FROM review_cases WHERE id = $1",
            PostgresRows.Param(id, NpgsqlDbType.Bigint));
        return await command.ExecuteScalarAsync(cancellationToken) as byte[];
    }

    /// <summary>Makes the account's row if it is new and locks it for the rest of the transaction (one account's writers queue here).</summary>
    private static async Task LockPsiAccountAsync(NpgsqlConnection connection, string account, DateTime now, CancellationToken cancellationToken)
    {
        await using (var create = Command(connection, """
            INSERT INTO psi_accounts (account, created_at, updated_at) VALUES ($1, $2, $2)
            ON CONFLICT (account) DO NOTHING
            """,
            PostgresRows.Param(account, NpgsqlDbType.Text),
            PostgresRows.Param(now, NpgsqlDbType.TimestampTz)))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        await using var lockRow = Command(connection, "SELECT account FROM psi_accounts WHERE account = $1 FOR UPDATE",
            PostgresRows.Param(account, NpgsqlDbType.Text));
        await lockRow.ExecuteScalarAsync(cancellationToken);
    }

    private static async Task<PsiAccount?> ReadPsiAccountAsync(NpgsqlConnection connection, string account, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, $"SELECT {PsiRows.AccountColumns} FROM psi_accounts a WHERE a.account = $1",
            PostgresRows.Param(account, NpgsqlDbType.Text));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
            return null;
        return PsiRows.ReadAccount(reader, ReadPsiTime);
    }

    private static ReviewCase ReadReviewCase(DbDataReader reader) => PsiRows.ReadReviewCase(reader, ReadPsiTime);

    private static readonly Func<DbDataReader, int, DateTimeOffset> ReadPsiTime = static (reader, ordinal) => PostgresRows.ReadTime((NpgsqlDataReader)reader, ordinal);
}
