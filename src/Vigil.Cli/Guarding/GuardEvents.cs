using System.Diagnostics;
using System.Text.Json;

namespace Vigil.Cli.Guarding;

/// <summary>
/// <c>vigil guard</c>'s events: one JSON line per change (<c>blocked</c> or <c>stopped</c> when the output starts being
/// held back, <c>resumed</c> when it lets frames out again), and on <c>blocked</c>/<c>stopped</c> the
/// <c>--on-block-run</c> hooks, each a shell command given the event line on its standard input and in
/// <c>VIGIL_GUARD_*</c> variables. Hooks run beside the stream (it never waits for them); their output goes to standard
/// error, never into a video written to standard output; one still running after <see cref="HookTimeout"/> is killed.
/// </summary>
internal sealed class GuardEvents(TextWriter events, TextWriter error, string input, IReadOnlyList<string> hooks)
{
    public static readonly TimeSpan HookTimeout = TimeSpan.FromSeconds(30);

    private readonly List<Task> _running = [];
    private readonly Lock _errorLock = new();

    /// <summary>Writes one event line and, for a block, starts the hooks.</summary>
    public void Write(string kind, long frame, double fps, GuardHit? hit)
    {
        string line = Format(kind, frame, fps, hit);
        lock (_errorLock) // events may be standard error, which hooks' output shares
        {
            events.WriteLine(line);
            events.Flush();
        }
        if (kind is "blocked" or "stopped")
        {
            foreach (string hook in hooks)
                _running.Add(RunHookAsync(hook, kind, frame, hit, line));
        }
    }

    private string Format(string kind, long frame, double fps, GuardHit? hit)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("event", kind);
            json.WriteString("input", input);
            json.WriteNumber("frame", frame);
            json.WriteNumber("seconds", fps > 0 ? Math.Round(frame / fps, 3) : 0);
            json.WriteString("at", DateTimeOffset.UtcNow);
            if (hit is not null)
            {
                json.WriteString("reason", hit.Reason);
                if (hit.Distance is int distance)
                    json.WriteNumber("distance", distance);
                if (hit.Score is double score)
                    json.WriteNumber("score", score);
                if (hit.Detail is { } detail)
                    json.WriteString(hit.Reason == "classifier" ? "classifier" : "detail", detail);
            }
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private async Task RunHookAsync(string hook, string kind, long frame, GuardHit? hit, string line)
    {
        var start = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(hook);
        start.Environment["VIGIL_GUARD_EVENT"] = kind;
        start.Environment["VIGIL_GUARD_FRAME"] = frame.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["VIGIL_GUARD_REASON"] = hit?.Reason ?? "";
        start.Environment["VIGIL_GUARD_INPUT"] = input;
        try
        {
            using var process = Process.Start(start)!;
            var copyOut = CopyLinesAsync(process.StandardOutput);
            var copyErr = CopyLinesAsync(process.StandardError);
            try
            {
                await process.StandardInput.WriteLineAsync(line);
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // The hook did not read its input: that is its business.
            }
            using var timeout = new CancellationTokenSource(HookTimeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Report($"vigil guard: hook '{hook}' ran longer than {HookTimeout.TotalSeconds:0} s and was stopped");
                return;
            }
            await Task.WhenAll(copyOut, copyErr);
            if (process.ExitCode != 0)
                Report($"vigil guard: hook '{hook}' failed (exit {process.ExitCode})");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Report($"vigil guard: hook '{hook}' could not be started: {e.Message}");
        }
    }

    private async Task CopyLinesAsync(StreamReader reader)
    {
        while (await reader.ReadLineAsync() is { } text)
            Report("hook: " + text);
    }

    private void Report(string text)
    {
        lock (_errorLock)
        {
            error.WriteLine(text);
            error.Flush();
        }
    }

    /// <summary>Waits (up to <see cref="HookTimeout"/>) for hooks still running when the stream ends.</summary>
    public async Task WaitForHooksAsync()
    {
        try
        {
            await Task.WhenAll(_running).WaitAsync(HookTimeout + TimeSpan.FromSeconds(2));
        }
        catch (TimeoutException)
        {
        }
    }
}
