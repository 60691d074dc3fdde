using System.Text.Json.Serialization;
using Vigil.Review;

namespace Vigil.Cli.Serve;

/// <summary>The <c>review</c> section: the banks decisions feed, four-eyes, the evidence vault key, wellness limits and retention (docs/review.md).</summary>
internal sealed record ReviewSection
{
    /// <summary>Bank confirmed items' hashes go into (<c>--confirmed-bank</c>); created when missing.</summary>
    [JsonPropertyName("confirmed_bank")]
    public string? ConfirmedBank { get; init; }

    /// <summary>Negative bank false positives' query hashes go into (<c>--false-positive-bank</c>); created when missing.</summary>
    [JsonPropertyName("false_positive_bank")]
    public string? FalsePositiveBank { get; init; }

    /// <summary>A report needs two different reviewers (<c>--four-eyes</c>).</summary>
    [JsonPropertyName("four_eyes")]
    public bool? FourEyes { get; init; }

    /// <summary>The evidence vault's master key file (<c>--vault-key</c>, made by <c>vigil review init-key</c>); null: no media is kept.</summary>
    [JsonPropertyName("vault_key")]
    public string? VaultKey { get; init; }

    /// <summary>How long a claimed case stays with its reviewer.</summary>
    [JsonPropertyName("lease_minutes")]
    public int? LeaseMinutes { get; init; }

    /// <summary>Hours of clear media a reviewer may see per day.</summary>
    [JsonPropertyName("daily_cap_hours")]
    public double? DailyCapHours { get; init; }

    /// <summary>Minutes of review between break reminders.</summary>
    [JsonPropertyName("break_minutes")]
    public int? BreakMinutes { get; init; }

    /// <summary>Minutes a reviewer UI session may sit unused before it ends.</summary>
    [JsonPropertyName("session_idle_minutes")]
    public int? SessionIdleMinutes { get; init; }

    /// <summary>Hours a reviewer UI session lasts after login, however busy.</summary>
    [JsonPropertyName("session_hours")]
    public int? SessionHours { get; init; }

    /// <summary>Days a reported case's media is kept after the report (at least 365).</summary>
    [JsonPropertyName("reported_retention_days")]
    public int? ReportedRetentionDays { get; init; }

    /// <summary>Days a no_report case's media and user context are kept.</summary>
    [JsonPropertyName("dismissed_retention_days")]
    public int? DismissedRetentionDays { get; init; }

    /// <summary>Days a conversation that never opened a review item keeps its messages after its last one (default 90).</summary>
    [JsonPropertyName("idle_conversation_retention_days")]
    public int? IdleConversationRetentionDays { get; init; }

    /// <summary>Minutes between the server's retention sweeps (the first runs at start-up).</summary>
    [JsonPropertyName("retention_sweep_minutes")]
    public int? RetentionSweepMinutes { get; init; }

    /// <summary>The defaults, as <see cref="ReviewOptions"/> has them.</summary>
    public static ReviewSection Defaults { get; } = new()
    {
        FourEyes = false,
        LeaseMinutes = 15,
        DailyCapHours = 5,
        BreakMinutes = 60,
        SessionIdleMinutes = 30,
        SessionHours = 12,
        ReportedRetentionDays = 365,
        DismissedRetentionDays = 30,
        IdleConversationRetentionDays = 90,
        RetentionSweepMinutes = 60,
    };

    /// <summary>Each key from <paramref name="layer"/> where it sets one, else from this.</summary>
    public ReviewSection Over(ReviewSection? layer) => layer is null ? this : new()
    {
        ConfirmedBank = layer.ConfirmedBank ?? ConfirmedBank,
        FalsePositiveBank = layer.FalsePositiveBank ?? FalsePositiveBank,
        FourEyes = layer.FourEyes ?? FourEyes,
        VaultKey = layer.VaultKey ?? VaultKey,
        LeaseMinutes = layer.LeaseMinutes ?? LeaseMinutes,
        DailyCapHours = layer.DailyCapHours ?? DailyCapHours,
        BreakMinutes = layer.BreakMinutes ?? BreakMinutes,
        SessionIdleMinutes = layer.SessionIdleMinutes ?? SessionIdleMinutes,
        SessionHours = layer.SessionHours ?? SessionHours,
        ReportedRetentionDays = layer.ReportedRetentionDays ?? ReportedRetentionDays,
        DismissedRetentionDays = layer.DismissedRetentionDays ?? DismissedRetentionDays,
        IdleConversationRetentionDays = layer.IdleConversationRetentionDays ?? IdleConversationRetentionDays,
        RetentionSweepMinutes = layer.RetentionSweepMinutes ?? RetentionSweepMinutes,
    };

