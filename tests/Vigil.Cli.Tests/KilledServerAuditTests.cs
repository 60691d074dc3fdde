using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using Vigil.Cli.Benchmarks;
using Vigil.Storage;
using Vigil.Storage.Sqlite;
using Vigil.Testing;

namespace Vigil.Cli.Tests;

/// <summary>
/// kill -9 of <c>vigil serve</c> under concurrent writers: every write that was answered has its
/// audit entry, and the chain is intact. (Before, the entries were queued after the answer and a
/// kill lost hundreds of them.)
/// </summary>
public class KilledServerAuditTests
{
    private const int Writers = 8;

    [Fact]
    public async Task Every_answered_write_is_audited_after_kill_9()
    {
        using var dir = new TempDirectory("vigil-kill-audit-");
        string db = dir.File("vigil.db");
        Assert.Equal(0, CliRunner.Run("--db", db, "bank", "create", "TARGET").ExitCode);
        string key = CliRunner.Run("--db", db, "apikey", "create", "--role", "curator", "--name", "writer").OutputLines[^1];

        for (int round = 0; round < 2; round++)
        {
            var answered = new ConcurrentBag<string>();
            await using (var server = await ServerProcess.StartAsync(db, TimeSpan.FromSeconds(90), CancellationToken.None))
            {
                using var http = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(10) };
                http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
                using var stop = new CancellationTokenSource();
                var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
                {
                    var random = new Random(round * 100 + w);
                    for (int i = 0; !stop.IsCancellationRequested; i++)
                    {
                        string subject = $"/c/bank/TARGET/signal?probe=r{round}w{w}i{i}";
                        var hash = new byte[32];
                        random.NextBytes(hash);
                        string body = $$"""{"pdq":"{{Convert.ToHexStringLower(hash)}}"}""";
                        try
                        {
                            using var response = await http.PostAsync(subject, new StringContent(body, Encoding.UTF8, "application/json"));
                            if (response.IsSuccessStatusCode)
                                answered.Add(subject);
                        }
                        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                        {
                            return; // the server is gone
                        }
                    }
                })).ToArray();

                // Kill once a good number of writes have been answered (bounded: 20 s at most).
                var clock = System.Diagnostics.Stopwatch.StartNew();
                while (answered.Count < 150 && clock.Elapsed < TimeSpan.FromSeconds(20))
                    await Task.Delay(10);
                await server.KillAsync();
                stop.Cancel();
                await Task.WhenAll(writers);
            }
            Assert.True(answered.Count >= 20, $"only {answered.Count} writes were answered before the kill");

            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            await using var store = await SqliteVigilStore.OpenAsync(db);
            var entries = new List<AuditEntry>();
            await foreach (var entry in store.ReadAuditAsync())
                entries.Add(entry);
            Assert.Null(AuditChain.Verify(entries));
            var audited = entries.Select(e => e.Subject).ToHashSet(StringComparer.Ordinal);
            var missing = answered.Where(s => !audited.Contains(s)).ToList();
            Assert.True(missing.Count == 0, $"round {round}: {missing.Count} of {answered.Count} answered writes have no audit entry, e.g. {missing.FirstOrDefault()}");
        }
    }
}
