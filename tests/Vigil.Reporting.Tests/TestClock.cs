namespace Vigil.Reporting.Tests;

/// <summary>A clock whose timers fire only when the test advances it; it tells when a timer is armed and records
/// every due time asked for (the client's backoff delays and timeouts), so nothing waits on the wall clock.</summary>
internal sealed class TestClock : TimeProvider
{
    private readonly object _lock = new();
    private readonly List<Timer> _timers = [];
    private readonly SemaphoreSlim _armed = new(0);
    private DateTimeOffset _now = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    public List<TimeSpan> Armed { get; } = [];

    public override DateTimeOffset GetUtcNow() { lock (_lock) return _now; }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() { lock (_lock) return _now.UtcTicks; }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new Timer(this, callback, state);
        lock (_lock)
            _timers.Add(timer);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Completes when the next timer is armed (one per arming).</summary>
    public Task WaitForTimerAsync(CancellationToken ct = default) => _armed.WaitAsync(ct);

    public void Advance(TimeSpan by)
    {
        DateTimeOffset target;
        lock (_lock)
            target = _now + by;
        while (true)
        {
            Timer? due;
            lock (_lock)
            {
                due = _timers.Where(t => t.DueAt is { } at && at <= target).MinBy(t => t.DueAt);
                if (due is null)
                {
                    _now = target;
                    return;
                }
                _now = due.DueAt!.Value;
                due.DueAt = due.Period is { } p && p > TimeSpan.Zero ? _now + p : null;
            }
            due.Fire();
        }
    }

    /// <summary>Moves to the earliest armed timer and fires it; false when none is armed.</summary>
    public bool AdvanceToNextTimer()
    {
        TimeSpan by;
        lock (_lock)
        {
            var next = _timers.Where(t => t.DueAt is not null).MinBy(t => t.DueAt);
            if (next is null)
                return false;
            by = next.DueAt!.Value - _now;
        }
        Advance(by < TimeSpan.Zero ? TimeSpan.Zero : by);
        return true;
    }

    /// <summary>Runs <paramref name="task"/> to completion, firing each timer it arms (retry delays) as soon as it is armed.</summary>
    public async Task<T> RunAsync<T>(Task<T> task)
    {
        while (!task.IsCompleted)
        {
            var armed = WaitForTimerAsync();
            if (await Task.WhenAny(task, armed) == task)
                break;
            AdvanceToNextTimer();
        }
        return await task;
    }

    public async Task RunAsync(Task task) => await RunAsync(task.ContinueWith(t => { t.GetAwaiter().GetResult(); return 0; }, TaskScheduler.Default));

    private sealed class Timer(TestClock clock, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset? DueAt { get; set; }
        public TimeSpan? Period { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            bool arm;
            lock (clock._lock)
            {
                Period = period == Timeout.InfiniteTimeSpan ? null : period;
                DueAt = dueTime == Timeout.InfiniteTimeSpan ? null : clock._now + dueTime;
                arm = DueAt is not null;
                if (arm)
                    clock.Armed.Add(dueTime);
            }
            if (arm)
                clock._armed.Release();
            return true;
        }

        public void Fire() => callback(state);

        public void Dispose()
        {
            lock (clock._lock)
            {
                DueAt = null;
                clock._timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
