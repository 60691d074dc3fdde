using System.Diagnostics;
using Vigil.Testing;
using Vigil.Video;

namespace Vigil.Video.Tests;

/// <summary><c>--on-match</c>: the command gets the event on stdin, runs off the watch loop, bounded, and its failures are reported.</summary>
public sealed class WatchOnMatchRunnerTests
{
    private static WatchEvent Event(long id) => new(DateTimeOffset.UtcNow, id * 10, id * 5.0, "KNOWN", id, 1, 90);

    [Fact]
    public async Task TheCommandGetsTheEventJsonOnItsStandardInput()
    {
        using var dir = new TempDirectory("vigil-onmatch-");
        var log = new StringWriter();
        var runner = new OnMatchRunner($"cat > \"{dir.Path}/event-$$.json\"", TextWriter.Synchronized(log));
        var events = Enumerable.Range(1, 3).Select(i => Event(i)).ToArray();
        foreach (var e in events)
            Assert.True(runner.TryEnqueue(e, e.ToJson()));
        await runner.DrainAsync(TimeSpan.FromSeconds(30));
        var written = Directory.GetFiles(dir.Path).Select(File.ReadAllText).Order().ToArray();
        Assert.Equal(events.Select(e => e.ToJson() + "\n").Order(), written);
        Assert.Equal(3, runner.Completed);
        Assert.Equal(0, runner.Failed);
        Assert.Equal("", log.ToString());
    }

    [Fact]
    public async Task AFailingCommandIsReportedWithItsStandardError()
    {
        var log = new StringWriter();
        var runner = new OnMatchRunner("echo 'webhook refused' >&2; exit 3", TextWriter.Synchronized(log));
        runner.TryEnqueue(Event(4), Event(4).ToJson());
        await runner.DrainAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, runner.Failed);
        Assert.Contains("on-match: the command for KNOWN/4 at frame 40 exited 3: webhook refused", log.ToString());
    }

    [Fact]
    public async Task ASlowCommandNeverBlocksTheCallerRunsBoundedAndIsKilledAfterItsTimeout()
    {
        var log = new StringWriter();
        await using var runner = new OnMatchRunner("sleep 30", TextWriter.Synchronized(log), maxConcurrent: 2, maxQueued: 3, timeout: TimeSpan.FromSeconds(1));
        var clock = Stopwatch.StartNew();
        int accepted = 0;
        for (int i = 0; i < 20; i++)
            if (runner.TryEnqueue(Event(i), Event(i).ToJson()))
                accepted++;
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"enqueuing took {clock.Elapsed}");
        // Two running (taken off the queue) plus three waiting, at most; the rest dropped and reported.
        Assert.InRange(accepted, 3, 5);
        Assert.Equal(20 - accepted, runner.Dropped);
        Assert.Contains("on-match: the command is behind (queue full)", log.ToString());
        await runner.DrainAsync(TimeSpan.FromSeconds(30));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"draining took {clock.Elapsed}");
        Assert.Equal(accepted, runner.Failed);
        Assert.Contains("took longer than 1 s and was killed", log.ToString());
    }

    [Fact]
    public async Task StoppingKillsTheRunsStillGoing()
    {
        var log = new StringWriter();
        var runner = new OnMatchRunner("sleep 30", TextWriter.Synchronized(log), maxConcurrent: 1);
        runner.TryEnqueue(Event(1), Event(1).ToJson());
        runner.TryEnqueue(Event(2), Event(2).ToJson());
        await Task.Delay(200);
        var clock = Stopwatch.StartNew();
        await runner.DrainAsync(TimeSpan.FromMilliseconds(300));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"stopping took {clock.Elapsed}");
        Assert.Contains("was stopped (watch ending)", log.ToString());
        await runner.DisposeAsync();
    }
}
