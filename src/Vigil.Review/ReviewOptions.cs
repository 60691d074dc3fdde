namespace Vigil.Review;

/// <summary>How an operator runs review (every field has the design's default).</summary>
public sealed record ReviewOptions
{
    /// <summary>How long a claimed case stays with its reviewer (default 15 minutes).</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Four-eyes: a case is decided <c>report</c> only when two different reviewers say so.</summary>
    public bool FourEyes { get; init; }

    /// <summary>The bank confirmed items' hashes go into (created when missing), or null for none.</summary>
    public string? ConfirmedBank { get; init; }

    /// <summary>The negative bank false positives' query hashes go into (created when missing, negative), or null for none.</summary>
    public string? FalsePositiveBank { get; init; }

    /// <summary>Seconds of clear media a reviewer may see per UTC day before media is no longer served (default 5 h, the IWF's practice).</summary>
    public TimeSpan DailyExposureCap { get; init; } = TimeSpan.FromHours(5);

    /// <summary>How long a reveal of clear media lasts at most; each clear view is charged this much exposure (default 5 s).</summary>
    public TimeSpan RevealWindow { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the UI reminds a reviewer to take a break (default every hour of review).</summary>
    public TimeSpan BreakInterval { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Blur radius of derivatives when a reviewer has not chosen one (pixels of the derivative).</summary>
    public int DefaultBlurRadius { get; init; } = 12;

    /// <summary>The least blur a reviewer may choose (the org's limit).</summary>
    public int MinimumBlurRadius { get; init; } = 4;

    /// <summary>Whether reviewers may turn greyscale off (the org's limit; greyscale is on by default).</summary>
    public bool AllowColour { get; init; } = true;

    /// <summary>Whether reviewers may unmute video (the org's limit; muted by default).</summary>
    public bool AllowSound { get; init; } = true;

    /// <summary>How long a reported case's media is kept after the report (default 1 year, the REPORT Act's minimum; only longer is allowed).</summary>
    public TimeSpan ReportedRetention { get; init; } = TimeSpan.FromDays(365);

    /// <summary>How long a case decided <c>no_report</c> keeps its media and user context (default 30 days).</summary>
    public TimeSpan DismissedRetention { get; init; } = TimeSpan.FromDays(30);

    /// <summary>
    /// How long a conversation that never opened a review item keeps its stored messages after its last one (default 90
    /// days: longer than the dismissed-case retention because grooming builds slowly, and the risk is recomputed from the
    /// whole stored conversation, so a purge starts it again from nothing).
    /// </summary>
    public TimeSpan IdleConversationRetention { get; init; } = TimeSpan.FromDays(90);

    /// <summary>How often <c>vigil serve</c> purges media past retention (default hourly; the first sweep runs at start-up).</summary>
    public TimeSpan RetentionSweepInterval { get; init; } = TimeSpan.FromHours(1);

    /// <summary>The shortest allowed <see cref="ReportedRetention"/>.</summary>
    public static readonly TimeSpan MinimumReportedRetention = TimeSpan.FromDays(365);

    /// <summary>Why these options cannot be used, or null.</summary>
    public string? Problem()
    {
        if (LeaseDuration <= TimeSpan.Zero)
            return "the lease duration must be positive";
        if (ReportedRetention < MinimumReportedRetention)
            return "reported cases are kept at least 365 days after the report (the REPORT Act's preservation period)";
        if (DismissedRetention <= TimeSpan.Zero)
            return "the dismissed-case retention must be positive";
        if (IdleConversationRetention <= TimeSpan.Zero)
            return "the idle-conversation retention must be positive";
        if (RetentionSweepInterval <= TimeSpan.Zero)
            return "the retention sweep interval must be positive";
        if (DailyExposureCap <= TimeSpan.Zero || RevealWindow <= TimeSpan.Zero || BreakInterval <= TimeSpan.Zero)
            return "the exposure cap, reveal window and break interval must be positive";
        if (MinimumBlurRadius < 1 || DefaultBlurRadius < MinimumBlurRadius)
            return "the blur radius must be at least 1 and the default at least the minimum";
        if (ConfirmedBank is not null && ConfirmedBank == FalsePositiveBank)
            return "the confirmed bank and the false-positive bank must differ";
        return null;
    }
}