    /// <summary>The review options these settings give (defaults for what is unset).</summary>
    public ReviewOptions ToOptions()
    {
        var defaults = new ReviewOptions();
        return defaults with
        {
            ConfirmedBank = ConfirmedBank,
            FalsePositiveBank = FalsePositiveBank,
            FourEyes = FourEyes ?? false,
            LeaseDuration = LeaseMinutes is { } lease ? TimeSpan.FromMinutes(lease) : defaults.LeaseDuration,
            DailyExposureCap = DailyCapHours is { } cap ? TimeSpan.FromHours(cap) : defaults.DailyExposureCap,
            BreakInterval = BreakMinutes is { } pause ? TimeSpan.FromMinutes(pause) : defaults.BreakInterval,
            ReportedRetention = ReportedRetentionDays is { } kept ? TimeSpan.FromDays(kept) : defaults.ReportedRetention,
            DismissedRetention = DismissedRetentionDays is { } gone ? TimeSpan.FromDays(gone) : defaults.DismissedRetention,
            IdleConversationRetention = IdleConversationRetentionDays is { } idle ? TimeSpan.FromDays(idle) : defaults.IdleConversationRetention,
            RetentionSweepInterval = RetentionSweepMinutes is { } sweep ? TimeSpan.FromMinutes(sweep) : defaults.RetentionSweepInterval,
        };
    }

    /// <summary>The reviewer UI's session settings these give (defaults for what is unset).</summary>
    public Vigil.Server.ReviewUi.ReviewUiSettings ToUiSettings()
    {
        var defaults = new Vigil.Server.ReviewUi.ReviewUiSettings();
        return defaults with
        {
            SessionIdleTimeout = SessionIdleMinutes is { } idle ? TimeSpan.FromMinutes(idle) : defaults.SessionIdleTimeout,
            SessionLifetime = SessionHours is { } hours ? TimeSpan.FromHours(hours) : defaults.SessionLifetime,
        };
    }

    /// <summary>Why these settings cannot be used, or null.</summary>
    public string? Problem()
    {
        if (LeaseMinutes is < 1 or > 24 * 60)
            return "lease_minutes must be 1..1440";
        if (DailyCapHours is { } cap && (!double.IsFinite(cap) || cap <= 0 || cap > 24))
            return "daily_cap_hours must be more than 0 and at most 24";
        if (BreakMinutes is < 1 or > 24 * 60)
            return "break_minutes must be 1..1440";
        if (SessionIdleMinutes is < 1 or > 24 * 60)
            return "session_idle_minutes must be 1..1440";
        if (SessionHours is < 1 or > 24 * 7)
            return "session_hours must be 1..168";
        if (ReportedRetentionDays is < 365 or > 36_500)
            return "reported_retention_days must be 365..36500 (a report's evidence is kept at least one year)";
        if (DismissedRetentionDays is < 1 or > 36_500)
            return "dismissed_retention_days must be 1..36500";
        if (IdleConversationRetentionDays is < 1 or > 36_500)
            return "idle_conversation_retention_days must be 1..36500";
        if (RetentionSweepMinutes is < 1 or > 24 * 60)
            return "retention_sweep_minutes must be 1..1440";
        foreach (var (key, bank) in new[] { ("confirmed_bank", ConfirmedBank), ("false_positive_bank", FalsePositiveBank) })
        {
            if (bank is not null && !Vigil.Storage.BankName.IsValid(bank))
                return $"{key}: '{bank}' is not a valid bank name (A-Z, 0-9 and _)";
        }
        return ToOptions().Problem();
    }
}
