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
    }

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

public sealed class SqliteApiKeyTests() : ApiKeyTests(SqliteBackend.Instance);

public sealed class PostgresApiKeyTests(PostgresDatabase database) : ApiKeyTests(database), IClassFixture<PostgresDatabase>;
