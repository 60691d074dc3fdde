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
        (SELECT COUNT(*) FROM case_items c WHERE c.source = 'psi' AND c.account = a.account), a.created_at, a.updated_at
        """;

    public static PsiAccount ReadAccount(DbDataReader reader, Func<DbDataReader, int, DateTimeOffset> readTime) =>
        new(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3),
            PsiNames.ParseStatus(reader.GetString(4)), StringOrNull(reader, 5), reader.GetInt64(6), reader.GetInt64(7),
            readTime(reader, 8), readTime(reader, 9));

    private static string? StringOrNull(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
