using Vigil.Storage;
using Vigil.Storage.Sqlite;
using Vigil.Testing;

namespace Vigil.Cli.Tests;

/// <summary><c>vigil serve --psi DIR</c> refuses to start without a good published list; <c>vigil apikey create --role device</c>.</summary>
public class ServePsiTests
{
    [Fact]
    public void ServeRefusesToStartWhenThePublishedListIsMissingOrBroken()
    {
        using var db = new TestDb();
        using var dir = new TempDirectory("vigil-psi-");
        string missing = Path.Combine(dir.Path, "missing");
        var result = db.Run("serve", "--urls", "http://127.0.0.1:0", "--psi", missing);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"error: --psi {missing}:", result.Error);
        Assert.Contains("does not exist", result.Error);

        File.WriteAllBytes(dir.File("server.key"), [1, 2, 3]);
        var broken = db.Run("serve", "--urls", "http://127.0.0.1:0", "--psi", dir.Path);
        Assert.Equal(1, broken.ExitCode);
        Assert.Contains("not a Vigil PSI server key", broken.Error);
    }

    [Fact]
    public async Task ADeviceKeyCanBeCreated()
    {
        using var db = new TestDb();
        string key = db.Ok("apikey", "create", "--role", "device", "--name", "platform-backend").OutputLines[^1];
        await using (var store = await SqliteVigilStore.OpenAsync(db.Path))
            Assert.Equal(ApiKeyRole.Device, (await store.FindApiKeyAsync(ApiKeySecrets.Hash(key)))!.Role);
        Assert.Contains("device", db.Ok("apikey", "list").Output);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }
}
