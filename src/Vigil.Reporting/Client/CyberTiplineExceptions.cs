namespace Vigil.Reporting.Client;

/// <summary>A CyberTipline call failed. The subclasses say whether trying again later can help.</summary>
public abstract class CyberTiplineException(string operation, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The API operation: <c>status</c>, <c>submit</c>, <c>upload</c>, <c>fileinfo</c>, <c>finish</c> or <c>retract</c>.</summary>
    public string Operation { get; } = operation;

    /// <summary>True when the same call may succeed later (NCMEC or the network was down); false when it cannot without a change.</summary>
    public abstract bool IsTransient { get; }
}

/// <summary>NCMEC answered with a result code other than success: the document, the report's state or the request
/// was refused. Not retried; <see cref="Description"/> is NCMEC's text.</summary>
public class CyberTiplineRejectedException(string operation, int code, string description)
    : CyberTiplineException(operation, $"CyberTipline {operation} was refused: code {code}: {(description.Length > 0 ? description : "(no description)")}")
{
    /// <summary>NCMEC's result code (see <see cref="Model.ResponseCodes"/>).</summary>
    public int Code { get; } = code;

    /// <summary>NCMEC's description of the code.</summary>
    public string Description { get; } = description;

    /// <summary>The document failed NCMEC's validation (code 4100).</summary>
    public bool IsBadDocument => Code == Model.ResponseCodes.ValidationFailed;

    /// <inheritdoc/>
    public override bool IsTransient => false;
}

/// <summary>The credentials were refused (HTTP 401/403, or codes 2000/3000). Not retried: fix the credentials.</summary>
public sealed class CyberTiplineAuthenticationException(string operation, int code, string description)
    : CyberTiplineRejectedException(operation, code, description);

/// <summary>The CyberTipline could not be reached or kept failing (network errors, timeouts, HTTP 5xx or 429, NCMEC's
/// server-error code) through every retry. Try again later.</summary>
public sealed class CyberTiplineUnavailableException(string operation, int attempts, string reason, Exception? inner = null, bool answered = false)
    : CyberTiplineException(operation, $"CyberTipline {operation} failed after {attempts} attempt(s): {reason}", inner)
{
    /// <summary>How many attempts were made.</summary>
    public int Attempts { get; } = attempts;

    /// <summary>True when NCMEC answered every attempt with an error (5xx, 429, its server-error code), so none of them was
    /// carried out; false when an attempt went unanswered (timeout, lost connection) and NCMEC may have acted on it.</summary>
    public bool Answered { get; } = answered;

    /// <inheritdoc/>
    public override bool IsTransient => true;
}

/// <summary>The MD5 NCMEC computed for an uploaded file is not the file's: the bytes were damaged on the way. The file
/// (<see cref="FileId"/>) must not be described with <c>/fileinfo</c>; upload it again (or retract the report).</summary>
public sealed class CyberTiplineHashMismatchException(long reportId, string fileId, string expected, string actual)
    : CyberTiplineException("upload", $"CyberTipline upload to report {reportId}: NCMEC's MD5 of file {fileId} is {actual}, the file's is {expected}")
{
    /// <summary>The report.</summary>
    public long ReportId { get; } = reportId;
    /// <summary>The file id NCMEC gave the damaged upload.</summary>
    public string FileId { get; } = fileId;
    /// <summary>The file's MD5.</summary>
    public string Expected { get; } = expected;
    /// <summary>NCMEC's MD5.</summary>
    public string Actual { get; } = actual;

    /// <inheritdoc/>
    public override bool IsTransient => true;
}
