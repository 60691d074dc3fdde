using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Vigil.Cli.Benchmarks;
using Vigil.Testing;

namespace Vigil.Cli.Tests;

/// <summary>
/// The done-when of the service: the curl commands in HMA's API documentation (docs/api.md, listed
/// in docs/hma-api.md), run with curl itself against a real <c>vigil serve</c> process, unchanged
/// but for the address, an <c>Authorization</c> header and <c>-w</c> to see the status. The answers
/// must have HMA's shapes: the documented samples, with this store's content ids and hashes.
/// </summary>
public sealed class HmaCurlExamplesTests : IDisposable
{
    private const string DocsHash = "d811ac390bfa6005d08543fe27fd5a11f6b55bdd2603000dc26476fc79fc76b5";
    private readonly TempDirectory _dir = new("vigil-hma-curl-");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    [Fact]
    public async Task The_curl_examples_from_HMAs_API_docs_work_unchanged_with_a_key_added()
    {
        // A benign fixture plays the docs' example.png; TEST_BANK holds it as content 1.
        string example = _dir.File("example.png");
        File.Copy(Fixtures.ThreatExchange("pdq/data/reg-test-input/pen-and-coaster.png"), example);
        string db = _dir.File("vigil.db");
        Cli("--db", db, "bank", "create", "TEST_BANK");
        Cli("--db", db, "bank", "add", "TEST_BANK", example);
        string examplePdq = Cli("hash", example).OutputLines[^1].Split(' ')[0];
        string key = Cli("--db", db, "apikey", "create", "--role", "admin", "--name", "hma-client").OutputLines[^1];

        // The URL example fetches https://example.org/path/to/file.png; here a loopback file server
        // on the operator's allow-list stands in for it.
        using var files = new OneFileServer(await File.ReadAllBytesAsync(example));
        await using var server = await ServerProcess.StartAsync(db, TimeSpan.FromSeconds(90), CancellationToken.None,
            "--allow-hash-url", files.Prefix);
        string host = server.Address.ToString().TrimEnd('/');

        // When HMA has started up, it will respond 200 OK to GET /status (no key needed).
        var status = await CurlAsync(null, "-s", "-X", "GET", $"{host}/status");
        Assert.Equal((200, "I-AM-ALIVE"), (status.Code, status.Body));

        // GET /site-map: a JSON array of paths, in Flask's syntax.
        var siteMap = await CurlAsync(key, "-s", "-X", "GET", $"{host}/site-map");
        Assert.Equal(200, siteMap.Code);
        var paths = JsonSerializer.Deserialize<string[]>(siteMap.Body)!;
        Assert.Contains("/h/hash", paths);
        Assert.Contains("/m/lookup", paths);
        Assert.Contains("/c/bank/<bank_name>/content/<int:content_id>", paths);

        // curl -s -X GET http://localhost:5100/h/hash?url=https://example.org/path/to/file.png
        var byUrl = await CurlAsync(key, "-s", "-X", "GET", $"{host}/h/hash?url={files.Url}");
        Assert.Equal((200, $"{{\"pdq\":\"{examplePdq}\"}}"), (byUrl.Code, byUrl.Body));

        // curl -s -X POST --form photo='@example.png' http://localhost:5100/h/hash
        var hashed = await CurlAsync(key, "-s", "-X", "POST", "--form", "photo=@example.png", $"{host}/h/hash");
        Assert.Equal((200, $"{{\"pdq\":\"{examplePdq}\"}}"), (hashed.Code, hashed.Body));

        // curl -s -X POST --form photo='@example.png' http://localhost:5100/m/lookup?bypass_coinflip=false
        var lookup = await CurlAsync(key, "-s", "-X", "POST", "--form", "photo=@example.png", $"{host}/m/lookup?bypass_coinflip=false");
        Assert.Equal((200, "{\"pdq\":{\"TEST_BANK\":[{\"bank_content_id\":1,\"distance\":\"0\"}]}}"), (lookup.Code, lookup.Body));

        // The docs' sample hash, added as HMA's own tests add signals, then
        // curl -s -X GET "http://localhost:5100/m/lookup?signal_type=pdq&signal=d811ac39..."
        var added = await CurlAsync(key, "-s", "-X", "POST", "-H", "Content-Type: application/json", "--data", $"{{\"pdq\":\"{DocsHash}\"}}",
            $"{host}/c/bank/TEST_BANK/signal");
        Assert.Equal(200, added.Code);
        long docsId = JsonDocument.Parse(added.Body).RootElement.GetProperty("id").GetInt64();
        var clock = Stopwatch.StartNew();
        (int Code, string Body) byHash;
        do
        {
            byHash = await CurlAsync(key, "-s", "-X", "GET", $"{host}/m/lookup?signal_type=pdq&signal={DocsHash}");
            if (byHash.Body != "{}")
                break;
            await Task.Delay(50);
        }
        while (clock.Elapsed < TimeSpan.FromSeconds(5));
        Assert.Equal((200, $"{{\"TEST_BANK\":[{{\"bank_content_id\":{docsId},\"distance\":\"0\"}}]}}"), (byHash.Code, byHash.Body));

        // The same call without the key is refused, as a problem document.
        var anonymous = await CurlAsync(null, "-s", "-X", "GET", $"{host}/m/lookup?signal_type=pdq&signal={DocsHash}");
        Assert.Equal(401, anonymous.Code);
        Assert.Contains("\"status\":401", anonymous.Body);
        // Not in HMA's docs, the same calls with a video (HMA's content type 'video'), through the real
        // server process: the upload goes to ffmpeg through a private temporary file.
        File.Copy(Fixtures.ThreatExchange("tmk/sample-videos/test-padded-dimensions.mp4"), _dir.File("clip.mp4"));
        var addedVideo = await CurlAsync(key, "-s", "-X", "POST", "--form", "video=@clip.mp4", $"{host}/c/bank/TEST_BANK/content");
        Assert.Equal(200, addedVideo.Code);
        long videoId = JsonDocument.Parse(addedVideo.Body).RootElement.GetProperty("id").GetInt64();
        var videoHash = await CurlAsync(key, "-s", "-X", "POST", "--form", "video=@clip.mp4", $"{host}/h/hash?types=vpdq");
        Assert.Equal(200, videoHash.Code);
        Assert.Equal(5, Vigil.Hashing.Signals.VpdqSignal.Parse(JsonDocument.Parse(videoHash.Body).RootElement.GetProperty("vpdq").GetString()!).Count);
        clock.Restart();
        (int Code, string Body) videoLookup;
        do
        {
            videoLookup = await CurlAsync(key, "-s", "-X", "POST", "--form", "video=@clip.mp4", $"{host}/m/lookup");
            if (videoLookup.Body != "{\"vpdq\":{}}")
                break;
            await Task.Delay(50);
        }
        while (clock.Elapsed < TimeSpan.FromSeconds(10));
        Assert.Equal((200, $"{{\"vpdq\":{{\"TEST_BANK\":[{{\"bank_content_id\":{videoId},\"distance\":\"100%[100%]\"}}]}}}}"), (videoLookup.Code, videoLookup.Body));
    }

