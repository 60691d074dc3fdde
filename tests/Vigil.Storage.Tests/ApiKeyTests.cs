using System.Globalization;
using Npgsql;
using Vigil.Storage.Postgres;
using Vigil.Storage.Sqlite;
using Vigil.Testing;

namespace Vigil.Storage.Tests;

public abstract class ApiKeyTests(IStoreBackend backend) : StoreContractTests(backend)
{
    [Fact]
    public async Task AKeyIsFoundByItsHashUntilRevokedAndItsSecretIsNeverStored()
    {
        await using var test = await CreateStoreAsync();
        string secret = ApiKeySecrets.Generate();
        var created = await test.Store.CreateApiKeyAsync("ci-matcher", ApiKeyRole.Matcher, ApiKeySecrets.Hash(secret));
        Assert.Equal(("ci-matcher", ApiKeyRole.Matcher, true), (created.Name, created.Role, created.IsActive));

        var found = await test.Store.FindApiKeyAsync(ApiKeySecrets.Hash(secret));
        Assert.Equal(created, found);
        Assert.Null(await test.Store.FindApiKeyAsync(ApiKeySecrets.Hash(secret + "x")));
        Assert.Null(await test.Store.FindApiKeyAsync(secret));

        Assert.True(await test.Store.RevokeApiKeyAsync("ci-matcher"));
        Assert.False(await test.Store.RevokeApiKeyAsync("ci-matcher"));
        Assert.False(await test.Store.RevokeApiKeyAsync("no-such-key"));
        var revoked = await test.Store.FindApiKeyAsync(ApiKeySecrets.Hash(secret));
        Assert.NotNull(revoked);
        Assert.False(revoked.IsActive);
        Assert.True(revoked.RevokedAt >= created.CreatedAt);
    }

    [Fact]
    public async Task KeysAreListedByNameWithTheirRolesAndNamesStayTaken()
    {
        await using var test = await CreateStoreAsync();
        foreach (var (name, role) in new[] { ("zed", ApiKeyRole.Reviewer), ("alice", ApiKeyRole.Admin), ("curation", ApiKeyRole.Curator) })
            await test.Store.CreateApiKeyAsync(name, role, ApiKeySecrets.Hash(ApiKeySecrets.Generate()));
        var keys = await test.Store.ListApiKeysAsync();
        Assert.Equal(["alice", "curation", "zed"], keys.Select(k => k.Name));
        Assert.Equal([ApiKeyRole.Admin, ApiKeyRole.Curator, ApiKeyRole.Reviewer], keys.Select(k => k.Role));

        await test.Store.RevokeApiKeyAsync("zed");
        var error = await Assert.ThrowsAsync<StoreException>(() => test.Store.CreateApiKeyAsync("zed", ApiKeyRole.Matcher, ApiKeySecrets.Hash("other")));
        Assert.Contains("already exists", error.Message);
        await Assert.ThrowsAsync<ArgumentException>(() => test.Store.CreateApiKeyAsync(" padded", ApiKeyRole.Matcher, "h"));
        await Assert.ThrowsAsync<ArgumentException>(() => test.Store.CreateApiKeyAsync("", ApiKeyRole.Matcher, "h"));
        // The audit log's own actors: a key named so could pass for an operator at the CLI, or for Vigil.
        foreach (string reserved in new[] { "cli:root@host", "CLI:x", "vigil:psi", "Vigil:anything" })
            Assert.Contains("may not start with", (await Assert.ThrowsAsync<ArgumentException>(() => test.Store.CreateApiKeyAsync(reserved, ApiKeyRole.Admin, "h"))).Message);
        Assert.Equal("client:cli", (await test.Store.CreateApiKeyAsync("client:cli", ApiKeyRole.Matcher, "h9")).Name);
    }

    [Fact]
    public async Task AnExpiryIsStoredWithTheKeyToTheMicrosecondAndEndsItsValidity()
    {
        await using var test = await CreateStoreAsync();
        // 7 ticks past a whole microsecond: both stores keep whole microseconds.
        var expiry = new DateTimeOffset(2031, 5, 6, 7, 8, 9, TimeSpan.Zero).AddTicks(1_234_567);
        var expected = expiry.AddTicks(-7);
        var created = await test.Store.CreateApiKeyAsync("quarterly", ApiKeyRole.Curator, ApiKeySecrets.Hash("s1"), expiry);
        var forever = await test.Store.CreateApiKeyAsync("forever", ApiKeyRole.Matcher, ApiKeySecrets.Hash("s2"));
        Assert.Equal(expected, created.ExpiresAt);
        Assert.Null(forever.ExpiresAt);

        var found = await test.Store.FindApiKeyAsync(ApiKeySecrets.Hash("s1"));
        Assert.Equal(created, found);
        Assert.Equal(TimeSpan.Zero, found!.ExpiresAt!.Value.Offset);
        var listed = await test.Store.ListApiKeysAsync();
        Assert.Equal([("forever", (DateTimeOffset?)null), ("quarterly", expected)], listed.Select(k => (k.Name, k.ExpiresAt)));

        Assert.True(found.IsValidAt(expected.AddTicks(-10)));
        Assert.False(found.IsValidAt(expected));
        Assert.True(found.IsExpiredAt(expected.AddDays(1)));
        Assert.True(found.IsActive);
        Assert.True(forever.IsValidAt(DateTimeOffset.MaxValue));

        // Revoking an expiring key keeps its expiry.
        Assert.True(await test.Store.RevokeApiKeyAsync("quarterly"));
        var revoked = (await test.Store.FindApiKeyAsync(ApiKeySecrets.Hash("s1")))!;
        Assert.Equal((expected, false), (revoked.ExpiresAt, revoked.IsValidAt(expected.AddDays(-1))));
    }

