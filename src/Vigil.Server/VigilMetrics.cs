using System.Diagnostics.Metrics;
using Vigil.Hashing.Signals;

namespace Vigil.Server;

/// <summary>
/// The service's own instruments, on the meter <see cref="MeterName"/> (one per server, from its
/// <see cref="IMeterFactory"/>): lookups and matches counted as they are answered, and gauges read
/// when <c>/metrics</c> is scraped (index size, process memory, change-log lag, audit queue, video
/// decodes). HTTP requests and their latency come from ASP.NET Core's own meter. Recording costs
/// next to nothing while nothing listens (metrics off).
/// </summary>
public sealed class VigilMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Vigil.Server";

    private readonly Counter<long> _lookups;
    private readonly Counter<long> _matches;

    /// <summary>Creates the instruments; the gauges read the index, the audit queue and the media service.</summary>
    internal VigilMetrics(IMeterFactory meters, MatcherHost host, AuditTrail audit, MediaService media)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        _lookups = meter.CreateCounter<long>("vigil.lookups", "{lookup}",
            "Lookups answered, by the signal type looked up (a photo upload counts once for pdq and once for md5)");
        _matches = meter.CreateCounter<long>("vigil.matches", "{match}",
            "Matches answered (after the coin flip and the bank filter), by bank and the signal type looked up");
        meter.CreateObservableGauge("vigil.index.hashes", () => (long)(host.Matcher?.HashCount ?? 0), "{hash}",
            "PDQ hashes (image hashes and video frames) in the in-memory index; 0 until it is loaded");
        meter.CreateObservableGauge("vigil.changelog.applied", () => host.Matcher?.AppliedSeq ?? 0, "{change}",
            "The change-log sequence number this replica's index reflects");
        meter.CreateObservableGauge("vigil.changelog.lag", ChangeLogLag, "s",
            "Seconds since this replica's index last held every change in the store's change log (it reads the log every follow interval)");
        meter.CreateObservableGauge("vigil.audit.queue", () => audit.QueueLength, "{event}",
            "Audit events queued and not yet written to the store");
        meter.CreateObservableGauge("vigil.video.decodes", () => media.VideoDecodesInFlight, "{video}",
            "Videos being decoded now");
        meter.CreateObservableGauge("vigil.process.memory", () => Environment.WorkingSet, "By",
            "The process's working set (physical memory in use)");
        meter.CreateObservableGauge("vigil.process.managed_memory", () => GC.GetTotalMemory(forceFullCollection: false), "By",
            "Bytes allocated on the managed heap");

        IEnumerable<Measurement<double>> ChangeLogLag() => host.Matcher is { } matcher
            ? [new Measurement<double>(matcher.SinceCaughtUp.TotalSeconds)]
            : [];
    }

    /// <summary>Counts one lookup by <paramref name="type"/> and its matches in each bank.</summary>
    /// <param name="type">The signal type looked up.</param>
    /// <param name="matchesByBank">The bank names matched and how many matches each.</param>
    internal void Lookup(SignalType type, IEnumerable<KeyValuePair<string, int>> matchesByBank)
    {
        var signal = new KeyValuePair<string, object?>("signal_type", type.Name);
        _lookups.Add(1, signal);
        foreach (var (bank, count) in matchesByBank)
            _matches.Add(count, new KeyValuePair<string, object?>("bank", bank), signal);
    }
}
