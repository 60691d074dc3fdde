using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Npgsql;
using Vigil.Storage.Tests;
using Xunit.Abstractions;

namespace Vigil.Cli.Tests;

/// <summary>
/// Scale-out on PostgreSQL with real processes: several <c>vigil serve --postgres</c> replicas on one
/// throwaway database are equivalent. A bank change made through one is matched (or no longer
/// matched) by another within 5 s, by following the change log; a replica that starts on a large
/// database loads the index snapshot stored in the database and the changes since, answering 503
/// on <c>/status</c> until then; the CLI works on the same database with <c>--postgres</c>, and the
/// audit log both replicas write verifies, and names the entry a superuser tampered with.
/// </summary>
public sealed class ReplicaTests(ITestOutputHelper log) : IAsyncLifetime
{
    private static readonly TimeSpan Propagation = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private PostgresServer? _server;
    private string? _database;
    private string _connection = "";

    public async Task InitializeAsync()
    {
        _server = await PostgresServer.GetAsync();
        _database = await _server.CreateDatabaseAsync();
        _connection = _server.ConnectionString(_database);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null && _database is not null)
            await _server.DropDatabaseAsync(_database);
    }

    [Fact]
    public async Task AChangeThroughOneReplicaIsMatchedByTheOtherWithinFiveSecondsAndTheAuditLogVerifies()
    {
        const string bank = "REPLICATED";
        var random = new Random(4);
        Vigil("bank", "create", bank);
        string key = CreateKey("replica-test");

        await using var a = Replica.Start("A", _connection, key);
        await using var b = Replica.Start("B", _connection, key);
        log.WriteLine($"A /status before ready: {string.Join(", ", await a.WaitUntilReadyAsync(StartTimeout))}");
        log.WriteLine($"B /status before ready: {string.Join(", ", await b.WaitUntilReadyAsync(StartTimeout))}");

        // Additions, alternately through A and B, each matched by the other replica.
        var times = new List<double>();
        var present = new List<(string Hex, long Id)>();
        for (int i = 0; i < 6; i++)
        {
            var (through, other) = i % 2 == 0 ? (a, b) : (b, a);
            string hex = Hex256.Random(random);
            var added = await through.SendAsync(HttpMethod.Post, $"c/bank/{bank}/signal", new { pdq = hex });
            long id = added.GetProperty("id").GetInt64();
            var took = await WithinAsync(Propagation, () => other.MatchesAsync(bank, hex, id), $"{other.Name} matches the hash added through {through.Name}", a, b);
            times.Add(took.TotalMilliseconds);
            present.Add((hex, id));
        }
        times.Sort();
        log.WriteLine($"addition propagation over {times.Count}: min {times[0]:F0} ms, median {times[times.Count / 2]:F0} ms, max {times[^1]:F0} ms");

        // A removal through B is gone on A.
        var (removedHex, removedId) = present[0];
        Assert.True(await a.MatchesAsync(bank, removedHex, removedId));
        await b.SendAsync(HttpMethod.Delete, $"c/bank/{bank}/content/{removedId}");
        var removal = await WithinAsync(Propagation, async () => !await a.MatchesAsync(bank, removedHex, removedId), "A stops matching the content deleted through B", a, b);
        log.WriteLine($"removal propagation B -> A: {removal.TotalMilliseconds:F0} ms");

        // Disabling the bank through A stops matches on B; enabling it through B brings them back on A.
        var (hex2, id2) = present[1];
        await a.SendAsync(HttpMethod.Put, $"c/bank/{bank}", new { enabled = false });
        var disable = await WithinAsync(Propagation, async () => !await b.MatchesAsync(bank, hex2, id2), "B stops matching in the bank disabled through A", a, b);
        await b.SendAsync(HttpMethod.Put, $"c/bank/{bank}", new { enabled = true });
        var enable = await WithinAsync(Propagation, () => a.MatchesAsync(bank, hex2, id2), "A matches again in the bank enabled through B", a, b);
        log.WriteLine($"bank disable A -> B: {disable.TotalMilliseconds:F0} ms; enable B -> A: {enable.TotalMilliseconds:F0} ms");

        // Both replicas wrote to one audit chain, which verifies.
        await WithinAsync(TimeSpan.FromSeconds(10), async () => await CountAuditEntriesAsync() >= 10, "the replicas' audit entries are written", a, b);
        var verify = CliRunner.RunProcess("--postgres", _connection, "audit", "verify");
        Assert.True(verify.ExitCode == 0, $"audit verify exited {verify.ExitCode}: {verify.Output}{verify.Error}");
        Assert.StartsWith("audit log intact: ", verify.Output);
        log.WriteLine(verify.Output.Trim());
        var list = Vigil("audit", "list", "--format", "json");
        using (var entries = JsonDocument.Parse(list.Output))
            Assert.Contains(entries.RootElement.EnumerateArray(), e => e.GetProperty("action").GetString()!.Contains("DELETE", StringComparison.Ordinal));

        // A superuser changes entry 3 behind the triggers' back: verify names it and fails.
        await using (var connection = new NpgsqlConnection(_connection))
        {
            await connection.OpenAsync();
            await using var tamper = new NpgsqlCommand("""
                SET session_replication_role = replica;
                UPDATE audit_log SET subject = 'nothing to see here' WHERE seq = 3;
                SET session_replication_role = origin;
                """, connection);
            await tamper.ExecuteNonQueryAsync();
        }
        var broken = CliRunner.RunProcess("--postgres", _connection, "audit", "verify");
        Assert.Equal(1, broken.ExitCode);
        Assert.StartsWith("audit log broken at entry 3: ", broken.Output);
        log.WriteLine(broken.Output.Trim());
    }

    [Fact]
    public async Task AReplicaStartedOnALargeDatabaseLoadsTheStoredSnapshotAndTheChangesSinceThenFollows()
    {
        const string bank = "LARGE";
        const int large = 110_000;
        const int later = 1_000;
        var random = new Random(5);
        Vigil("bank", "create", bank);
        string key = CreateKey("snapshot-test");
        using var files = new Testing.TempDirectory("vigil-replica-");

        // A replica follows a large import as it happens and, having applied that many changes,
        // stores a snapshot in the database.
        await using var a = Replica.Start("A", _connection, key);
        await a.WaitUntilReadyAsync(StartTimeout);
        string[] hashes = Enumerable.Range(0, large + later).Select(_ => Hex256.Random(random)).ToArray();
        string first = files.File("large.te"), second = files.File("later.te");
        await File.WriteAllLinesAsync(first, hashes[..large]);
        await File.WriteAllLinesAsync(second, hashes[large..]);
        var clock = Stopwatch.StartNew();
        Vigil("bank", "import", bank, first);
        log.WriteLine($"imported {large:N0} hashes into PostgreSQL in {clock.Elapsed.TotalSeconds:F1} s");
        await WithinAsync(TimeSpan.FromSeconds(60), async () => (await a.IndexStatusAsync()).Size == large, $"A follows the import to {large:N0} hashes", a);
        long snapshotSeq = 0;
        await WithinAsync(TimeSpan.FromSeconds(60), async () => (snapshotSeq = await SnapshotSeqAsync() ?? 0) > 0, "a snapshot is stored in the database", a);
        await WithinAsync(TimeSpan.FromSeconds(10), () => Task.FromResult(a.Lines.Any(l => l.Contains("saved the index snapshot to postgresql://", StringComparison.Ordinal))),
            "A logs the snapshot it stored", a);
        log.WriteLine($"snapshot stored at change {snapshotSeq} ({clock.Elapsed.TotalSeconds:F1} s after the import began)");

        // Changes after the snapshot, then a new replica.
        Vigil("bank", "import", bank, second);
        long latest = await LatestChangeAsync();
        Assert.True(latest > snapshotSeq);
        await using var c = Replica.Start("C", _connection, key);
        var statuses = await c.WaitUntilReadyAsync(StartTimeout);
        log.WriteLine($"C /status before ready: {string.Join(", ", statuses)}");
        // Ready means loaded: the first 200 already has every hash, up to the latest change.
        var status = await c.IndexStatusAsync();
        Assert.Equal(large + later, status.Size);
        Assert.Equal(latest, status.BuiltTo);
        await WithinAsync(TimeSpan.FromSeconds(10), () => Task.FromResult(c.Lines.Any(l => l.Contains("bank index ready", StringComparison.Ordinal))), "C logs that it is ready", c);
        string loaded = Assert.Single(c.Lines, l => l.Contains("loaded the index snapshot from postgresql://", StringComparison.Ordinal));
        Assert.Contains($"snapshot of change {snapshotSeq.ToString(CultureInfo.InvariantCulture)} ", loaded);
        Assert.DoesNotContain(c.Lines, l => l.Contains("built the index from the store", StringComparison.Ordinal));
        log.WriteLine(loaded);
        Assert.True(await c.MatchesAsync(bank, hashes[17], null));
        Assert.True(await c.MatchesAsync(bank, hashes[^1], null));

        // And it follows: a change through A after C started is matched by C.
        string fresh = Hex256.Random(random);
        long id = (await a.SendAsync(HttpMethod.Post, $"c/bank/{bank}/signal", new { pdq = fresh })).GetProperty("id").GetInt64();
        var took = await WithinAsync(Propagation, () => c.MatchesAsync(bank, fresh, id), "C matches a hash added through A after it started", a, c);
        log.WriteLine($"propagation A -> C: {took.TotalMilliseconds:F0} ms");

        // A damaged snapshot is not trusted: the next replica says so, builds from the rows and stores a good one.
        await ScalarAsync("DELETE FROM index_snapshot_chunks WHERE n = 0");
        await using var d = Replica.Start("D", _connection, key);
        await d.WaitUntilReadyAsync(StartTimeout);
        Assert.Equal(large + later + 1, (await d.IndexStatusAsync()).Size);
        // (Log lines reach the test through a pipe, perhaps just after /status turned 200.)
        await WithinAsync(TimeSpan.FromSeconds(10), () => Task.FromResult(d.Lines.Any(l => l.Contains("ignoring the index snapshot postgresql://", StringComparison.Ordinal))),
            "D warns about the damaged snapshot", d);
        Assert.Contains(d.Lines, l => l.Contains("built the index from the store", StringComparison.Ordinal));
        Assert.Equal(await LatestChangeAsync(), await SnapshotSeqAsync());
        Assert.True(await d.MatchesAsync(bank, fresh, id));
    }

    /// <summary>Runs vigil in-process on the database and asserts success.</summary>
    private CliResult Vigil(params string[] args)
    {
        var result = CliRunner.Run(["--postgres", _connection, .. args]);
        Assert.True(result.ExitCode == 0, $"vigil {string.Join(' ', args)} exited {result.ExitCode}\nstdout: {result.Output}\nstderr: {result.Error}");
        return result;
    }

    /// <summary>An admin key, made with the CLI (the key is the last line of its output).</summary>
    private string CreateKey(string name) => Vigil("apikey", "create", "--role", "admin", "--name", name).OutputLines[^1];

    private async Task<long> CountAuditEntriesAsync() => (long)(await ScalarAsync("SELECT COUNT(*) FROM audit_log"))!;

    private async Task<long?> SnapshotSeqAsync() => await ScalarAsync("SELECT MAX(seq) FROM index_snapshots") as long?;

    private async Task<long> LatestChangeAsync() => (long)(await ScalarAsync("SELECT COALESCE(MAX(seq), 0) FROM changes"))!;

    private async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_connection);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    /// <summary>
    /// Polls <paramref name="condition"/> until it holds and returns how long that took, asserting it
    /// was within <paramref name="limit"/>; polls a little past the limit so a failure says by how much.
    /// </summary>
    private async Task<TimeSpan> WithinAsync(TimeSpan limit, Func<Task<bool>> condition, string what, params Replica[] replicas)
    {
        var clock = Stopwatch.StartNew();
        var deadline = limit + TimeSpan.FromSeconds(10);
        while (true)
        {
            if (await condition())
                break;
            if (clock.Elapsed > deadline)
            {
                foreach (var replica in replicas)
                    log.WriteLine($"--- {replica.Name}'s last output:\n{string.Join('\n', replica.Lines.TakeLast(30))}");
                Assert.Fail($"{what}: not within {deadline.TotalSeconds:F0} s");
            }
            await Task.Delay(20);
        }
        var took = clock.Elapsed;
        Assert.True(took <= limit, $"{what}: took {took.TotalSeconds:F1} s, more than {limit.TotalSeconds:F0} s");
        return took;
    }

    /// <summary>A real <c>vigil serve --postgres</c> process on a free loopback port, killed on dispose.</summary>
    private sealed class Replica : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly ConcurrentQueue<string> _lines = new();
        private readonly HttpClient _http;

        private Replica(string name, Process process, int port, string key)
        {
            Name = name;
            _process = process;
            _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) };
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            _process.OutputDataReceived += (_, e) => Remember(e.Data);
            _process.ErrorDataReceived += (_, e) => Remember(e.Data);
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public string Name { get; }

        /// <summary>Everything the process has written so far (its JSON log lines and messages).</summary>
        public IReadOnlyCollection<string> Lines => _lines.ToArray();

        public static Replica Start(string name, string connection, string key)
        {
            int port = FreePort();
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (string arg in new[] { "exec", Path.Combine(AppContext.BaseDirectory, "vigil.dll"), "serve", "--postgres", connection, "--urls", $"http://127.0.0.1:{port}" })
                start.ArgumentList.Add(arg);
            var process = Process.Start(start) ?? throw new InvalidOperationException("could not start vigil serve");
            return new Replica(name, process, port, key);
        }

        /// <summary>Polls <c>/status</c> until it answers 200 and returns the distinct answers before that (503 while the index loads).</summary>
        public async Task<List<string>> WaitUntilReadyAsync(TimeSpan timeout)
        {
            var seen = new List<string>();
            var clock = Stopwatch.StartNew();
            while (true)
            {
                if (_process.HasExited)
                    throw new InvalidOperationException($"replica {Name} exited with code {_process.ExitCode}:\n{string.Join('\n', Lines)}");
                if (clock.Elapsed > timeout)
                    throw new TimeoutException($"replica {Name} was not ready within {timeout.TotalSeconds:F0} s:\n{string.Join('\n', Lines.TakeLast(30))}");
                string answer;
                try
                {
                    using var response = await _http.GetAsync("status");
                    string body = await response.Content.ReadAsStringAsync();
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        Assert.Equal("I-AM-ALIVE", body);
                        return seen;
                    }
                    answer = $"{(int)response.StatusCode} {body}";
                }
                catch (HttpRequestException)
                {
                    answer = "not listening";
                }
                if (seen.Count == 0 || seen[^1] != answer)
                    seen.Add(answer);
                await Task.Delay(10);
            }
        }

        /// <summary>Sends a curation request and returns its JSON answer (asserting success).</summary>
        public async Task<JsonElement> SendAsync(HttpMethod method, string path, object? body = null)
        {
            using var request = new HttpRequestMessage(method, path);
            if (body is not null)
                request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
            using var response = await _http.SendAsync(request);
            string text = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"{Name}: {method} {path} answered {(int)response.StatusCode}: {text}");
            return JsonDocument.Parse(text).RootElement.Clone();
        }

        /// <summary>Whether <c>GET /m/lookup</c> finds <paramref name="hex"/> in <paramref name="bank"/> (as content <paramref name="contentId"/>, when given).</summary>
        public async Task<bool> MatchesAsync(string bank, string hex, long? contentId)
        {
            var answer = await SendAsync(HttpMethod.Get, $"m/lookup?signal_type=pdq&signal={hex}");
            if (!answer.TryGetProperty(bank, out var matches))
                return false;
            return matches.EnumerateArray().Any(m => contentId is null || m.GetProperty("bank_content_id").GetInt64() == contentId);
        }

        /// <summary>The PDQ index's size and the change it is built to, from <c>GET /m/index/status</c>.</summary>
        public async Task<(long Size, long BuiltTo)> IndexStatusAsync()
        {
            var pdq = (await SendAsync(HttpMethod.Get, "m/index/status?signal_type=pdq")).GetProperty("pdq");
            return (pdq.GetProperty("size").GetInt64(), pdq.GetProperty("built_to").GetInt64());
        }

        public async ValueTask DisposeAsync()
        {
            _http.Dispose();
            try
            {
                if (!_process.HasExited)
                    _process.Kill(entireProcessTree: true);
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                await _process.WaitForExitAsync(wait.Token);
            }
            catch (Exception e) when (e is InvalidOperationException or OperationCanceledException or System.ComponentModel.Win32Exception)
            {
                // Already gone, or it would not die in time: nothing more a test can do.
            }
            _process.Dispose();
        }

        private void Remember(string? line)
        {
            if (line is null)
                return;
            _lines.Enqueue(line);
            while (_lines.Count > 5_000)
                _lines.TryDequeue(out _);
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}
