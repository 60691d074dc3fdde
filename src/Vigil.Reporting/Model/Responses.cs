namespace Vigil.Reporting.Model;

/// <summary>The <c>&lt;reportResponse&gt;</c> NCMEC returns from <c>/status</c>, <c>/submit</c>, <c>/upload</c>, <c>/fileinfo</c> and <c>/retract</c>.</summary>
public sealed record ReportResponse
{
    /// <summary><c>responseCode</c>: 0 is success; see <see cref="ResponseCodes"/>.</summary>
    public required int ResponseCode { get; init; }
    /// <summary><c>responseDescription</c>: NCMEC's text for the code (may be empty on success).</summary>
    public string ResponseDescription { get; init; } = "";
    /// <summary><c>reportId</c>, when the call concerns a report.</summary>
    public long? ReportId { get; init; }
    /// <summary><c>fileId</c>, after an upload.</summary>
    public string? FileId { get; init; }
    /// <summary><c>hash</c>: NCMEC's MD5 of the uploaded file (hex), after an upload.</summary>
    public string? Hash { get; init; }
}

/// <summary>The <c>&lt;reportDoneResponse&gt;</c> NCMEC returns from <c>/finish</c>.</summary>
public sealed record ReportDoneResponse
{
    /// <summary><c>responseCode</c>: 0 is success.</summary>
    public required int ResponseCode { get; init; }
    /// <summary><c>reportId</c>.</summary>
    public required long ReportId { get; init; }
    /// <summary><c>files</c>: the ids of the files NCMEC holds for the report.</summary>
    public IReadOnlyList<string> FileIds { get; init; } = [];
}

/// <summary>The result codes of NCMEC's reporting API (in the XML body, not the HTTP status).</summary>
/// <remarks>From NCMEC's ISPWS documentation as quoted by independent open clients; NCMEC may define more, which
/// the client treats as permanent failures carrying NCMEC's description.</remarks>
public static class ResponseCodes
{
    /// <summary>Success.</summary>
    public const int Success = 0;
    /// <summary>A server error at NCMEC: transient, retried.</summary>
    public const int ServerError = 1000;
    /// <summary>Authentication required: no or wrong credentials.</summary>
    public const int AuthenticationRequired = 2000;
    /// <summary>Not authorized for this operation.</summary>
    public const int NotAuthorized = 3000;
    /// <summary>The document failed NCMEC's validation.</summary>
    public const int ValidationFailed = 4100;
    /// <summary>The report does not exist (never opened, expired, or retracted).</summary>
    public const int ReportDoesNotExist = 5001;
    /// <summary>The report is already finished (no more files, no retract).</summary>
    public const int ReportAlreadyFinished = 5102;
}
