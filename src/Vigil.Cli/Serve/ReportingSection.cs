using System.Text.Json.Serialization;
using Vigil.Reporting.Building;
using Vigil.Reporting.Client;
using Vigil.Reporting.Delivery;

namespace Vigil.Cli.Serve;

/// <summary>
/// The <c>reporting</c> section: who files CyberTipline reports and where (docs/reporting.md). The
/// password is never in it: <c>password_file</c> names a file, or <c>$VIGIL_CYBERTIPLINE_PASSWORD</c>
/// holds it; <c>$VIGIL_CYBERTIPLINE_URL</c> and <c>$VIGIL_CYBERTIPLINE_USER</c> win over the file.
/// </summary>
internal sealed record ReportingSection
{
    /// <summary><c>test</c> (NCMEC's exttest host, the default) or <c>production</c> (real reports: an explicit choice).</summary>
    [JsonPropertyName("environment")]
    public string? Environment { get; init; }

    /// <summary>Another base URL (a fake server, a proxy); null: the environment's host.</summary>
    [JsonPropertyName("url")]
    public string? Url { get; init; }

    /// <summary>The user NCMEC issued.</summary>
    [JsonPropertyName("user")]
    public string? User { get; init; }

    /// <summary>A file holding the password (mode 600), never the password itself.</summary>
    [JsonPropertyName("password_file")]
    public string? PasswordFile { get; init; }

    /// <summary>The incident type of reports (default <c>child_pornography</c>).</summary>
    [JsonPropertyName("incident_type")]
    public string? IncidentType { get; init; }

    /// <summary>The reporting company and its people.</summary>
    [JsonPropertyName("reporter")]
    public ReporterSection? Reporter { get; init; }

    /// <summary>How often the server's idle worker looks for reports to file (default 2).</summary>
    [JsonPropertyName("poll_interval_seconds")]
    public int? PollIntervalSeconds { get; init; }

    /// <summary>Reports the server works at once (default 4).</summary>
    [JsonPropertyName("parallelism")]
    public int? Parallelism { get; init; }

    /// <summary>The first back-off after NCMEC could not be reached (the client has retried already); it doubles per failure (default 30).</summary>
    [JsonPropertyName("backoff_base_seconds")]
    public int? BackoffBaseSeconds { get; init; }

    /// <summary>Failed tries of one step in a row before the report is stopped as failed (default 20).</summary>
    [JsonPropertyName("max_tries")]
    public int? MaxTries { get; init; }

    /// <summary>Days after filing the platform should keep the reported user's records (<c>report_filed</c>'s <c>preserve_until</c>); 0 for none (default 365).</summary>
    [JsonPropertyName("preserve_days")]
    public int? PreserveDays { get; init; }

