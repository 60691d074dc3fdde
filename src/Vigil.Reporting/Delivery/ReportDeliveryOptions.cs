using Vigil.Reporting.Building;
using Vigil.Reporting.Model;

namespace Vigil.Reporting.Delivery;

/// <summary>How the outbox files reports: who reports, how long a worker holds one, how it backs off and when it gives up.</summary>
public sealed record ReportDeliveryOptions
{
    /// <summary>The reporting company and people (from the <c>reporting</c> section of the config file).</summary>
    public required ReporterSettings Reporter { get; init; }

    /// <summary>The incident type of every report. Default: child pornography (possession, manufacture and distribution).</summary>
    public IncidentType IncidentType { get; init; } = IncidentType.ChildPornography;

    /// <summary>Who the audit log names for the outbox's changes. Default <c>reporting</c>.</summary>
    public string Actor { get; init; } = "reporting";

    /// <summary>How long a worker holds a report between saved steps; a worker that dies frees it after this (a restarted
    /// worker of the same name frees its own at once). Never shorter than one call through every retry of the client plus a
    /// minute, so a slow step cannot lose its report to another worker. Default 5 min.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The first back-off after a transient failure (the client has retried already); it doubles per failure, with jitter. Default 30 s.</summary>
    public TimeSpan BackoffBase { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest back-off. Default 30 min.</summary>
    public TimeSpan BackoffMax { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Transient failures of one step in a row before the report is stopped as failed. Default 20 (about 8 h at the defaults).</summary>
    public int MaxTries { get; init; } = 20;

    /// <summary>Starts of one report (each after a retraction) before it is stopped as failed. Default 3.</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>How long before the hotline's deadline an unfinished report counts as lost and is started again. Default 10 min.</summary>
    public TimeSpan WindowMargin { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How long after filing the platform should keep the reported user's records, told through <c>report_filed</c>'s
    /// <c>preserve_until</c>; null for none. Default one year (the REPORT Act).</summary>
    public TimeSpan? PreserveFor { get; init; } = TimeSpan.FromDays(365);
}
