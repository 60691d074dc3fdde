using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Threading.Channels;

namespace Vigil.Video;

/// <summary>
/// Runs the operator's <c>--on-match</c> command for each event, off the watch loop: the command runs
/// through <c>/bin/sh -c</c> with the event's JSON line on its standard input, at most
/// <see cref="MaxConcurrent"/> at a time, each for at most <see cref="Timeout"/> (then killed). Events
/// wait in a bounded queue; when it is full (the command is slower than the matches) an event is
/// dropped for the command (it was still printed) and the drop is reported. Failures (exit code not
/// 0, a timeout, a command that cannot start) are reported on the log with the end of the command's
/// standard error; its standard output is discarded. Thread-safe.
/// </summary>
public sealed class OnMatchRunner : IAsyncDisposable
{
    private readonly string _command;
    private readonly TextWriter _log;
    private readonly Channel<(WatchEvent Event, string Json)> _queue;
    private readonly Task[] _workers;
    private readonly CancellationTokenSource _kill = new();
    private long _completed, _failed, _dropped;

    /// <summary>Starts the workers.</summary>
    /// <param name="command">The shell command.</param>
    /// <param name="log">Where failures are reported (must be safe to write from several threads).</param>
    /// <param name="maxConcurrent">Runs at once (default 4).</param>
    /// <param name="maxQueued">Events waiting beyond those (default 100).</param>
    /// <param name="timeout">Longest run (default 60 s).</param>
    public OnMatchRunner(string command, TextWriter log, int maxConcurrent = 4, int maxQueued = 100, TimeSpan? timeout = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrent, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxQueued, 1);
        _command = command;
        _log = log;
        MaxConcurrent = maxConcurrent;
        Timeout = timeout ?? TimeSpan.FromSeconds(60);
        _queue = Channel.CreateBounded<(WatchEvent, string)>(new BoundedChannelOptions(maxQueued)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleWriter = false,
            SingleReader = false,
        });
        _workers = new Task[maxConcurrent];
        for (int i = 0; i < maxConcurrent; i++)
            _workers[i] = Task.Run(WorkAsync);
    }

    /// <summary>Runs at once, at most.</summary>
    public int MaxConcurrent { get; }

    /// <summary>Longest a run may take before it is killed.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Runs that exited 0.</summary>
    public long Completed => Interlocked.Read(ref _completed);

    /// <summary>Runs that failed (exit code, timeout, or could not start).</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Events not passed to the command because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Queues <paramref name="watchEvent"/> for the command without waiting; false (and a warning) when the queue is full.</summary>
    /// <param name="watchEvent">The event.</param>
    /// <param name="json">Its JSON line.</param>
    public bool TryEnqueue(WatchEvent watchEvent, string json)
    {
        if (_queue.Writer.TryWrite((watchEvent, json)))
            return true;
        Interlocked.Increment(ref _dropped);
        _log.WriteLine($"on-match: the command is behind (queue full); not run for {watchEvent.Bank}/{watchEvent.ContentId} at frame {watchEvent.Frame}");
        return false;
    }

    /// <summary>
    /// Stops taking events and waits up to <paramref name="grace"/> for the queued and running ones;
    /// runs still going after that are killed (and reported).
    /// </summary>
    /// <param name="grace">How long to wait.</param>
    public async Task DrainAsync(TimeSpan grace)
    {
        _queue.Writer.TryComplete();
        var all = Task.WhenAll(_workers);
        if (await Task.WhenAny(all, Task.Delay(grace)) != all)
        {
            _log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"on-match: stopping the commands still queued or running after {grace.TotalSeconds:0.#} s"));
            await _kill.CancelAsync();
            // Drop what is still queued.
            while (_queue.Reader.TryRead(out _))
                Interlocked.Increment(ref _dropped);
            await all;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await DrainAsync(TimeSpan.Zero);
        _kill.Dispose();
    }

    private async Task WorkAsync()
    {
        try
        {
            await foreach (var (watchEvent, json) in _queue.Reader.ReadAllAsync(_kill.Token))
                await RunOneAsync(watchEvent, json);
        }
        catch (OperationCanceledException)
        {
            // Killed by DrainAsync.
        }
    }

    private async Task RunOneAsync(WatchEvent watchEvent, string json)
    {
        string what = $"{watchEvent.Bank}/{watchEvent.ContentId} at frame {watchEvent.Frame}";
        var start = new ProcessStartInfo("/bin/sh")
        {
            ArgumentList = { "-c", _command },
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = new UTF8Encoding(false),
        };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("no process");
        }
        catch (Exception e)
        {
            Interlocked.Increment(ref _failed);
            _log.WriteLine($"on-match: cannot run the command for {what}: {e.Message}");
            return;
        }
        using (process)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_kill.Token);
            timeout.CancelAfter(Timeout);
            var stdout = DrainAsync(process.StandardOutput, 0);
            var stderr = DrainAsync(process.StandardError, 2000);
            try
            {
                await process.StandardInput.WriteAsync((json + "\n").AsMemory(), timeout.Token);
                await process.StandardInput.FlushAsync(timeout.Token);
            }
            catch (IOException)
            {
                // The command does not read its input: fine.
            }
            catch (OperationCanceledException)
            {
                // Handled below.
            }
            try
            {
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // Closed already.
            }
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                try
                {
                    process.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                    // Exited meanwhile.
                }
                Interlocked.Increment(ref _failed);
                _log.WriteLine(_kill.IsCancellationRequested
                    ? $"on-match: the command for {what} was stopped (watch ending)"
                    : string.Create(CultureInfo.InvariantCulture, $"on-match: the command for {what} took longer than {Timeout.TotalSeconds:0.#} s and was killed"));
                return;
            }
            await stdout;
            string tail = (await stderr).Trim();
            if (process.ExitCode == 0)
            {
                Interlocked.Increment(ref _completed);
                return;
            }
            Interlocked.Increment(ref _failed);
            _log.WriteLine($"on-match: the command for {what} exited {process.ExitCode}" + (tail.Length > 0 ? ": " + tail.ReplaceLineEndings(" | ") : ""));
        }
    }

    /// <summary>Reads <paramref name="reader"/> to its end, keeping its last <paramref name="keep"/> characters.</summary>
    private static async Task<string> DrainAsync(StreamReader reader, int keep)
    {
        var tail = new StringBuilder();
        var buffer = new char[4096];
        try
        {
            int n;
            while ((n = await reader.ReadAsync(buffer)) > 0)
            {
                if (keep == 0)
                    continue;
                tail.Append(buffer, 0, n);
                if (tail.Length > keep)
                    tail.Remove(0, tail.Length - keep);
            }
        }
        catch (IOException)
        {
            // The process went away.
        }
        return tail.ToString();
    }
}
