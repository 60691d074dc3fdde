using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Vigil.Cli.Hashing;

namespace Vigil.Cli.Benchmarks;

/// <summary>
/// A real <c>vigil serve</c> in its own process on a free loopback port, so load tools measure the
/// server alone: its CPU time and resident memory come from /proc, apart from the client's.
/// Disposing stops it with SIGTERM (graceful: the audit queue drains) and kills it if it lingers.
/// </summary>
internal sealed partial class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Queue<string> _lastLines = new();

    private ServerProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
        _process.ErrorDataReceived += (_, e) => Remember(e.Data);
        _process.OutputDataReceived += (_, e) => Remember(e.Data);
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
    }

    /// <summary>Where the server listens (http://127.0.0.1:PORT/).</summary>
    public Uri Address { get; }

    /// <summary>Starts the server over a SQLite store (with any further <c>serve</c> options) and waits until <c>/status</c> answers 200.</summary>
    public static async Task<ServerProcess> StartAsync(string databasePath, TimeSpan readyTimeout, CancellationToken ct, params string[] serveOptions)
    {
        // A caller that gives --urls (http://127.0.0.1:PORT) keeps its port across restarts; else a free one.
        int given = Array.IndexOf(serveOptions, "--urls");
        int port = given >= 0 && given + 1 < serveOptions.Length ? new Uri(serveOptions[given + 1]).Port : FreePort();
        var start = StartInfo();
        string[] urls = given >= 0 ? [] : ["--urls", $"http://127.0.0.1:{port}"];
        foreach (string arg in (string[])["--db", databasePath, "serve", .. urls, .. serveOptions])
            start.ArgumentList.Add(arg);
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start vigil serve");
        var server = new ServerProcess(process, new Uri($"http://127.0.0.1:{port}/"));
        try
        {
            using var http = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(5) };
            var clock = Stopwatch.StartNew();
            while (true)
            {
                if (process.HasExited)
                    throw new InvalidOperationException($"vigil serve exited with code {process.ExitCode}: {server.LastOutput()}");
                if (clock.Elapsed > readyTimeout)
                    throw new TimeoutException($"vigil serve was not ready within {readyTimeout.TotalSeconds:F0} s: {server.LastOutput()}");
                try
                {
                    using var response = await http.GetAsync("status", ct);
                    if (response.StatusCode == HttpStatusCode.OK)
                        return server;
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }
                await Task.Delay(50, ct);
            }
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>CPU time the server has used (user + system), from /proc/PID/stat.</summary>
    public TimeSpan CpuTime()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    /// <summary>The server's resident memory (VmRSS) in bytes, or 0 once it has exited.</summary>
    public long ResidentBytes() => ProcessMemory.ResidentBytes(_process.Id) ?? 0;

    /// <summary>Kills the server at once (SIGKILL): no shutdown, no draining, as a crash or an OOM kill would.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited)
            return;
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    /// <summary>Whether the server is still running.</summary>
    public bool IsRunning => !_process.HasExited;

    /// <summary>The server's last lines of output (for error messages).</summary>
    public string LastOutput()
    {
        lock (_lastLines)
            return string.Join(Environment.NewLine, _lastLines);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _ = SendSignal(_process.Id, SigTerm);
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await _process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        _process.Dispose();
    }

    private void Remember(string? line)
    {
        if (line is null)
            return;
        lock (_lastLines)
        {
            _lastLines.Enqueue(line);
            if (_lastLines.Count > 20)
                _lastLines.Dequeue();
        }
    }

    /// <summary>The same build of vigil as this one: its apphost when present, else <c>dotnet exec vigil.dll</c>.</summary>
    internal static ProcessStartInfo StartInfo()
    {
        string apphost = Path.Combine(AppContext.BaseDirectory, "vigil");
        var start = File.Exists(apphost) ? new ProcessStartInfo(apphost) : new ProcessStartInfo("dotnet") { ArgumentList = { "exec", Path.Combine(AppContext.BaseDirectory, "vigil.dll") } };
        start.UseShellExecute = false;
        start.RedirectStandardError = true;
        start.RedirectStandardOutput = true;
        return start;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private const int SigTerm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}
