using Vigil.Reporting.Model;

namespace Vigil.Reporting.Building;

/// <summary>What a report is made from: the decided case (incident, items, the platform's context) and the operator's
/// reporter settings. A case builder fills it; <see cref="ReportDocumentBuilder"/> turns it into the documents.</summary>
/// <remarks>Free text from the platform may hold anything: characters XML cannot carry are stripped by the builder,
/// everything else (markup characters, any script) is escaped by the writer.</remarks>
public sealed record ReportInput
{
    /// <summary>The incident type: for a case, the operator's configured <c>incident_type</c> (every report of a deployment has the same one).</summary>
    public required IncidentType IncidentType { get; init; }

    /// <summary>Report annotations (sextortion, solicitation, ...), if the reviewer set any.</summary>
    public ReportAnnotations? Annotations { get; init; }

    /// <summary>The application where it happened (<c>incidentSummary/platform</c>).</summary>
    public string? Platform { get; init; }

    /// <summary>Why NCMEC should look now (a child at immediate risk); null for an ordinary report.</summary>
    public string? EscalateToHighPriority { get; init; }

    /// <summary>When the incident happened; null takes the earliest upload time of <see cref="Items"/>.</summary>
    public DateTimeOffset? IncidentDateTime { get; init; }

    /// <summary>The incident's internet details as the platform gave them (chat, e-mail, game, ...). When empty, a
    /// web page incident is made from the items' <see cref="ReportedItem.Location"/> URLs.</summary>
    public IReadOnlyList<InternetDetails> InternetDetails { get; init; } = [];

    /// <summary>Who reports: from the operator's <c>reporting</c> configuration.</summary>
    public required ReporterSettings Reporter { get; init; }

    /// <summary>The platform's user the case is about, if known.</summary>
    public ReportedUser? User { get; init; }

    /// <summary>The confirmed items: one uploaded file and one fileDetails each.</summary>
    public IReadOnlyList<ReportedItem> Items { get; init; } = [];

    /// <summary>Free text for the whole report (<c>report/additionalInfo</c>).</summary>
    public string? AdditionalInfo { get; init; }
}

/// <summary>The reporting company, from operator configuration (never from the case).</summary>
public sealed record ReporterSettings
{
    /// <summary>The company's name; opens the report's <c>companyTemplate</c>.</summary>
    public required string Company { get; init; }

    /// <summary>The person filing reports (<c>reportingPerson</c>): at least an e-mail address is expected by NCMEC.</summary>
    public required ReporterPerson ReportingPerson { get; init; }

    /// <summary>Whom NCMEC and law enforcement contact (<c>contactPerson</c>), if not the reporting person.</summary>
    public ReporterPerson? ContactPerson { get; init; }

    /// <summary>The company's standing text for every report (legal process, retention, emergency line); follows the company name.</summary>
    public string? CompanyTemplate { get; init; }

    /// <summary>The terms of service URL (or text) relevant to the incident (<c>termsOfService</c>).</summary>
    public string? TermsOfServiceUrl { get; init; }

    /// <summary>A page for law enforcement (<c>legalURL</c>).</summary>
    public string? LegalUrl { get; init; }
}

/// <summary>A person of the reporting company.</summary>
public sealed record ReporterPerson
{
    /// <summary>First name.</summary>
    public string? FirstName { get; init; }
    /// <summary>Last name.</summary>
    public string? LastName { get; init; }
    /// <summary>E-mail address.</summary>
    public string? Email { get; init; }
    /// <summary>Phone number.</summary>
    public string? Phone { get; init; }
}

/// <summary>The platform's account the case is about (<c>personOrUserReported</c>), as the platform gave it.</summary>
public sealed record ReportedUser
{
    /// <summary>The platform's user id (<c>espIdentifier</c>).</summary>
    public string? UserId { get; init; }
    /// <summary>The screen name.</summary>
    public string? ScreenName { get; init; }
    /// <summary>Display names.</summary>
    public IReadOnlyList<string> DisplayNames { get; init; } = [];
    /// <summary>E-mail addresses of the account.</summary>
    public IReadOnlyList<string> Emails { get; init; } = [];
    /// <summary>Profile URLs.</summary>
    public IReadOnlyList<string> ProfileUrls { get; init; } = [];
    /// <summary>The product of the platform the account used (<c>espService</c>).</summary>
    public string? Service { get; init; }
    /// <summary>IP addresses seen for the account (logins, uploads, ...).</summary>
    public IReadOnlyList<IpCaptureEvent> IpCaptureEvents { get; init; } = [];
}

/// <summary>One confirmed item of the case: the file uploaded to NCMEC and what the reviewer found.</summary>
public sealed record ReportedItem
{
    /// <summary>The case item the file is (its media is read from the evidence vault by this id), or null outside a case.</summary>
    public long? ItemId { get; init; }

    /// <summary>The name the user gave the file on the platform (<c>originalFileName</c>).</summary>
    public string? OriginalFileName { get; init; }
    /// <summary>The name the file is uploaded to NCMEC under; null uses <see cref="OriginalFileName"/>, then <c>item-N</c>.</summary>
    public string? FileName { get; init; }
    /// <summary>When the user uploaded it to the platform.</summary>
    public DateTimeOffset? UploadedAt { get; init; }
    /// <summary>Where it was: the URL of the page or the file (<c>locationOfFile</c>).</summary>
    public string? Location { get; init; }
    /// <summary>The uploader's IP address, if the platform gave it.</summary>
    public string? UploaderIp { get; init; }
    /// <summary>The uploader's source port, if the platform gave it.</summary>
    public int? UploaderPort { get; init; }
    /// <summary>A reviewer revealed and looked at the file (<c>fileViewedByEsp</c>).</summary>
    public bool ViewedByReviewer { get; init; }
    /// <summary>A reviewer looked at its EXIF data (<c>exifViewedByEsp</c>).</summary>
    public bool ExifViewedByReviewer { get; init; }
    /// <summary>The file was publicly visible on the platform; null when unknown.</summary>
    public bool? PubliclyAvailable { get; init; }
    /// <summary>Reported (default) or supplemental.</summary>
    public FileRelevance Relevance { get; init; } = FileRelevance.Reported;
    /// <summary>The reviewer's industry classification; for a hash-only item, the matched bank entry's.</summary>
    public IndustryClassification? Classification { get; init; }
    /// <summary>File annotations the reviewer set.</summary>
    public FileAnnotations? Annotations { get; init; }
    /// <summary>The MD5 of the file's bytes, 32 hex digits (the upload is checked against it).</summary>
    public required string Md5 { get; init; }
    /// <summary>The PDQ hash, 64 hex digits, if the item is an image.</summary>
    public string? Pdq { get; init; }
    /// <summary>The PDQ quality (0..100), if known.</summary>
    public int? PdqQuality { get; init; }
    /// <summary>How the item was matched (bank, distance), said in the file's additional info when it was not viewed.</summary>
    public string? MatchDescription { get; init; }
}