    /// <summary>The store opened on a database at the schema before API key expiry (step 5), with keys written as Vigil wrote them then.</summary>
    protected abstract Task<string> CreatePreviousSchemaWithKeysAsync();

    /// <summary>Opens the store (migrating it) at what <see cref="CreatePreviousSchemaWithKeysAsync"/> returned.</summary>
    protected abstract Task<IVigilStore> OpenAsync(string location);

    [Fact]
    public async Task KeysMadeBeforeExpiryExistedStayValidAndNeverExpireAfterTheMigration()
    {
        string location = await CreatePreviousSchemaWithKeysAsync();
        await using var store = await OpenAsync(location);
        var old = await store.FindApiKeyAsync(ApiKeySecrets.Hash("old-secret"));
        Assert.NotNull(old);
        Assert.Equal(("old-matcher", ApiKeyRole.Matcher, (DateTimeOffset?)null), (old.Name, old.Role, old.ExpiresAt));
        Assert.True(old.IsValidAt(DateTimeOffset.UtcNow.AddYears(100)));
        var revoked = (await store.FindApiKeyAsync(ApiKeySecrets.Hash("old-revoked")))!;
        Assert.Equal((false, (DateTimeOffset?)null), (revoked.IsActive, revoked.ExpiresAt));

        // The migrated table takes expiring keys next to the old ones.
        var expiry = DateTimeOffset.UtcNow.AddDays(1);
        var added = await store.CreateApiKeyAsync("new-curator", ApiKeyRole.Curator, ApiKeySecrets.Hash("new-secret"), expiry);
        Assert.True(added.Id > old.Id);
        Assert.Equal(["new-curator", "old-matcher", "old-revoked"], (await store.ListApiKeysAsync()).Select(k => k.Name));
    }

    /// <summary>The rows Vigil wrote into api_keys before step 6 (it named the columns it had).</summary>
    protected const string PreviousSchemaKeys = """
        INSERT INTO api_keys (name, role, key_hash, created_at, revoked_at) VALUES
            ('old-matcher', 'matcher', '{0}', {2}, NULL),
            ('old-revoked', 'reviewer', '{1}', {2}, {3})
        """;

    [Fact]
    public void SecretsAreLongRandomAndPrefixedAndRolesParse()
    {
        var secrets = Enumerable.Range(0, 100).Select(_ => ApiKeySecrets.Generate()).ToList();
        Assert.Equal(100, secrets.Distinct().Count());
        Assert.All(secrets, s => Assert.Matches("^vgl_[A-Za-z0-9_-]{43}$", s));
        Assert.Equal(64, ApiKeySecrets.Hash(secrets[0]).Length);
        Assert.True(ApiKeySecrets.TryParseRole("Curator", out var role));
        Assert.Equal(ApiKeyRole.Curator, role);
        Assert.False(ApiKeySecrets.TryParseRole("root", out _));
        Assert.False(ApiKeySecrets.TryParseRole("1", out _));
    }
}

public sealed class SqliteApiKeyTests() : ApiKeyTests(SqliteBackend.Instance), IDisposable
{
    private readonly TempDirectory _directory = new();

    protected override async Task<string> CreatePreviousSchemaWithKeysAsync()
    {
        string path = _directory.File("vigil.db");
        await using var old = await SqliteVigilStore.OpenAsync(path, SqliteMigrations.All.Take(5).ToList(), CancellationToken.None);
        using var connection = await old.OpenConnectionAsync(CancellationToken.None);
        SchemaTests.Scalar(connection, string.Format(CultureInfo.InvariantCulture, PreviousSchemaKeys,
            ApiKeySecrets.Hash("old-secret"), ApiKeySecrets.Hash("old-revoked"), 1_700_000_000_000_000L, 1_700_000_100_000_000L));
        return path;
    }

    protected override async Task<IVigilStore> OpenAsync(string location) => await SqliteVigilStore.OpenAsync(location);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }
}

public sealed class PostgresApiKeyTests(PostgresDatabase database) : ApiKeyTests(database), IClassFixture<PostgresDatabase>
{
    protected override async Task<string> CreatePreviousSchemaWithKeysAsync()
    {
        string connectionString = await database.CreateSchemaAsync();
        await (await PostgresVigilStore.OpenAsync(connectionString, PostgresMigrations.All.Take(5).ToList(), CancellationToken.None)).DisposeAsync();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var insert = new NpgsqlCommand(string.Format(CultureInfo.InvariantCulture, PreviousSchemaKeys,
            ApiKeySecrets.Hash("old-secret"), ApiKeySecrets.Hash("old-revoked"), "now()", "now()"), connection);
        await insert.ExecuteNonQueryAsync();
        return connectionString;
    }

    protected override async Task<IVigilStore> OpenAsync(string location) => await PostgresVigilStore.OpenAsync(location);
}
