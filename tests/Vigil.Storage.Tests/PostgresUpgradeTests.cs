using Npgsql;
using Vigil.Storage.Postgres;

namespace Vigil.Storage.Tests;

/// <summary>
/// A PostgreSQL store at schema 6 (before the case model) with private-matching review cases upgrades in place: step 7's
/// PostgreSQL SQL moves each row into cases, items and matches as the SQLite upgrade test checks for SQLite.
/// </summary>
public sealed class PostgresUpgradeTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private const string Pdq = "d8f8f0cee0f4a84f0e370222038f67f0b36e2ed596621e1d33e6b39c4e9c9b22";

    [Fact]
    public async Task Private_matching_review_cases_of_schema_6_move_into_the_case_model()
    {
        string connectionString = await database.CreateSchemaAsync();
        await using (var old = await PostgresVigilStore.OpenAsync(connectionString, [.. PostgresMigrations.All.Take(6)], CancellationToken.None))
        {
        }
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var insert = new NpgsqlCommand("""
                INSERT INTO review_cases (source, account, voucher_id, name, pdq, thumbnail, recheck, bank, content_id, distance, status, reviewer, decided_at, created_at)
                VALUES ('psi', 'acct', 'v1', 'photo.jpg', @pdq, '\x070707'::bytea, 'matched', 'OLD_BANK', 41, 4, 'pending', NULL, NULL, '2026-11-01T10:00:00Z'),
                       ('psi', 'acct', 'v2', 'other.jpg', @pdq, NULL, 'matched', NULL, NULL, NULL, 'pending', NULL, NULL, '2026-11-01T11:00:00Z'),
                       ('psi', 'acct2', 'v3', 'gone.jpg', @pdq, NULL, 'matched', NULL, NULL, NULL, 'dismissed', 'ada', '2026-11-02T09:00:00Z', '2026-11-01T12:00:00Z')
                """, connection);
            insert.Parameters.AddWithValue("pdq", Pdq);
            Assert.Equal(3, await insert.ExecuteNonQueryAsync());
        }

        await using var store = await PostgresVigilStore.OpenAsync(connectionString);
        var cases = await store.Cases.ListCasesAsync(null, 0, 10);
        Assert.Equal([("acct", CaseStatus.Open, 2), ("acct2", CaseStatus.Decided, 1)], cases.Select(c => (c.Subject, c.Status, c.ItemCount)));
        var open = (await store.Cases.GetCaseAsync(cases[0].Id))!;
        var first = open.Items.Single(i => i.Details.Context.FileName == "photo.jpg");
        Assert.Equal(("psi", "acct", "v1"), (first.Details.Source, first.Details.Account, first.Details.VoucherId));
        var match = Assert.Single(first.Details.Matches);
        Assert.Equal(("OLD_BANK", 41L, 4), (match.Bank, match.ContentId, match.Distance));
        Assert.Equal(Pdq, Assert.Single(first.Details.Signals).Value);
        Assert.Equal([(byte)7, 7, 7], await store.Cases.GetItemThumbnailAsync(open.Case.Id, first.Id));
        var dismissed = Assert.Single((await store.Cases.GetCaseAsync(cases[1].Id))!.Items);
        Assert.Equal(ItemVerdict.NotAbuse, dismissed.Verdict);
        // New items and cases get ids after the moved ones.
        var added = await store.Cases.AddCaseItemAsync(first.Details with { Subject = "new-subject", VoucherId = null, Account = null, Source = "api" }, DateTimeOffset.UtcNow);
        Assert.True(added.NewCase);
        Assert.True(added.CaseId > cases.Max(c => c.Id) && added.ItemId > open.Items.Max(i => i.Id));
    }
}