    /// <summary>Why the section cannot be used, or null.</summary>
    public string? Problem()
    {
        if (Environment is not (null or "test" or "production"))
            return $"environment must be test or production, not '{Environment}'";
        if (Url is not null && (!Uri.TryCreate(Url, UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http")))
            return $"url must be an absolute http(s) URL, not '{Url}'";
        if (Url is not null && Environment != "production" && CyberTiplineEnvironments.IsProduction(new Uri(Url)))
            return "url is NCMEC's production host: say environment: production to file real reports";
        if (IncidentType is not (null or "child_pornography"))
            return $"incident_type must be child_pornography (the only type Vigil files), not '{IncidentType}'";
        if (PollIntervalSeconds is < 1 or > 3600)
            return "poll_interval_seconds must be 1..3600";
        if (Parallelism is < 1 or > 64)
            return "parallelism must be 1..64";
        if (BackoffBaseSeconds is < 1 or > 1800)
            return "backoff_base_seconds must be 1..1800";
        if (MaxTries is < 1 or > 1000)
            return "max_tries must be 1..1000";
        if (PreserveDays is < 0 or > 36_500)
            return "preserve_days must be 0..36500 (0: no preserve_until)";
        if (Reporter is null)
            return "reporter is required: the company and the person filing (see 'vigil report init-config')";
        return Reporter.Problem();
    }

    /// <summary>The outbox's options: the reporter, the incident type and the limits set here over the defaults (call after <see cref="Problem"/>).</summary>
    public ReportDeliveryOptions ToDeliveryOptions()
    {
        var defaults = new ReportDeliveryOptions { Reporter = ToReporter() };
        return defaults with
        {
            IncidentType = Vigil.Reporting.Model.IncidentType.ChildPornography,
            BackoffBase = BackoffBaseSeconds is { } backoff ? TimeSpan.FromSeconds(backoff) : defaults.BackoffBase,
            MaxTries = MaxTries ?? defaults.MaxTries,
            PreserveFor = PreserveDays switch { null => defaults.PreserveFor, 0 => null, { } days => TimeSpan.FromDays(days) },
        };
    }

    /// <summary>The server's worker options set here over the defaults.</summary>
    public ReportWorkerOptions ToWorkerOptions()
    {
        var defaults = new ReportWorkerOptions();
        return defaults with
        {
            PollInterval = PollIntervalSeconds is { } poll ? TimeSpan.FromSeconds(poll) : defaults.PollInterval,
            Parallelism = Parallelism ?? defaults.Parallelism,
        };
    }

    /// <summary>The reporter as the report builder takes it (call after <see cref="Problem"/>).</summary>
    public ReporterSettings ToReporter() => new()
    {
        Company = Reporter!.Company!,
        ReportingPerson = Reporter.ReportingPerson!.ToPerson(),
        ContactPerson = Reporter.ContactPerson?.ToPerson(),
        TermsOfServiceUrl = Reporter.TermsOfServiceUrl,
        LegalUrl = Reporter.LegalUrl,
    };

    /// <summary>
    /// The client's options: the environment's variables over the file's user, password file and URL. NCMEC's
    /// production host is allowed only when <paramref name="production"/> says the command line chose it too
    /// (<c>--cybertipline production</c>; <see cref="ReportingSetup"/> checks the two agree).
    /// </summary>
    /// <exception cref="ArgumentException">No user or no password anywhere, or an empty password file.</exception>
    /// <exception cref="IOException">The password file cannot be read.</exception>
    public CyberTiplineClientOptions ToClientOptions(Func<string, string?> environment, bool production) => CyberTiplineClientOptions.Resolve(environment,
        Url is not null ? new Uri(Url) : Environment == "production" ? CyberTiplineEnvironments.Production : CyberTiplineEnvironments.Test,
        User, PasswordFile, allowProduction: production && Environment == "production");
}

/// <summary>The reporting company (<c>reporter</c> of the report).</summary>
internal sealed record ReporterSection
{
    /// <summary>The company's name as NCMEC knows it (required).</summary>
    [JsonPropertyName("company")]
    public string? Company { get; init; }

    /// <summary>The person filing (required: first and last name, email).</summary>
    [JsonPropertyName("reporting_person")]
    public PersonSection? ReportingPerson { get; init; }

    /// <summary>Whom NCMEC contacts about the report, when not the reporting person.</summary>
    [JsonPropertyName("contact_person")]
    public PersonSection? ContactPerson { get; init; }

    /// <summary>The platform's terms of service.</summary>
    [JsonPropertyName("terms_of_service_url")]
    public string? TermsOfServiceUrl { get; init; }

    /// <summary>Where law enforcement sends legal process.</summary>
    [JsonPropertyName("legal_url")]
    public string? LegalUrl { get; init; }

    public string? Problem()
    {
        if (string.IsNullOrWhiteSpace(Company))
            return "reporter.company is required";
        if (ReportingPerson is null || string.IsNullOrWhiteSpace(ReportingPerson.FirstName) || string.IsNullOrWhiteSpace(ReportingPerson.LastName)
            || string.IsNullOrWhiteSpace(ReportingPerson.Email))
            return "reporter.reporting_person needs first_name, last_name and email";
        foreach (var (key, value) in new[] { ("terms_of_service_url", TermsOfServiceUrl), ("legal_url", LegalUrl) })
        {
            if (value is not null && !Uri.TryCreate(value, UriKind.Absolute, out _))
                return $"reporter.{key} must be an absolute URL";
        }
        return null;
    }
}

/// <summary>A person of the reporter.</summary>
internal sealed record PersonSection
{
    [JsonPropertyName("first_name")]
    public string? FirstName { get; init; }

    [JsonPropertyName("last_name")]
    public string? LastName { get; init; }

    [JsonPropertyName("email")]
    public string? Email { get; init; }

    [JsonPropertyName("phone")]
    public string? Phone { get; init; }

    public ReporterPerson ToPerson() => new() { FirstName = FirstName, LastName = LastName, Email = Email, Phone = Phone };
}
