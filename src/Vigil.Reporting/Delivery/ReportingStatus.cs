namespace Vigil.Reporting.Delivery;

/// <summary>What the report worker knows of the CyberTipline right now (shown on <c>/status</c> and the reports page); safe to read from any thread.</summary>
public sealed class ReportingStatus
{
    private readonly Lock _lock = new();
    private Snapshot _now;

    /// <summary>A status for the endpoint at <paramref name="baseAddress"/>.</summary>
    public ReportingStatus(Uri baseAddress, bool production)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        _now = new Snapshot(baseAddress.ToString(), production ? "production" : "test", null, null, "not checked yet", null);
    }

    /// <summary>The status as one immutable value.</summary>
    /// <param name="Endpoint">The CyberTipline base URL.</param>
    /// <param name="Environment"><c>production</c> when it is NCMEC's production host, else <c>test</c>.</param>
    /// <param name="CheckedAt">When <c>GET /status</c> last answered or failed.</param>
    /// <param name="Reachable">Whether it answered success then (null: not checked yet).</param>
    /// <param name="Message">NCMEC's answer or what went wrong.</param>
    /// <param name="PausedUntil">When the worker takes reports again after NCMEC refused the credentials, or null.</param>
    public sealed record Snapshot(string Endpoint, string Environment, DateTimeOffset? CheckedAt, bool? Reachable, string Message, DateTimeOffset? PausedUntil);

    /// <summary>The current status.</summary>
    public Snapshot Current { get { lock (_lock) return _now; } }

    /// <summary>Records a status check.</summary>
    public void Checked(DateTimeOffset at, bool reachable, string message)
    {
        lock (_lock)
            _now = _now with { CheckedAt = at, Reachable = reachable, Message = message };
    }

    /// <summary>Records that the worker pauses until <paramref name="until"/> (null: runs).</summary>
    public void Paused(DateTimeOffset? until)
    {
        lock (_lock)
            _now = _now with { PausedUntil = until };
    }
}
