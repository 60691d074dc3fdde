using System.Text.Json;
using System.Text.RegularExpressions;
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
    [InlineData("45s", 45)]
    [InlineData("30m", 30 * 60)]
    [InlineData("12h", 12 * 3600)]
    [InlineData("90d", 90 * 86400)]
    [InlineData("36500d", 36500L * 86400)]
    public async Task ExpiresInStoresTheExpiryWithTheKeyAndListShowsIt(string lifetime, long seconds)
    {
        using var db = new TestDb();
        var before = DateTimeOffset.UtcNow;
        var result = db.Ok("apikey", "create", "--role", "matcher", "--name", "temp", "--expires-in", lifetime);
        var after = DateTimeOffset.UtcNow;
        string key = result.OutputLines[^1];
        DateTimeOffset expiry;
        await using (var store = await SqliteVigilStore.OpenAsync(db.Path))
            expiry = (await store.FindApiKeyAsync(ApiKeySecrets.Hash(key)))!.ExpiresAt!.Value;
        Assert.InRange(expiry, before.AddSeconds(seconds).AddMilliseconds(-1), after.AddSeconds(seconds));
        string shown = expiry.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + "Z";
        Assert.Contains($"expiring {shown}", result.Error);

        var text = db.Ok("apikey", "list").OutputLines;
        Assert.EndsWith("EXPIRES", text[0]);
        Assert.Matches($@"^temp\s+matcher\s+\S+ \S+Z\s+-\s+{Regex.Escape(shown)}$", text[1]);
        var json = JsonDocument.Parse(db.Ok("apikey", "list", "--format", "json").Output).RootElement[0];
        Assert.Equal(expiry, json.GetProperty("expires_at").GetDateTimeOffset());
        Assert.False(json.GetProperty("expired").GetBoolean());
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task ListMarksExpiredKeysAndKeysWithoutExpiryShowADash()
    {
        using var db = new TestDb();
        db.Ok("apikey", "create", "--role", "admin", "--name", "forever");
        await using (var store = await SqliteVigilStore.OpenAsync(db.Path))
            await store.CreateApiKeyAsync("lapsed", ApiKeyRole.Curator, ApiKeySecrets.Hash("s"), DateTimeOffset.UtcNow.AddMinutes(-5));
        var text = db.Ok("apikey", "list").OutputLines;
        Assert.Matches(@"^forever\s+admin\s+\S+ \S+Z\s+-\s+-$", text[1]);
        Assert.Matches(@"^lapsed\s+curator\s+\S+ \S+Z\s+-\s+\S+ \S+Z \(expired\)$", text[2]);
        var json = JsonDocument.Parse(db.Ok("apikey", "list", "--format", "json").Output).RootElement;
        Assert.Equal((JsonValueKind.Null, false), (json[0].GetProperty("expires_at").ValueKind, json[0].GetProperty("expired").GetBoolean()));
        Assert.True(json[1].GetProperty("expired").GetBoolean());
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Theory]
    [InlineData("0d", "must be more than zero, not '0d'")]
    [InlineData("0s", "must be more than zero, not '0s'")]
    [InlineData("000h", "must be more than zero, not '000h'")]
    [InlineData("-5d", "must be more than zero, not '-5d'")]
    [InlineData("soon", "must be a whole number followed by s, m, h or d")]
    [InlineData("90", "must be a whole number followed by s, m, h or d")]
    [InlineData("d", "must be a whole number followed by s, m, h or d")]
    [InlineData("1.5h", "must be a whole number followed by s, m, h or d")]
    [InlineData("2w", "must be a whole number followed by s, m, h or d")]
    [InlineData("90D", "must be a whole number followed by s, m, h or d")]
    [InlineData(" 90d", "must be a whole number followed by s, m, h or d")]
    [InlineData("+90d", "must be a whole number followed by s, m, h or d")]
    [InlineData("36501d", "must be at most 36500d")]
    [InlineData("99999999999999999999999s", "must be at most 36500d")]
    public void ExpiresInRejectsZeroNegativeAndGarbageWithAClearErrorAndCreatesNothing(string lifetime, string message)
    {
        using var db = new TestDb();
        // The = form, so that every value, even one with a leading '-' or space, reaches the option as it is.
        var result = db.Run("apikey", "create", "--role", "matcher", "--name", "temp", $"--expires-in={lifetime}");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"error: --expires-in {message}", result.Error);
        Assert.Equal("", result.Output);
        Assert.Contains("no API keys", db.Ok("apikey", "list").Output);
    }

    [Fact]
    public void ExpiresInWithoutAValueIsAUsageErrorAndANegativeOneAsItsOwnWordIsRefusedClearly()
    {
        using var db = new TestDb();
        Assert.Equal(2, db.Run("apikey", "create", "--role", "matcher", "--name", "temp", "--expires-in").ExitCode);
        var negative = db.Run("apikey", "create", "--role", "matcher", "--name", "temp", "--expires-in", "-5d");
        Assert.Equal(2, negative.ExitCode);
        Assert.Contains("error: --expires-in must be more than zero, not '-5d'", negative.Error);
        Assert.Contains("no API keys", db.Ok("apikey", "list").Output);
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
