using System.Data.Common;

namespace Vigil.Storage;

/// <summary>
/// Private matching's rows for either backend: the column lists and the readers agree by position.
/// Times are read by the caller's <c>readTime</c>, since the backends store them differently (as
/// <see cref="ContentAccumulator"/> does).
/// </summary>
internal static class PsiRows
{
    /// <summary>An account's columns (table alias <c>a</c>), its case count included.</summary>
    public const string AccountColumns = """
        a.account, a.vouchers, a.opened, a.rejected, a.status, a.flag_reason, a.revealed_through,
        (SELECT COUNT(*) FROM review_cases c WHERE c.source = 'psi' AND c.account = a.account), a.created_at, a.updated_at
        """;

    /// <summary>A review case's columns, without the thumbnail.</summary>
    public const string ReviewCaseColumns =
        "id, source, account, voucher_id, name, pdq, recheck, bank, content_id, distance, status, reviewer, decided_at, created_at";

    public static PsiAccount ReadAccount(DbDataReader reader, Func<DbDataReader, int, DateTimeOffset> readTime) =>
        new(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3),
            PsiNames.ParseStatus(reader.GetString(4)), StringOrNull(reader, 5), reader.GetInt64(6), reader.GetInt64(7),
            readTime(reader, 8), readTime(reader, 9));

    public static ReviewCase ReadReviewCase(DbDataReader reader, Func<DbDataReader, int, DateTimeOffset> readTime)
    {
        if (!PsiNames.TryParseCaseStatus(reader.GetString(10), out var status))
            throw new StoreException($"review case {reader.GetInt64(0)} has an unknown status '{reader.GetString(10)}'");
        return new ReviewCase
        {
            Id = reader.GetInt64(0),
            Details = new NewReviewCase
            {
                Source = reader.GetString(1),
                Account = StringOrNull(reader, 2),
                VoucherId = StringOrNull(reader, 3),
                Name = StringOrNull(reader, 4),
                Pdq = reader.GetString(5),
                Recheck = reader.GetString(6),
                Bank = StringOrNull(reader, 7),
                ContentId = reader.IsDBNull(8) ? null : reader.GetInt64(8),
                Distance = reader.IsDBNull(9) ? null : reader.GetInt32(9),
            },
            Status = status,
            Reviewer = StringOrNull(reader, 11),
            DecidedAt = reader.IsDBNull(12) ? null : readTime(reader, 12),
            CreatedAt = readTime(reader, 13),
        };
    }

    private static string? StringOrNull(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
