using System.Text.Json;
using Vigil.Storage;
using Vigil.Storage.Sqlite;

namespace Vigil.Cli.Tests;

/// <summary><c>vigil apikey</c>: the key is printed once on its own last line and only its hash is stored.</summary>
public class ApiKeyCommandTests
{
    [Fact]
    public async Task CreatePrintsTheKeyAloneOnTheLastLineAndStoresOnlyItsHash()
    {
        using var db = new TestDb();
        var result = db.Ok("apikey", "create", "--role", "curator", "--name", "bank-sync");
        string key = result.OutputLines[^1];
        Assert.Matches("^vgl_[A-Za-z0-9_-]{43}$", key);
        Assert.Contains("cannot be shown again", result.Error);

        await using (var store = await SqliteVigilStore.OpenAsync(db.Path))
        {
            var stored = await store.FindApiKeyAsync(ApiKeySecrets.Hash(key));
            Assert.NotNull(stored);
            Assert.Equal(("bank-sync", ApiKeyRole.Curator), (stored.Name, stored.Role));
        }
        Assert.DoesNotContain(key, System.Text.Encoding.Latin1.GetString(File.ReadAllBytes(db.Path)));

        var list = JsonDocument.Parse(db.Ok("apikey", "list", "--format", "json").Output).RootElement;
        Assert.Equal("bank-sync", list[0].GetProperty("name").GetString());
        Assert.Equal("curator", list[0].GetProperty("role").GetString());
        Assert.Equal(JsonValueKind.Null, list[0].GetProperty("revoked_at").ValueKind);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Fact]
    public void RevokeStopsAKeyAndNamesStayTaken()
    {
        using var db = new TestDb();
        db.Ok("apikey", "create", "--role", "matcher", "--name", "scanner");
        Assert.Contains("revoked API key 'scanner'", db.Ok("apikey", "revoke", "scanner").Output);
        var again = db.Run("apikey", "revoke", "scanner");
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("no active API key named 'scanner'", again.Error);
        var duplicate = db.Run("apikey", "create", "--role", "matcher", "--name", "scanner");
        Assert.Equal(1, duplicate.ExitCode);
        Assert.Contains("already exists", duplicate.Error);
        Assert.Matches(@"scanner\s+matcher\s+\S+ \S+Z\s+\S+ \S+Z", db.Ok("apikey", "list").Output);
    }

    [Theory]
    [InlineData("--role", "root", "--name", "x")]
    [InlineData("--name", "x")]
    [InlineData("--role", "admin")]
    public void BadArgumentsAreUsageErrors(params string[] args)
    {
        using var db = new TestDb();
        Assert.Equal(2, db.Run(["apikey", "create", .. args]).ExitCode);
    }
}
