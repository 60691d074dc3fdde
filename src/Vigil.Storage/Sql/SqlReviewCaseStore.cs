namespace Vigil.Storage.Sql;

/// <summary>Review cases on either engine (made by <see cref="SqlPrivateMatchingStore.RecordPsiRevealAsync"/>).</summary>
internal sealed class SqlReviewCaseStore(SqlDatabase db) : IReviewCaseStore
{
    /// <inheritdoc/>
    public async Task<IReadOnlyList<ReviewCase>> ListReviewCasesAsync(ReviewCaseStatus? status, long afterId, int limit,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var command = db.Command(connection, $"""
            SELECT {PsiRows.ReviewCaseColumns} FROM review_cases
            WHERE id > $1 AND (CAST($2 AS text) IS NULL OR status = $2) ORDER BY id LIMIT $3
            """)
            .With(afterId).With(status is { } s ? PsiNames.Name(s) : null).With((long)limit);
        return await command.ListAsync(reader => PsiRows.ReadReviewCase(reader, db.Dialect.ReadTime), cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<ReviewCase?> GetReviewCaseAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var command = db.Command(connection, $"SELECT {PsiRows.ReviewCaseColumns} FROM review_cases WHERE id = $1").With(id);
        return await command.FirstOrNullAsync(reader => PsiRows.ReadReviewCase(reader, db.Dialect.ReadTime), cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<byte[]?> GetReviewCaseThumbnailAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var command = db.Command(connection, "SELECT thumbnail FROM review_cases WHERE id = $1").With(id);
        return await command.ScalarAsync(cancellationToken) as byte[];
    }
}