    private static CliResult Cli(params string[] args)
    {
        var result = CliRunner.Run(args);
        Assert.True(result.ExitCode == 0, $"vigil {string.Join(' ', args)} exited {result.ExitCode}: {result.Error}");
        return result;
    }

    /// <summary>Runs curl in the test directory with the key as a bearer header, and returns the status and body.</summary>
    private async Task<(int Code, string Body)> CurlAsync(string? key, params string[] args)
    {
        var start = new ProcessStartInfo("curl") { WorkingDirectory = _dir.Path, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in args)
            start.ArgumentList.Add(arg);
        if (key is not null)
        {
            start.ArgumentList.Add("-H");
            start.ArgumentList.Add($"Authorization: Bearer {key}");
        }
        start.ArgumentList.Add("-w");
        start.ArgumentList.Add("\n%{http_code}");
        start.ArgumentList.Add("--max-time");
        start.ArgumentList.Add("30");
        using var process = Process.Start(start)!;
        string output = await process.StandardOutput.ReadToEndAsync();
        string error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"curl {string.Join(' ', args)} failed ({process.ExitCode}): {error}");
        int newline = output.LastIndexOf('\n');
        return (int.Parse(output[(newline + 1)..]), output[..newline]);
    }

    /// <summary>Serves one file at /path/to/file.png on a loopback port, to stand in for the docs' URL.</summary>
    private sealed class OneFileServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();

        public OneFileServer(byte[] file)
        {
            _listener.Start();
            _ = Task.Run(() => ServeAsync(file));
        }

        private int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public string Prefix => $"http://127.0.0.1:{Port}/path/";

        public string Url => $"http://127.0.0.1:{Port}/path/to/file.png";

        private async Task ServeAsync(byte[] file)
        {
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    var stream = client.GetStream();
                    var request = new byte[8192];
                    int read = 0;
                    while (read < request.Length && !Encoding.ASCII.GetString(request, 0, read).Contains("\r\n\r\n", StringComparison.Ordinal))
                    {
                        int n = await stream.ReadAsync(request.AsMemory(read), _stop.Token);
                        if (n == 0)
                            break;
                        read += n;
                    }
                    var header = Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: {file.Length}\r\nConnection: close\r\n\r\n");
                    await stream.WriteAsync(header, _stop.Token);
                    await stream.WriteAsync(file, _stop.Token);
                }
                catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
                {
                    // Stopped, or a client gave up.
                }
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
        }
    }
}
